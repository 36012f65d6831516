import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  verifyWithCertificate
} from "./chunk-JYAUU2OO.js";
import {
  verifyKeyless
} from "./chunk-C6EBHX6A.js";
import {
  verifyWithKey
} from "./chunk-L6YJBKPG.js";
import {
  checkResourceNames,
  compareManifest,
  digestModel,
  listModelFiles,
  parseShardName
} from "./chunk-K6FNU6RV.js";
import {
  PREDICATE_TYPE_V01,
  parseStatement
} from "./chunk-XKCH53FU.js";
import {
  parseSigningPolicy
} from "./chunk-GQEFYV6N.js";
import {
  SigningError,
  parseBundle
} from "./chunk-H4IN4WRU.js";
import {
  PromotionError,
  UsageError
} from "./chunk-237YPWJV.js";

// src/signing/verify-model.ts
import { readFile } from "node:fs/promises";
import path from "node:path";

// src/signing/verify-signature.ts
async function verifySignature(bundleBytes, policy, options = {}) {
  const checked = parseSigningPolicy(policy);
  const bundle = parseBundle(bundleBytes);
  const manifest = parseStatement(bundle.envelope.payload);
  const v020Compat = manifest.predicateType === PREDICATE_TYPE_V01;
  switch (checked.method) {
    case "keyless":
      return {
        method: "keyless",
        ...verifyKeyless(bundle, checked.identities, checked.trustedRoot),
        manifest
      };
    case "key":
      return { method: "key", ...verifyWithKey(bundle, checked.publicKeys, v020Compat), manifest };
    case "certificate":
      return {
        method: "certificate",
        ...await verifyWithCertificate(bundle, checked.anchors, options.now ?? /* @__PURE__ */ new Date(), v020Compat),
        manifest
      };
    default: {
      const unreachable = checked;
      throw new Error(`unknown signing method ${JSON.stringify(unreachable)}`);
    }
  }
}

// src/signing/verify-model.ts
async function verifyModel(model, requirements, options = {}) {
  requirePolicy(requirements);
  const bundle = await readSignature(model.signaturePath);
  const signature = await verifyBundle(bundle, requirements);
  const { manifest } = signature;
  const scope = options.scope ?? {};
  const serialization = {
    ...manifest.serialization,
    ignorePaths: [...manifest.serialization.ignorePaths, ...scope.ignorePaths ?? []],
    allowSymlinks: manifest.serialization.allowSymlinks || Boolean(scope.allowSymlinks)
  };
  const listOptions = { signatureName: model.signatureName, ignoreGitPaths: scope.ignoreGitPaths ?? true };
  const listed = await listModelFiles(model.directory, serialization, listOptions);
  const signed = new Set(manifest.resources.map((r) => parseShardName(r.name)?.path ?? r.name));
  const files = scope.ignoreUnsignedFiles ? listed.filter((f) => signed.has(f.path)) : listed;
  const actual = await digestModel(model.directory, serialization, {
    ...listOptions,
    ...options,
    files
  });
  const singleFile = listed.length === 1 && listed[0].path === "." ? path.basename(model.directory) : void 0;
  compareManifest(manifest.resources, actual, singleFile);
  return {
    directory: model.directory,
    manifest,
    signature,
    satisfied: requirements.map((r) => r.source),
    files,
    bytes: files.reduce((sum, file) => sum + file.size, 0),
    digest: `sha256:${manifest.subjectDigest}`,
    signatureFile: { name: model.signaturePath, bytes: bundle }
  };
}
function requirePolicy(requirements) {
  if (requirements.length === 0) {
    throw new UsageError(
      "no signing policy: nothing says whose signature to trust",
      "give identity + issuer, public-key or certificate-chain, or set `signing:` on the environment in the catalog"
    );
  }
}
async function verifyBundle(bundle, requirements) {
  requirePolicy(requirements);
  const checks = [];
  for (const requirement of requirements) checks.push(await satisfy(bundle, requirement));
  const signature = checks[0];
  checkResourceNames(signature.manifest.resources, signature.manifest.serialization.method);
  return signature;
}
async function satisfy(bundle, requirement) {
  const failures = [];
  for (const policy of requirement.alternatives) {
    try {
      return await verifySignature(bundle, policy);
    } catch (error) {
      if (!(error instanceof PromotionError)) throw error;
      failures.push(error);
    }
  }
  const telling = failures.find((f) => f.code !== "method-mismatch") ?? failures[0];
  if (!telling)
    throw new UsageError(`the signing policy of ${requirement.source} is empty`, "list at least one signer");
  if (telling.kind === "usage") throw telling;
  throw new SigningError(
    telling.code,
    `signature does not satisfy the policy of ${requirement.source}: ${telling.message}`,
    telling.hint ?? "sign the model with a signer the policy allows",
    { cause: telling }
  );
}
async function readSignature(file) {
  try {
    return await readFile(file);
  } catch (error) {
    const code = error.code;
    const why = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a folder, not a file" : `cannot be read (${code ?? error.message})`;
    throw new SigningError(
      "malformed-bundle",
      `signature ${file} ${why}`,
      "give the model.sig file the signer wrote",
      {
        cause: error
      }
    );
  }
}

export {
  verifyModel,
  requirePolicy,
  verifyBundle
};
