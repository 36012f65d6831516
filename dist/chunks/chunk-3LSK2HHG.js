import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  PromotionError
} from "./chunk-237YPWJV.js";

// src/signing/signing-error.ts
var SigningError = class extends PromotionError {
  name = "SigningError";
  constructor(code, message, hint, options) {
    super(options?.kind ?? kindFor(code), code, message, hint, options);
  }
};
function kindFor(code) {
  return code === "invalid-policy" || code === "invalid-private-key" || code === "invalid-signing-certificate" ? "usage" : "refused";
}

// src/signing/bundle.ts
var IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
var BUNDLE_MEDIA_TYPES = [
  "application/vnd.dev.sigstore.bundle+json;version=0.1",
  "application/vnd.dev.sigstore.bundle+json;version=0.2",
  "application/vnd.dev.sigstore.bundle+json;version=0.3",
  "application/vnd.dev.sigstore.bundle.v0.3+json"
];
var FIX_BUNDLE = "sign the model again with model_signing (OpenSSF Model Signing) and pass its model.sig";
function parseBundle(bytes) {
  let json;
  try {
    json = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (cause) {
    throw malformed("it is not JSON", cause);
  }
  if (!isObject(json)) throw malformed("it is not a JSON object");
  const mediaType = json["mediaType"];
  if (!BUNDLE_MEDIA_TYPES.includes(mediaType)) {
    throw new SigningError(
      "unsupported-bundle",
      `reading signature bundle: unknown media type ${JSON.stringify(mediaType)}`,
      `expected one of ${BUNDLE_MEDIA_TYPES.join(", ")}; ${FIX_BUNDLE}`
    );
  }
  if (!isObject(json["dsseEnvelope"])) {
    throw new SigningError(
      "not-a-model-signature",
      "reading signature bundle: it signs a bare message, not a DSSE envelope with an in-toto statement",
      FIX_BUNDLE
    );
  }
  return {
    mediaType,
    json,
    envelope: parseEnvelope(json["dsseEnvelope"]),
    material: parseMaterial(json["verificationMaterial"])
  };
}
function parseEnvelope(envelope) {
  const { payloadType, payload, signatures } = envelope;
  if (typeof payloadType !== "string") throw malformed("dsseEnvelope.payloadType is missing");
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new SigningError(
      "not-a-model-signature",
      `reading signature bundle: DSSE payload type is ${JSON.stringify(payloadType)}, not ${IN_TOTO_PAYLOAD_TYPE}`,
      FIX_BUNDLE
    );
  }
  if (!Array.isArray(signatures) || signatures.length !== 1 || !isObject(signatures[0])) {
    throw malformed("dsseEnvelope.signatures must hold exactly one signature");
  }
  return {
    payloadType,
    payload: base64("dsseEnvelope.payload", payload),
    signature: base64("dsseEnvelope.signatures[0].sig", signatures[0]["sig"])
  };
}
function parseMaterial(material) {
  if (!isObject(material)) throw malformed("verificationMaterial is missing");
  const { publicKey, certificate, x509CertificateChain } = material;
  if (isObject(publicKey)) {
    const hint = publicKey["hint"];
    if (hint !== void 0 && hint !== null && typeof hint !== "string") {
      throw malformed("verificationMaterial.publicKey.hint is not a string");
    }
    const rawBytes = publicKey["rawBytes"];
    return {
      kind: "public-key",
      ...typeof hint === "string" && hint !== "" ? { hint: hint.toLowerCase() } : {},
      ...rawBytes !== void 0 ? { rawBytes: base64("verificationMaterial.publicKey.rawBytes", rawBytes) } : {}
    };
  }
  if (isObject(certificate)) {
    return {
      kind: "certificate",
      der: base64("verificationMaterial.certificate.rawBytes", certificate["rawBytes"])
    };
  }
  if (isObject(x509CertificateChain)) {
    const certificates = x509CertificateChain["certificates"];
    if (!Array.isArray(certificates) || certificates.length === 0) {
      throw malformed("verificationMaterial.x509CertificateChain.certificates is empty");
    }
    return {
      kind: "certificate-chain",
      ders: certificates.map(
        (c, i) => base64(`x509CertificateChain.certificates[${i}].rawBytes`, isObject(c) ? c["rawBytes"] : void 0)
      )
    };
  }
  throw malformed("verificationMaterial holds no public key, certificate or certificate chain");
}
function pae(payloadType, payload) {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, "utf8"),
    type,
    Buffer.from(` ${payload.length} `, "utf8"),
    payload
  ]);
}
function paeModelSigningV020(payloadType, payload) {
  return Buffer.from(
    `DSSEV1 ${payloadType.length} ${payloadType} ${payload.length} ${pythonBytesRepr(payload)}`
  );
}
function pythonBytesRepr(bytes) {
  const quote = bytes.includes(39) && !bytes.includes(34) ? '"' : "'";
  let out = `b${quote}`;
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    if (char === quote || char === "\\") out += `\\${char}`;
    else if (byte === 9) out += "\\t";
    else if (byte === 10) out += "\\n";
    else if (byte === 13) out += "\\r";
    else if (byte < 32 || byte >= 127) out += `\\x${byte.toString(16).padStart(2, "0")}`;
    else out += char;
  }
  return out + quote;
}
function base64(field, value) {
  if (typeof value !== "string" || !/^[A-Za-z0-9+/\-_\s]*={0,2}\s*$/.test(value)) {
    throw malformed(`${field} is not base64`);
  }
  return Buffer.from(value, "base64");
}
function malformed(what, cause) {
  return new SigningError(
    "malformed-bundle",
    `reading signature bundle: ${what}`,
    FIX_BUNDLE,
    cause === void 0 ? {} : { cause }
  );
}
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export {
  SigningError,
  IN_TOTO_PAYLOAD_TYPE,
  parseBundle,
  pae,
  paeModelSigningV020,
  isObject
};
