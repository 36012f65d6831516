/**
 * Reading a Sigstore bundle that carries an OMS signature, without trusting any of it yet: this only
 * checks the shape, so each verifier can then decide what the material is worth.
 */
import { dsse } from '@sigstore/core';
import { SigningError } from './signing-error.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** Media types the `model_signing` tool has written (v0.1/v0.2 through sigstore-python 2.x). */
export const BUNDLE_MEDIA_TYPES = [
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
] as const;

export interface DsseEnvelope {
  readonly payloadType: string;
  readonly payload: Buffer;
  readonly signature: Buffer;
}

export type VerificationMaterial =
  /** Key method: `hint` is sha256 hex of the SPKI PEM; `rawBytes` (older tools) is that PEM itself. */
  | { readonly kind: 'public-key'; readonly hint?: string; readonly rawBytes?: Buffer }
  /** Keyless (Fulcio) leaf certificate, v0.3 form. */
  | { readonly kind: 'certificate'; readonly der: Buffer }
  /** Certificate method (leaf first), or keyless in v0.1/v0.2 bundles. */
  | { readonly kind: 'certificate-chain'; readonly ders: readonly Buffer[] };

export interface SignatureBundle {
  readonly mediaType: (typeof BUNDLE_MEDIA_TYPES)[number];
  /** The parsed JSON, handed as is to @sigstore/bundle for keyless verification. */
  readonly json: Record<string, unknown>;
  readonly envelope: DsseEnvelope;
  readonly material: VerificationMaterial;
}

const FIX_BUNDLE = 'sign the model again with model_signing (OpenSSF Model Signing) and pass its model.sig';

export function parseBundle(bytes: Uint8Array): SignatureBundle {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (cause) {
    // JSON.parse's message quotes the file's text: outside text that must not reach the log raw.
    throw malformed('it is not JSON', cause);
  }
  if (!isObject(json)) throw malformed('it is not a JSON object');

  const mediaType = json['mediaType'];
  if (!BUNDLE_MEDIA_TYPES.includes(mediaType as never)) {
    throw new SigningError(
      'unsupported-bundle',
      `reading signature bundle: unknown media type ${JSON.stringify(mediaType)}`,
      `expected one of ${BUNDLE_MEDIA_TYPES.join(', ')}; ${FIX_BUNDLE}`,
    );
  }
  if (!isObject(json['dsseEnvelope'])) {
    throw new SigningError(
      'not-a-model-signature',
      'reading signature bundle: it signs a bare message, not a DSSE envelope with an in-toto statement',
      FIX_BUNDLE,
    );
  }
  return {
    mediaType: mediaType as SignatureBundle['mediaType'],
    json,
    envelope: parseEnvelope(json['dsseEnvelope']),
    material: parseMaterial(json['verificationMaterial']),
  };
}

function parseEnvelope(envelope: Record<string, unknown>): DsseEnvelope {
  const { payloadType, payload, signatures } = envelope;
  if (typeof payloadType !== 'string') throw malformed('dsseEnvelope.payloadType is missing');
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new SigningError(
      'not-a-model-signature',
      `reading signature bundle: DSSE payload type is ${JSON.stringify(payloadType)}, not ${IN_TOTO_PAYLOAD_TYPE}`,
      FIX_BUNDLE,
    );
  }
  // OMS writes exactly one signature; accepting several would raise the question of which must verify.
  if (!Array.isArray(signatures) || signatures.length !== 1 || !isObject(signatures[0])) {
    throw malformed('dsseEnvelope.signatures must hold exactly one signature');
  }
  return {
    payloadType,
    payload: base64('dsseEnvelope.payload', payload),
    signature: base64('dsseEnvelope.signatures[0].sig', signatures[0]['sig']),
  };
}

function parseMaterial(material: unknown): VerificationMaterial {
  if (!isObject(material)) throw malformed('verificationMaterial is missing');
  const { publicKey, certificate, x509CertificateChain } = material;
  if (isObject(publicKey)) {
    const hint = publicKey['hint'];
    if (hint !== undefined && hint !== null && typeof hint !== 'string') {
      throw malformed('verificationMaterial.publicKey.hint is not a string');
    }
    const rawBytes = publicKey['rawBytes'];
    return {
      kind: 'public-key',
      ...(typeof hint === 'string' && hint !== '' ? { hint: hint.toLowerCase() } : {}),
      ...(rawBytes !== undefined
        ? { rawBytes: base64('verificationMaterial.publicKey.rawBytes', rawBytes) }
        : {}),
    };
  }
  if (isObject(certificate)) {
    return {
      kind: 'certificate',
      der: base64('verificationMaterial.certificate.rawBytes', certificate['rawBytes']),
    };
  }
  if (isObject(x509CertificateChain)) {
    const certificates = x509CertificateChain['certificates'];
    if (!Array.isArray(certificates) || certificates.length === 0) {
      throw malformed('verificationMaterial.x509CertificateChain.certificates is empty');
    }
    return {
      kind: 'certificate-chain',
      ders: certificates.map((c: unknown, i) =>
        base64(`x509CertificateChain.certificates[${i}].rawBytes`, isObject(c) ? c['rawBytes'] : undefined),
      ),
    };
  }
  throw malformed('verificationMaterial holds no public key, certificate or certificate chain');
}

/** DSSE pre-authentication encoding, as the DSSE v1 protocol defines it: sigstore-js's own. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  return dsse.preAuthEncoding(
    payloadType,
    Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
  );
}

/**
 * The PAE that `model_signing` v0.2.0 signed, kept only so its signatures still verify. That release
 * formatted the payload bytes into a Python f-string, so what got signed is `DSSEV1` (capital V)
 * followed by the `repr()` of the payload, `b'...'` with Python's escapes, instead of the bytes.
 * Upstream keeps the same compatibility path (`pae_compat` in sign_sigstore_pb.py).
 */
export function paeModelSigningV020(payloadType: string, payload: Uint8Array): Buffer {
  return Buffer.from(
    `DSSEV1 ${payloadType.length} ${payloadType} ${payload.length} ${pythonBytesRepr(payload)}`,
  );
}

/** Python 3's `repr(bytes)`: quote choice and escapes as CPython's bytes_repr does them. */
function pythonBytesRepr(bytes: Uint8Array): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return out + quote;
}

function base64(field: string, value: unknown): Buffer {
  // Buffer.from(..., 'base64') silently skips junk, so a corrupted field would decode to other bytes.
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/\-_\s]*={0,2}\s*$/.test(value)) {
    throw malformed(`${field} is not base64`);
  }
  return Buffer.from(value, 'base64');
}

function malformed(what: string, cause?: unknown): SigningError {
  return new SigningError(
    'malformed-bundle',
    `reading signature bundle: ${what}`,
    FIX_BUNDLE,
    cause === undefined ? {} : { cause },
  );
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
