import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  SigningError,
  isObject
} from "./chunk-H4IN4WRU.js";

// src/signing/policy.ts
import { createPublicKey, X509Certificate } from "node:crypto";
function parseSigningPolicy(input) {
  if (!isObject(input)) throw invalid("it is not an object", "give method keyless, key or certificate");
  switch (input["method"]) {
    case "keyless": {
      const identities = input["identities"];
      if (!Array.isArray(identities) || identities.length === 0) {
        throw invalid("keyless needs at least one identity", "list the signer identity and its OIDC issuer");
      }
      const parsed = identities.map((entry, i) => {
        if (!isObject(entry) || !nonEmpty(entry["identity"]) || !nonEmpty(entry["issuer"])) {
          throw invalid(
            `identities[${i}] needs an identity and an issuer`,
            "e.g. identity you@example.com, issuer https://accounts.google.com"
          );
        }
        identityMatcher(entry["identity"]);
        return { identity: entry["identity"], issuer: entry["issuer"] };
      });
      return input["trustedRoot"] === void 0 ? { method: "keyless", identities: parsed } : { method: "keyless", identities: parsed, trustedRoot: input["trustedRoot"] };
    }
    case "key":
      return { method: "key", publicKeys: pemList(input["publicKeys"], "publicKeys", "public key") };
    case "certificate":
      return { method: "certificate", anchors: pemList(input["anchors"], "anchors", "certificate") };
    default:
      throw invalid(`unknown method ${JSON.stringify(input["method"])}`, "use keyless, key or certificate");
  }
}
function identityMatcher(pattern) {
  if (pattern.length > 2 && pattern.startsWith("/") && pattern.endsWith("/")) {
    let regex;
    try {
      const inner = pattern.slice(1, -1);
      new RegExp(inner);
      regex = new RegExp(`^(?:${inner})$`);
    } catch (cause) {
      throw invalid(
        `identity ${pattern} is not a valid regular expression`,
        "fix the expression between the slashes",
        cause
      );
    }
    return (identity) => regex.test(identity);
  }
  return (identity) => identity === pattern;
}
function pemProblem(pem, what) {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    return `it holds a PRIVATE key: give the ${what} (and keep the private key secret)`;
  }
  try {
    if (what === "public key") createPublicKey(pem);
    else new X509Certificate(pem);
    return void 0;
  } catch {
    return `it is not a PEM ${what} (-----BEGIN ${what === "public key" ? "PUBLIC KEY" : "CERTIFICATE"}-----)`;
  }
}
function pemList(value, field, what) {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === "string")) {
    throw invalid(`${field} needs at least one PEM ${what}`, `give the PEM text of each trusted ${what}`);
  }
  value.forEach((pem, i) => {
    const problem = pemProblem(pem, what);
    if (problem)
      throw invalid(`${field}[${i}]: ${problem}`, `give the PEM text (-----BEGIN ...) of the ${what}`);
  });
  return value;
}
function nonEmpty(value) {
  return typeof value === "string" && value.trim() !== "";
}
function invalid(what, hint, cause) {
  return new SigningError(
    "invalid-policy",
    `signing policy: ${what}`,
    hint,
    cause === void 0 ? {} : { cause }
  );
}

export {
  parseSigningPolicy,
  identityMatcher,
  pemProblem
};
