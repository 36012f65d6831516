import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  SigningError,
  pae,
  paeModelSigningV020
} from "./chunk-H4IN4WRU.js";

// src/signing/verify-key.ts
import { createHash, createPublicKey, verify } from "node:crypto";
var HASH_BY_CURVE = {
  prime256v1: "sha256",
  secp384r1: "sha384",
  secp521r1: "sha512"
};
function ecdsaHashFor(key, subject) {
  const curve = key.asymmetricKeyType === "ec" ? key.asymmetricKeyDetails?.namedCurve : void 0;
  const hash = curve === void 0 ? void 0 : HASH_BY_CURVE[curve];
  if (hash === void 0) {
    throw new SigningError(
      "unsupported-key",
      `${subject}: ${key.asymmetricKeyType ?? "unknown"} key${curve ? ` on ${curve}` : ""} is not supported`,
      "OpenSSF model signing uses ECDSA keys on P-256, P-384 or P-521"
    );
  }
  return hash;
}
function publicKeyHint(key) {
  return createHash("sha256").update(key.export({ type: "spki", format: "pem" })).digest("hex");
}
function keyFingerprint(key) {
  return `sha256:${createHash("sha256").update(key.export({ type: "spki", format: "der" })).digest("hex")}`;
}
function verifyEnvelopeSignature(envelope, key, v020Compat) {
  const hash = ecdsaHashFor(key, "verifying the DSSE signature");
  if (verify(hash, pae(envelope.payloadType, envelope.payload), key, envelope.signature)) return true;
  return v020Compat && verifyModelSigningV020Signature(envelope, key);
}
function verifyModelSigningV020Signature(envelope, key) {
  return verify(
    "sha256",
    paeModelSigningV020(envelope.payloadType, envelope.payload),
    key,
    envelope.signature
  );
}
function verifyWithKey(bundle, publicKeys, v020Compat) {
  const material = bundle.material;
  if (material.kind !== "public-key") {
    throw new SigningError(
      "method-mismatch",
      `verifying model signature with a public key: the bundle carries a ${material.kind}, not a public key`,
      "use the keyless or certificate method that matches how the model was signed"
    );
  }
  const trusted = publicKeys.map((pem) => createPublicKey(pem));
  const candidates = keysNamedByBundle(material, trusted);
  for (const key of candidates) {
    if (verifyEnvelopeSignature(bundle.envelope, key, v020Compat)) return { signer: keyFingerprint(key) };
  }
  throw new SigningError(
    "bad-signature",
    `verifying model signature with key ${candidates.map(keyFingerprint).join(", ")}: the signature does not match the signed statement`,
    "the signature or its statement was altered after signing; get an intact model.sig or sign the model again"
  );
}
function keysNamedByBundle(material, trusted) {
  let candidates = trusted;
  if (material.rawBytes !== void 0) {
    const embedded = parseEmbeddedKey(material.rawBytes);
    candidates = candidates.filter((key) => key.equals(embedded));
    if (candidates.length === 0) {
      throw new SigningError(
        "untrusted-key",
        `verifying model signature: it was signed by key ${keyFingerprint(embedded)}, which the policy does not trust`,
        "add that public key to the policy if you trust its owner, or get a model signed with a trusted key"
      );
    }
  }
  if (material.hint !== void 0) {
    candidates = candidates.filter((key) => publicKeyHint(key) === material.hint);
    if (candidates.length === 0) {
      throw new SigningError(
        "key-hint-mismatch",
        `verifying model signature: its key hint ${material.hint} matches none of the ${trusted.length} trusted public key(s)`,
        "the model was signed with another key: add its public key to the policy, or get a model signed with a trusted key"
      );
    }
  }
  return candidates;
}
function parseEmbeddedKey(rawBytes) {
  try {
    const text = rawBytes.toString("utf8");
    return text.includes("-----BEGIN") ? createPublicKey(text) : createPublicKey({ key: rawBytes, format: "der", type: "spki" });
  } catch (cause) {
    throw new SigningError(
      "malformed-bundle",
      "reading signature bundle: verificationMaterial.publicKey.rawBytes is not a public key",
      "sign the model again with model_signing and pass its model.sig",
      { cause }
    );
  }
}

export {
  ecdsaHashFor,
  publicKeyHint,
  keyFingerprint,
  verifyEnvelopeSignature,
  verifyWithKey
};
