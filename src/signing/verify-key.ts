/**
 * The key method: an ECDSA signature over the DSSE PAE, checked against public keys the policy
 * trusts. Done with node:crypto because sigstore-js hashes ECDSA with SHA-256 whatever the curve,
 * while model_signing hashes with the curve's own size (P-384 -> SHA-384).
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { pae, paeModelSigningV020, type DsseEnvelope, type SignatureBundle } from './bundle.js';
import { SigningError } from './signing-error.js';

const HASH_BY_CURVE: Record<string, string> = {
  prime256v1: 'sha256',
  secp384r1: 'sha384',
  secp521r1: 'sha512',
};

/** The digest model_signing pairs with a key (`get_ec_key_hash`); refuses anything but P-256/384/521. */
export function ecdsaHashFor(key: KeyObject, subject: string): string {
  const curve = key.asymmetricKeyType === 'ec' ? key.asymmetricKeyDetails?.namedCurve : undefined;
  const hash = curve === undefined ? undefined : HASH_BY_CURVE[curve];
  if (hash === undefined) {
    throw new SigningError(
      'unsupported-key',
      `${subject}: ${key.asymmetricKeyType ?? 'unknown'} key${curve ? ` on ${curve}` : ''} is not supported`,
      'OpenSSF model signing uses ECDSA keys on P-256, P-384 or P-521',
    );
  }
  return hash;
}

/** What model_signing records as `publicKey.hint`: sha256 hex of the key's SPKI PEM text. */
export function publicKeyHint(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'pem' }))
    .digest('hex');
}

/** How we name a key in reports: the usual SPKI fingerprint (sha256 of the DER). */
export function keyFingerprint(key: KeyObject): string {
  return `sha256:${createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex')}`;
}

/**
 * Checks the envelope's one signature. `v020Compat` also accepts model_signing v0.2.0's buggy PAE,
 * which that release hashed with SHA-256 whatever the curve; only v0.1 statements may ask for it.
 */
export function verifyEnvelopeSignature(
  envelope: DsseEnvelope,
  key: KeyObject,
  v020Compat: boolean,
): boolean {
  const hash = ecdsaHashFor(key, 'verifying the DSSE signature');
  if (verify(hash, pae(envelope.payloadType, envelope.payload), key, envelope.signature)) return true;
  return v020Compat && verifyModelSigningV020Signature(envelope, key);
}

/** Compatibility with signatures written by model_signing v0.2.0: see `paeModelSigningV020`. */
function verifyModelSigningV020Signature(envelope: DsseEnvelope, key: KeyObject): boolean {
  return verify(
    'sha256',
    paeModelSigningV020(envelope.payloadType, envelope.payload),
    key,
    envelope.signature,
  );
}

export function verifyWithKey(
  bundle: SignatureBundle,
  publicKeys: readonly string[],
  v020Compat: boolean,
): { signer: string } {
  const material = bundle.material;
  if (material.kind !== 'public-key') {
    throw new SigningError(
      'method-mismatch',
      `verifying model signature with a public key: the bundle carries a ${material.kind}, not a public key`,
      'use the keyless or certificate method that matches how the model was signed',
    );
  }
  const trusted = publicKeys.map((pem) => createPublicKey(pem));
  const candidates = keysNamedByBundle(material, trusted);
  for (const key of candidates) {
    if (verifyEnvelopeSignature(bundle.envelope, key, v020Compat)) return { signer: keyFingerprint(key) };
  }
  throw new SigningError(
    'bad-signature',
    `verifying model signature with key ${candidates.map(keyFingerprint).join(', ')}: the signature does not match the signed statement`,
    'the signature or its statement was altered after signing; get an intact model.sig or sign the model again',
  );
}

/** The trusted keys the bundle says it was signed with; refuses before any signature check if none. */
function keysNamedByBundle(
  material: Extract<SignatureBundle['material'], { kind: 'public-key' }>,
  trusted: KeyObject[],
): KeyObject[] {
  let candidates = trusted;
  if (material.rawBytes !== undefined) {
    // Older tools put the PEM (not DER) in rawBytes; accept either rather than guess wrong.
    const embedded = parseEmbeddedKey(material.rawBytes);
    candidates = candidates.filter((key) => key.equals(embedded));
    if (candidates.length === 0) {
      throw new SigningError(
        'untrusted-key',
        `verifying model signature: it was signed by key ${keyFingerprint(embedded)}, which the policy does not trust`,
        'add that public key to the policy if you trust its owner, or get a model signed with a trusted key',
      );
    }
  }
  if (material.hint !== undefined) {
    candidates = candidates.filter((key) => publicKeyHint(key) === material.hint);
    if (candidates.length === 0) {
      throw new SigningError(
        'key-hint-mismatch',
        `verifying model signature: its key hint ${material.hint} matches none of the ${trusted.length} trusted public key(s)`,
        'the model was signed with another key: add its public key to the policy, or get a model signed with a trusted key',
      );
    }
  }
  return candidates;
}

function parseEmbeddedKey(rawBytes: Buffer): KeyObject {
  try {
    const text = rawBytes.toString('utf8');
    return text.includes('-----BEGIN')
      ? createPublicKey(text)
      : createPublicKey({ key: rawBytes, format: 'der', type: 'spki' });
  } catch (cause) {
    throw new SigningError(
      'malformed-bundle',
      'reading signature bundle: verificationMaterial.publicKey.rawBytes is not a public key',
      'sign the model again with model_signing and pass its model.sig',
      { cause },
    );
  }
}
