import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  verifyEnvelopeSignature
} from "./chunk-L6YJBKPG.js";
import {
  SigningError,
  require_dist
} from "./chunk-H4IN4WRU.js";
import {
  __toESM
} from "./chunk-6DG7BXTN.js";

// src/signing/verify-certificate.ts
var import_core = __toESM(require_dist(), 1);
import { X509Certificate } from "node:crypto";
var CODE_SIGNING_EKU = "1.3.6.1.5.5.7.3.3";
var MAX_CHAIN_LENGTH = 10;
async function verifyWithCertificate(bundle, anchorsPem, now, v020Compat) {
  const material = bundle.material;
  if (material.kind !== "certificate-chain") {
    throw new SigningError(
      "method-mismatch",
      `verifying model signature with a certificate chain: the bundle carries a ${material.kind}, not a certificate chain`,
      "use the keyless or key method that matches how the model was signed"
    );
  }
  const [leaf, ...intermediates] = material.ders.map((der, i) => readCertificate(der, i));
  if (leaf === void 0) throw new Error("unreachable: parseBundle guarantees a non-empty chain");
  const anchors = anchorsPem.map((pem) => new X509Certificate(pem));
  checkLeafUsage(leaf);
  const path = buildPath(leaf, intermediates, anchors);
  for (const certificate of path) checkValidity(certificate, now);
  await validatePath(path, now);
  if (!verifyEnvelopeSignature(bundle.envelope, leaf.publicKey, v020Compat)) {
    throw new SigningError(
      "bad-signature",
      `verifying model signature by certificate ${leaf.subject}: the signature does not match the signed statement`,
      "the signature or its statement was altered after signing; get an intact model.sig or sign the model again"
    );
  }
  const anchor = path[path.length - 1] ?? leaf;
  return { signer: distinguishedName(leaf.subject), issuer: distinguishedName(anchor.subject) };
}
function buildPath(leaf, intermediates, anchors) {
  const path = [leaf];
  let current = leaf;
  while (path.length <= MAX_CHAIN_LENGTH) {
    const anchor = anchors.find(
      (candidate) => issuedBy(current, candidate) && current.checkIssued(candidate)
    );
    if (anchor !== void 0) return [...path, anchor];
    const next = intermediates.find((candidate) => !path.includes(candidate) && issuedBy(current, candidate));
    if (next === void 0) break;
    checkIssuerIsCa(next);
    if (!current.checkIssued(next)) break;
    path.push(next);
    current = next;
  }
  throw new SigningError(
    "untrusted-chain",
    `verifying certificate chain of ${distinguishedName(leaf.subject)}: it does not lead to any of the ${anchors.length} trust anchor(s) (stopped at ${distinguishedName(current.subject)}, issued by ${distinguishedName(current.issuer)})`,
    "give the root (or intermediate) CA certificate that issued the signing certificate as a trust anchor, or get a model signed under a trusted CA"
  );
}
var UNDERSTOOD_EXTENSIONS = /* @__PURE__ */ new Set([
  "2.5.29.15",
  // keyUsage
  "2.5.29.17",
  // subjectAltName
  "2.5.29.19",
  // basicConstraints
  "2.5.29.30",
  // nameConstraints
  "2.5.29.32",
  // certificatePolicies
  "2.5.29.33",
  // policyMappings
  "2.5.29.36",
  // policyConstraints
  "2.5.29.37",
  // extendedKeyUsage
  "2.5.29.54"
  // inhibitAnyPolicy
]);
var BASIC_CONSTRAINTS = "2.5.29.19";
async function validatePath(path, now) {
  const pkijs = await import("./index.es-TICBOG7Q.js");
  const parsed = path.map((certificate) => pkijs.Certificate.fromBER(certificate.raw));
  parsed.forEach((certificate, i) => {
    for (const extension of certificate.extensions ?? []) {
      if (extension.critical && !UNDERSTOOD_EXTENSIONS.has(extension.extnID)) {
        throw chainRule(
          path[i],
          `it has a critical extension ${extension.extnID} that is not understood (RFC 5280 \xA74.2)`
        );
      }
    }
  });
  parsed.forEach((certificate, k) => {
    if (k === 0) return;
    const constraints = certificate.extensions?.find((e) => e.extnID === BASIC_CONSTRAINTS)?.parsedValue;
    const limit = constraints?.pathLenConstraint;
    if (typeof limit === "number" && k - 1 > limit) {
      throw chainRule(
        path[k],
        `its pathLenConstraint is ${limit}, but ${k - 1} intermediate certificate(s) follow it (RFC 5280 \xA74.2.1.9)`
      );
    }
  });
  const engine = new pkijs.CertificateChainValidationEngine({
    trustedCerts: parsed.slice(-1),
    certs: parsed.slice(0, -1).reverse(),
    checkDate: now
  });
  const result = await engine.verify();
  if (!result.result) {
    throw new SigningError(
      "untrusted-chain",
      `verifying certificate chain of ${distinguishedName(path[0].subject)}: ${result.resultMessage || "RFC 5280 path validation failed"}`,
      "get the model signed with a certificate whose chain meets RFC 5280 (CA flags, key usage, name constraints), or trust another anchor"
    );
  }
}
function chainRule(certificate, why) {
  return new SigningError(
    "untrusted-chain",
    `verifying certificate chain: certificate ${distinguishedName(certificate.subject)}: ${why}`,
    "sign with a certificate whose chain meets RFC 5280, or fix the CA that issued it"
  );
}
function issuedBy(certificate, issuer) {
  if (certificate === issuer || certificate.issuer !== issuer.subject) return false;
  try {
    return certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}
function checkIssuerIsCa(certificate) {
  const parsed = import_core.X509Certificate.parse(certificate.raw);
  const usage = parsed.extKeyUsage;
  if (!certificate.ca || usage !== void 0 && !usage.keyCertSign) {
    throw new SigningError(
      "untrusted-chain",
      `verifying certificate chain: intermediate ${distinguishedName(certificate.subject)} is not a CA (basicConstraints CA and keyCertSign required)`,
      "the chain in the signature was altered or built from a non-CA certificate; sign with a certificate issued by a real CA"
    );
  }
}
function checkLeafUsage(leaf) {
  const usage = import_core.X509Certificate.parse(leaf.raw).extKeyUsage;
  const extended = leaf.keyUsage;
  const codeSigning = extended === void 0 || extended.includes(CODE_SIGNING_EKU) || extended.includes("2.5.29.37.0");
  const signing = usage !== void 0 ? usage.digitalSignature : extended?.includes(CODE_SIGNING_EKU) === true;
  if (!signing || !codeSigning) {
    throw new SigningError(
      "bad-key-usage",
      `verifying signing certificate ${distinguishedName(leaf.subject)}: its key usage does not allow signing code (needs digitalSignature${extended ? " and extendedKeyUsage codeSigning" : ""})`,
      "issue the signing certificate with keyUsage digitalSignature (and extendedKeyUsage codeSigning)"
    );
  }
}
function checkValidity(certificate, at) {
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  if (at < notBefore || at > notAfter) {
    throw new SigningError(
      "certificate-expired",
      `verifying certificate ${distinguishedName(certificate.subject)}: it is valid from ${notBefore.toISOString()} to ${notAfter.toISOString()}, not at ${at.toISOString()}`,
      "renew the certificate and sign the model again"
    );
  }
}
function readCertificate(der, index) {
  try {
    return new X509Certificate(der);
  } catch (cause) {
    throw new SigningError(
      "malformed-bundle",
      `reading signature bundle: x509CertificateChain.certificates[${index}] is not a DER certificate`,
      "sign the model again with model_signing and pass its model.sig",
      { cause }
    );
  }
}
function distinguishedName(name) {
  return name.split("\n").filter(Boolean).join(", ");
}

export {
  verifyWithCertificate,
  checkLeafUsage,
  checkValidity,
  distinguishedName
};
