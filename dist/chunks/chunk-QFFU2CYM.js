import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  SIGSTORE_BUNDLE_TYPE,
  listReferrers
} from "./chunk-QEWPVKDM.js";
import {
  STATEMENT_TYPE
} from "./chunk-XKCH53FU.js";
import {
  parseManifest
} from "./chunk-2BDLSEHF.js";
import {
  MediaType
} from "./chunk-BPKCH6W6.js";
import {
  external_exports
} from "./chunk-IIQ7BM2O.js";
import {
  PromotionError
} from "./chunk-237YPWJV.js";

// src/attest/attestation-error.ts
var AttestationError = class extends PromotionError {
  name = "AttestationError";
  constructor(code, message, hint, options) {
    super(options?.kind ?? "refused", code, message, hint, options);
  }
};

// src/attest/promotion-statement.ts
var PROMOTION_PREDICATE_TYPE = "https://model-promote.dev/promotion/v1";
var sha256Hex = external_exports.string().regex(/^[0-9a-f]{64}$/, "a sha256 hex digest (64 lowercase hex digits)");
var digestSet = external_exports.object({ sha256: sha256Hex }).describe("in-toto DigestSet: algorithm name to lowercase hex digest");
var ociDigest = external_exports.string().regex(/^sha256:[0-9a-f]{64}$/, "an OCI digest, sha256:<64 hex>");
var timestamp = external_exports.iso.datetime();
var promotionPredicateSchema = external_exports.object({
  promotionId: external_exports.string().min(1).describe("The promotion, as named in the record, history and annotations."),
  promotedAt: timestamp.describe("When the promotion was attested (RFC 3339, UTC)."),
  startedAt: timestamp.describe("When the promotion started."),
  runUrl: external_exports.url().optional().describe("The CI run that promoted the image."),
  tool: external_exports.object({ name: external_exports.literal("model-promote"), version: external_exports.string() }),
  result: external_exports.literal("succeeded").describe("Only a promotion that deployed is attested; a failed one leaves no attestation."),
  model: external_exports.object({
    registry: external_exports.string().describe("The model registry, as given (a folder path or a URI)."),
    name: external_exports.string(),
    version: external_exports.string().describe("The version promoted (an alias resolved)."),
    requested: external_exports.string().describe("The version or alias as asked for."),
    digest: ociDigest.describe(
      "The OMS signature's subject digest: one digest for the whole signed model."
    ),
    signature: external_exports.object({
      method: external_exports.enum(["keyless", "key", "certificate"]),
      signer: external_exports.string().describe(
        "Keyless: the certificate identity; key: the SPKI sha256 fingerprint; certificate: the subject."
      ),
      issuer: external_exports.string().optional().describe("Keyless: the OIDC issuer."),
      policies: external_exports.array(external_exports.string()).describe("The signing policies it satisfied, by source.")
    }),
    serialization: external_exports.string().describe("How OMS hashed the model: files, or shards."),
    files: external_exports.array(external_exports.object({ name: external_exports.string(), digest: digestSet })).describe("The signed model's resources as the OMS statement lists them (files, or file shards).")
  }),
  environment: external_exports.object({
    name: external_exports.string(),
    pool: external_exports.string(),
    namespace: external_exports.string().optional()
  }),
  image: external_exports.object({
    base: external_exports.string().describe("The base image reference."),
    baseDigest: ociDigest.optional(),
    modelPath: external_exports.string().describe("Where the model files are in the image (the pool's image.modelPath)."),
    layers: external_exports.array(external_exports.object({ digest: ociDigest, size: external_exports.number().int().nonnegative(), files: external_exports.number().int() })).describe("The model layers, in image order (the base image layers are the base image\u2019s).")
  }),
  manifests: external_exports.array(external_exports.object({ name: external_exports.string(), digest: digestSet })).describe("The manifests applied (or rendered, with no cluster): file name and sha256 of the YAML."),
  clusters: external_exports.array(
    external_exports.object({
      name: external_exports.string(),
      namespace: external_exports.string(),
      version: external_exports.string(),
      previousVersion: external_exports.string().optional()
    })
  ).describe("Where it was deployed, in promotion order; empty when manifests were only rendered.")
}).strict();
var promotionStatementSchema = external_exports.object({
  _type: external_exports.literal(STATEMENT_TYPE),
  subject: external_exports.array(external_exports.object({ name: external_exports.string().min(1), digest: digestSet })).length(1).describe("The pushed image: repository name and manifest digest."),
  predicateType: external_exports.literal(PROMOTION_PREDICATE_TYPE),
  predicate: promotionPredicateSchema
}).strict();
function promotionStatement(facts) {
  const nonSha256 = facts.model.files.find((f) => f.algorithm !== "sha256");
  if (nonSha256) {
    throw new Error(
      `attesting the promotion: model file ${nonSha256.name} is hashed with ${nonSha256.algorithm}, and the attestation names sha256 digests only`
    );
  }
  return promotionStatementSchema.parse({
    _type: STATEMENT_TYPE,
    subject: [{ name: facts.imageName, digest: { sha256: hexOf(facts.imageDigest) } }],
    predicateType: PROMOTION_PREDICATE_TYPE,
    predicate: {
      promotionId: facts.promotionId,
      promotedAt: facts.promotedAt,
      startedAt: facts.startedAt,
      ...facts.runUrl && { runUrl: facts.runUrl },
      tool: { name: "model-promote", version: facts.toolVersion },
      result: "succeeded",
      model: {
        ...facts.model,
        files: facts.model.files.map((f) => ({ name: f.name, digest: { sha256: f.digest } }))
      },
      environment: facts.environment,
      image: facts.image,
      manifests: facts.manifests.map((m) => ({ name: m.name, digest: { sha256: m.sha256 } })),
      clusters: facts.clusters
    }
  });
}
function statementBytes(statement) {
  return Buffer.from(JSON.stringify(statement));
}
function hexOf(digest) {
  return digest.startsWith("sha256:") ? digest.slice("sha256:".length) : digest;
}

// src/attest/attestation-referrer.ts
var BUNDLE_CONTENT_ANNOTATION = "dev.sigstore.bundle.content";
var BUNDLE_PREDICATE_TYPE_ANNOTATION = "dev.sigstore.bundle.predicateType";
var ENVIRONMENT_ANNOTATION = "dev.model-promote.environment";
var PROMOTION_ID_ANNOTATION = "dev.model-promote.promotion-id";
var MAX_BUNDLE_BYTES = 16 * 1024 * 1024;
function attestationArtifact(bundleJson, about) {
  return {
    artifactType: SIGSTORE_BUNDLE_TYPE,
    mediaType: SIGSTORE_BUNDLE_TYPE,
    bytes: bundleJson,
    annotations: {
      [BUNDLE_CONTENT_ANNOTATION]: "dsse-envelope",
      [BUNDLE_PREDICATE_TYPE_ANNOTATION]: PROMOTION_PREDICATE_TYPE,
      [ENVIRONMENT_ANNOTATION]: about.environment,
      [PROMOTION_ID_ANNOTATION]: about.promotionId
    }
  };
}
async function findPromotionAttestations(client, repository, imageDigest) {
  const name = `${client.registry}/${repository}@${imageDigest}`;
  const referrers = (await listReferrers(client, repository, imageDigest, SIGSTORE_BUNDLE_TYPE)).filter(
    (d) => d.annotations === void 0 || Object.keys(d.annotations).length === 0 || d.annotations[BUNDLE_PREDICATE_TYPE_ANNOTATION] === PROMOTION_PREDICATE_TYPE
  );
  if (referrers.length === 0) {
    throw new AttestationError(
      "attestation-not-found",
      `${name} has no promotion attestation (no ${SIGSTORE_BUNDLE_TYPE} referrer with predicate type ${PROMOTION_PREDICATE_TYPE})`,
      "promote the image with attest: true, or check the image reference (the attestation is on the digest the promotion pushed)"
    );
  }
  const found = [];
  for (const referrer of referrers) {
    const fetched = await client.getManifest(repository, referrer.digest);
    const manifest = parseManifest(fetched.bytes, `referrer ${referrer.digest} of ${name}`);
    const layer = manifest.layers[0];
    if (fetched.mediaType !== MediaType.ImageManifest || manifest.layers.length !== 1 || !layer?.mediaType.startsWith("application/vnd.dev.sigstore.bundle")) {
      continue;
    }
    if (layer.size > MAX_BUNDLE_BYTES) {
      throw new AttestationError(
        "attestation-malformed",
        `attestation ${referrer.digest} of ${name} is ${layer.size} bytes, more than a promotion attestation can be (${MAX_BUNDLE_BYTES})`,
        "it is not a model-promote attestation: remove it from the image"
      );
    }
    const chunks = [];
    let size = 0;
    for await (const chunk of client.openBlob(repository, layer.digest)) {
      size += chunk.byteLength;
      if (size > MAX_BUNDLE_BYTES) break;
      chunks.push(chunk);
    }
    found.push({ digest: referrer.digest, bundle: Buffer.concat(chunks) });
  }
  return found;
}

export {
  AttestationError,
  PROMOTION_PREDICATE_TYPE,
  promotionStatementSchema,
  promotionStatement,
  statementBytes,
  attestationArtifact,
  findPromotionAttestations
};
