import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  AttestationError,
  PROMOTION_PREDICATE_TYPE,
  findPromotionAttestations,
  promotionStatementSchema
} from "./chunk-QFFU2CYM.js";
import "./chunk-EN2KTAKO.js";
import "./chunk-QEWPVKDM.js";
import {
  verifyKeyless
} from "./chunk-C6EBHX6A.js";
import {
  verifyWithKey
} from "./chunk-L6YJBKPG.js";
import "./chunk-XKCH53FU.js";
import "./chunk-GQEFYV6N.js";
import {
  SigningError,
  parseBundle
} from "./chunk-H4IN4WRU.js";
import "./chunk-6737T3ZJ.js";
import "./chunk-CPYVGYKC.js";
import {
  parseManifest
} from "./chunk-2BDLSEHF.js";
import "./chunk-5ZVCNGR2.js";
import "./chunk-WPYXZ6I6.js";
import {
  MediaType,
  isManifestMediaType
} from "./chunk-BPKCH6W6.js";
import "./chunk-6U5D3XBS.js";
import {
  require_tar_stream
} from "./chunk-VUSZPZLG.js";
import "./chunk-IIQ7BM2O.js";
import "./chunk-NE5QDH7Y.js";
import {
  OciRegistryError
} from "./chunk-36Q42R3Y.js";
import "./chunk-237YPWJV.js";
import {
  __toESM
} from "./chunk-6DG7BXTN.js";

// src/attest/verify-attestation.ts
function verifyPromotionAttestation(bundleBytes, name, policy, expected) {
  const bundle = readBundle(bundleBytes, name);
  const signer = checkSignature(bundle, name, policy);
  const statement = readStatement(bundle.envelope.payload, name);
  const subject = statement.subject[0];
  const want = expected.imageDigest.replace(/^sha256:/, "");
  if (subject.digest.sha256 !== want) {
    throw new AttestationError(
      "attestation-wrong-subject",
      `attestation ${name} is for image sha256:${subject.digest.sha256} (${subject.name}), not sha256:${want}`,
      "it was copied from another image: promote this image to get its own attestation"
    );
  }
  const environment = statement.predicate.environment.name;
  if (expected.environment !== void 0 && environment !== expected.environment) {
    throw new AttestationError(
      "attestation-wrong-environment",
      `attestation ${name} promotes the image to ${environment}, not ${expected.environment}`,
      `promote the model to ${expected.environment} through its own pipeline run before admitting it there`
    );
  }
  return { statement, ...signer };
}
function readBundle(bytes, name) {
  try {
    return parseBundle(bytes);
  } catch (error) {
    throw fromSigning(error, name);
  }
}
function checkSignature(bundle, name, policy) {
  try {
    if (policy.method === "key") return verifyWithKey(bundle, policy.publicKeys, false);
    const { signer, issuer } = verifyKeyless(bundle, policy.identities, policy.trustedRoot);
    return { signer, issuer };
  } catch (error) {
    throw fromSigning(error, name);
  }
}
function readStatement(payload, name) {
  let json;
  try {
    json = JSON.parse(Buffer.from(payload).toString("utf8"));
  } catch (cause) {
    throw new AttestationError(
      "attestation-malformed",
      `attestation ${name}: its signed payload is not JSON`,
      "attest the promotion again",
      { cause }
    );
  }
  const predicateType = json?.predicateType;
  if (predicateType !== PROMOTION_PREDICATE_TYPE) {
    throw new AttestationError(
      "attestation-wrong-predicate-type",
      `attestation ${name} has predicate type ${JSON.stringify(predicateType)}, not ${PROMOTION_PREDICATE_TYPE}`,
      "it is another kind of attestation: verify-promotion reads model-promote promotion attestations only"
    );
  }
  const parsed = promotionStatementSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AttestationError(
      "attestation-malformed",
      `attestation ${name}: its statement does not follow ${PROMOTION_PREDICATE_TYPE} (${issue?.path.join(".") || "statement"}: ${issue?.message ?? "invalid"})`,
      "the statement format is in docs/attestation.md and schema/promotion-statement.schema.json"
    );
  }
  return parsed.data;
}
var CODES = {
  "malformed-bundle": "attestation-malformed",
  "unsupported-bundle": "attestation-malformed",
  "not-a-model-signature": "attestation-malformed",
  "bad-signature": "attestation-bad-signature",
  "tlog-invalid": "attestation-bad-signature",
  "timestamp-invalid": "attestation-bad-signature",
  "untrusted-key": "attestation-untrusted-signer",
  "key-hint-mismatch": "attestation-untrusted-signer",
  "unsupported-key": "attestation-untrusted-signer",
  "wrong-identity": "attestation-untrusted-signer",
  "wrong-issuer": "attestation-untrusted-signer",
  "untrusted-chain": "attestation-untrusted-signer",
  "method-mismatch": "attestation-untrusted-signer"
};
function fromSigning(error, name) {
  if (!(error instanceof SigningError) || error.kind === "usage") return error;
  const code = CODES[error.code] ?? "attestation-bad-signature";
  const detail = error.message.replace(/^(verifying (keyless )?model signature|reading (signature|Sigstore) bundle)(: | with )/, "").replace(/model signature/g, "signature");
  return new AttestationError(
    code,
    `attestation ${name}: ${detail}`,
    code === "attestation-untrusted-signer" ? "trust the signer in the policy (--public-key, or --identity and --issuer) if it is your promotion pipeline; otherwise the image was not promoted by it" : "the attestation was altered or is not a promotion attestation: promote the image again",
    { cause: error }
  );
}

// src/attest/verify-layers.ts
var import_tar_stream = __toESM(require_tar_stream(), 1);
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createZstdDecompress } from "node:zlib";
async function hashModelLayers(manifest, statement, source) {
  const { layers, modelPath } = statement.predicate.image;
  const prefix = `${modelPath.replace(/^\/+|\/+$/g, "")}/`;
  const found = /* @__PURE__ */ new Map();
  for (const layer of layers) {
    const inImage = manifest.layers.find((d) => d.digest === layer.digest);
    if (!inImage) {
      throw mismatch(`model layer ${layer.digest} named by the attestation is not a layer of the image`);
    }
    for await (const [name, sha256] of hashTarFiles(source.open(layer.digest), inImage.mediaType)) {
      const relative = name.startsWith(prefix) ? name.slice(prefix.length) : void 0;
      if (relative === void 0) {
        throw mismatch(`model layer ${layer.digest} holds ${name}, outside the model path ${modelPath}`);
      }
      found.set(relative, sha256);
    }
  }
  return found;
}
function compareModelFiles(statement, found) {
  const { files, serialization } = statement.predicate.model;
  if (serialization !== "files") {
    throw new AttestationError(
      "attestation-layer-mismatch",
      `--layers re-hashes whole files, and this model was signed by ${serialization}: its digests are of file parts`,
      "verify without --layers, or sign the model with the files serialization (the default of model_signing)",
      { kind: "usage" }
    );
  }
  for (const file of files) {
    const actual = found.get(file.name);
    if (actual === void 0)
      throw mismatch(`model file ${file.name} is missing from the image's model layers`);
    if (actual !== file.digest.sha256) {
      throw mismatch(
        `model file ${file.name} in the image has sha256 ${actual}, the signed model has ${file.digest.sha256}`
      );
    }
  }
  const named = new Set(files.map((f) => f.name));
  const extra = [...found.keys()].find((name) => !named.has(name));
  if (extra !== void 0)
    throw mismatch(`the image's model layers hold ${extra}, which the signed model does not`);
  return files.length;
}
async function* hashTarFiles(blob, mediaType) {
  const extract = import_tar_stream.default.extract();
  const source = Readable.from(blob, { objectMode: false });
  const decompress = mediaType === MediaType.LayerGzip || mediaType === MediaType.DockerLayerGzip ? createGunzip() : mediaType === MediaType.LayerZstd ? createZstdDecompress() : void 0;
  const piping = decompress ? pipeline(source, decompress, extract) : pipeline(source, extract);
  piping.catch(() => void 0);
  try {
    for await (const entry of extract) {
      const name = entry.header.name.replace(/^(\.\/|\/)+/, "");
      if (entry.header.type !== "file" && entry.header.type !== "contiguous-file") {
        entry.resume();
        continue;
      }
      const hash = createHash("sha256");
      for await (const chunk of entry) hash.update(chunk);
      yield [name, hash.digest("hex")];
    }
    await piping;
  } finally {
    source.destroy();
    decompress?.destroy();
    extract.destroy();
  }
}
function mismatch(message) {
  return new AttestationError(
    "attestation-layer-mismatch",
    `--layers: ${message}`,
    "the image is not the one the signed model was promoted into: promote the model again and deploy that image"
  );
}

// src/attest/verify-promotion.ts
async function verifyPromotionImage(client, reference, policy, options) {
  const { repository } = reference;
  const digest = reference.digest ?? await resolveDigest(client, reference);
  const image = `${client.registry}/${repository}@${digest}`;
  const candidates = await findPromotionAttestations(client, repository, digest);
  const failures = [];
  let accepted;
  for (const candidate of candidates) {
    try {
      const verified = verifyPromotionAttestation(candidate.bundle, candidate.digest, policy, {
        imageDigest: digest,
        ...options.environment !== void 0 && { environment: options.environment }
      });
      accepted = { digest: candidate.digest, verified };
      break;
    } catch (error) {
      if (!(error instanceof AttestationError)) throw error;
      failures.push(error);
    }
  }
  if (!accepted) throw mostTelling(failures, image);
  const { statement, signer, issuer } = accepted.verified;
  let layersChecked;
  if (options.layers) {
    const fetched = await client.getManifest(repository, digest);
    if (!isManifestMediaType(fetched.mediaType)) {
      throw new AttestationError(
        "attestation-layer-mismatch",
        `--layers: ${image} is a ${fetched.mediaType}, not an image manifest`,
        "give the digest of the image the promotion pushed (its record names it)",
        { kind: "usage" }
      );
    }
    const manifest = parseManifest(fetched.bytes, `image ${image}`);
    const found = await hashModelLayers(manifest, statement, {
      open: (layer) => client.openBlob(repository, layer)
    });
    layersChecked = compareModelFiles(statement, found);
  }
  const { predicate } = statement;
  return {
    image,
    attestation: accepted.digest,
    environment: predicate.environment.name,
    pool: predicate.environment.pool,
    promotionId: predicate.promotionId,
    promotedAt: predicate.promotedAt,
    model: { name: predicate.model.name, version: predicate.model.version, digest: predicate.model.digest },
    signer,
    ...issuer && { issuer },
    ...layersChecked !== void 0 && { layersChecked }
  };
}
async function resolveDigest(client, reference) {
  const tag = reference.tag ?? "latest";
  const head = await client.headManifest(reference.repository, tag);
  if (head) return head.digest;
  throw new OciRegistryError(
    "usage",
    "manifest-unknown",
    `${client.registry}/${reference.repository}:${tag} is not in the registry`,
    "give the image by digest (HOST/REPO@sha256:...), as the promotion record names it"
  );
}
var DEPTH = {
  "attestation-not-found": 0,
  "attestation-malformed": 1,
  "attestation-wrong-predicate-type": 1,
  "attestation-untrusted-signer": 2,
  "attestation-bad-signature": 3,
  "attestation-wrong-subject": 4,
  "attestation-wrong-environment": 5,
  "attestation-layer-mismatch": 6
};
function mostTelling(failures, image) {
  const best = [...failures].sort((a, b) => DEPTH[b.code] - DEPTH[a.code])[0];
  if (best === void 0) {
    return new AttestationError(
      "attestation-not-found",
      `${image} has no readable promotion attestation`,
      "promote the image with attest: true"
    );
  }
  if (failures.length === 1) return best;
  return new AttestationError(
    best.code,
    `${best.message} (and ${failures.length - 1} other attestation(s) of ${image} fail too)`,
    best.hint ?? "",
    { cause: best }
  );
}
export {
  verifyPromotionImage
};
