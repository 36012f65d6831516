import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  pemProblem
} from "./chunk-GQEFYV6N.js";
import {
  UsageError
} from "./chunk-237YPWJV.js";

// src/signing/policy-sources.ts
import { readFile } from "node:fs/promises";
import path from "node:path";
function requirementFromEnvironment(policy) {
  const alternatives = [];
  if (policy.keyless.length) {
    alternatives.push({
      method: "keyless",
      identities: policy.keyless.map(({ identity, issuer }) => ({ identity, issuer })),
      ...policy.trustedRoot && {
        trustedRoot: parseTrustedRoot(policy.trustedRoot.content, policy.trustedRoot.path)
      }
    });
  }
  if (policy.publicKeys.length)
    alternatives.push({ method: "key", publicKeys: policy.publicKeys.map((f) => f.content) });
  if (policy.certificateChain.length) {
    alternatives.push({ method: "certificate", anchors: policy.certificateChain.map((f) => f.content) });
  }
  return { source: `environment ${policy.environment}`, alternatives };
}
async function requirementFromInputs(inputs, cwd = process.cwd()) {
  const read = (file, input) => readInputFile(path.resolve(cwd, file), input);
  switch (inputs.method) {
    case "none":
      return void 0;
    case "keyless": {
      const trustedRoot = inputs.trustedRoot ? parseTrustedRoot(await read(inputs.trustedRoot, "trusted-root"), inputs.trustedRoot) : void 0;
      return {
        source: "inputs",
        alternatives: [
          {
            method: "keyless",
            identities: [{ identity: inputs.identity, issuer: inputs.issuer }],
            ...trustedRoot !== void 0 && { trustedRoot }
          }
        ]
      };
    }
    case "key":
      return {
        source: "inputs",
        alternatives: [
          {
            method: "key",
            publicKeys: [
              checkedPem(await read(inputs.publicKey, "public-key"), inputs.publicKey, "public-key")
            ]
          }
        ]
      };
    case "certificate":
      return {
        source: "inputs",
        alternatives: [
          {
            method: "certificate",
            anchors: await Promise.all(
              inputs.anchors.map(
                async (f) => checkedPem(await read(f, "certificate-chain"), f, "certificate-chain")
              )
            )
          }
        ]
      };
  }
}
function checkedPem(text, file, input) {
  const problem = pemProblem(text, input === "public-key" ? "public key" : "certificate");
  if (problem) throw new UsageError(`${input} file ${file}: ${problem}`, `fix the file given as ${input}`);
  return text;
}
async function readInputFile(file, input) {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(
      `${input} file ${file} cannot be read: ${error.message}`,
      `fix the path given as ${input}`
    );
  }
}
function parseTrustedRoot(text, file) {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `trusted root ${file} is not JSON: ${error.message}`,
      "pass a Sigstore trusted_root.json (e.g. from `sigstore trusted-root` or your instance's TUF repository)"
    );
  }
}
function usesPublicGood(requirements) {
  return requirements.some(
    (r) => r.alternatives.some((p) => p.method === "keyless" && p.trustedRoot === void 0)
  );
}
function withPublicGoodRoot(requirements, root) {
  return requirements.map((requirement) => ({
    ...requirement,
    alternatives: requirement.alternatives.map(
      (policy) => policy.method === "keyless" && policy.trustedRoot === void 0 && root !== void 0 ? { ...policy, trustedRoot: root, publicGood: true } : policy
    )
  }));
}

export {
  requirementFromEnvironment,
  requirementFromInputs,
  usesPublicGood,
  withPublicGoodRoot
};
