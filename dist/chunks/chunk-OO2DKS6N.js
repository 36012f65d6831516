import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  checkLeafUsage,
  checkValidity,
  distinguishedName
} from "./chunk-JYAUU2OO.js";
import {
  ecdsaHashFor,
  publicKeyHint
} from "./chunk-L6YJBKPG.js";
import {
  IN_TOTO_PAYLOAD_TYPE,
  SigningError,
  pae
} from "./chunk-H4IN4WRU.js";

// src/signing/sign-statement.ts
import { createPrivateKey, createPublicKey, sign, X509Certificate } from "node:crypto";
var BUNDLE_MEDIA_TYPE_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json";
function createStatementSigner(privateKeyPem, certificates, now = /* @__PURE__ */ new Date()) {
  const privateKey = readPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  const hash = ecdsaHashFor(publicKey, "signing the model statement");
  const verificationMaterial = certificates ? {
    x509CertificateChain: { certificates: certificateChain(certificates, privateKey, now) },
    tlogEntries: []
  } : { publicKey: { hint: publicKeyHint(publicKey) }, tlogEntries: [] };
  return (statementJson) => {
    const payload = Buffer.from(statementJson);
    const signature = sign(hash, pae(IN_TOTO_PAYLOAD_TYPE, payload), privateKey);
    return {
      mediaType: BUNDLE_MEDIA_TYPE_V03,
      verificationMaterial,
      dsseEnvelope: {
        payload: payload.toString("base64"),
        payloadType: IN_TOTO_PAYLOAD_TYPE,
        signatures: [{ sig: signature.toString("base64"), keyid: "" }]
      }
    };
  };
}
function certificateChain(certificates, privateKey, now) {
  const [leaf, ...extra] = readCertificates(certificates.leaf, "the signing certificate");
  if (leaf === void 0 || extra.length > 0) {
    throw invalidCertificate(
      `the signing certificate file holds ${extra.length + (leaf ? 1 : 0)} certificates, not one`,
      "give the certificate of the private key alone as --signing-certificate, and its issuers as --certificate-chain"
    );
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw invalidCertificate(
      `the private key is not the key of signing certificate ${distinguishedName(leaf.subject)}`,
      "give the private key that the signing certificate was issued for"
    );
  }
  try {
    checkLeafUsage(leaf);
    checkValidity(leaf, now);
  } catch (error) {
    if (!(error instanceof SigningError)) throw error;
    const message = error.message.replace(/^verifying (signing )?certificate/, "signing with certificate");
    throw new SigningError(
      "invalid-signing-certificate",
      message,
      error.hint ?? "fix the signing certificate",
      {
        cause: error
      }
    );
  }
  const chain = certificates.chain.flatMap(
    (pem, i) => readCertificates(pem, `certificate chain file ${i + 1}`)
  );
  return [leaf, ...chain].map((certificate) => ({ rawBytes: certificate.raw.toString("base64") }));
}
var PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
function readCertificates(pem, what) {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0)
    throw invalidCertificate(`${what} holds no PEM certificate`, "give PEM certificates (BEGIN CERTIFICATE)");
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (cause) {
      throw invalidCertificate(
        `${what}: certificate ${i + 1} cannot be read`,
        "give PEM certificates",
        cause
      );
    }
  });
}
function invalidCertificate(message, hint, cause) {
  return new SigningError("invalid-signing-certificate", `signing the model statement: ${message}`, hint, {
    cause
  });
}
function readPrivateKey(pem) {
  try {
    return createPrivateKey(pem);
  } catch (cause) {
    throw new SigningError(
      "invalid-private-key",
      "signing the model statement: the private key is not a PEM private key (or it is encrypted)",
      "give an unencrypted PEM EC private key on P-256, P-384 or P-521",
      { cause }
    );
  }
}

export {
  createStatementSigner
};
