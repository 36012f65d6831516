/**
 * The keyless method: a Sigstore (Fulcio certificate + Rekor entry) signature, verified offline by
 * @sigstore/verify against a trusted root we are handed, then matched against the policy's
 * identities. The `sigstore.verify` helper is avoided on purpose: it fetches the root over TUF.
 */
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import seeds from '@sigstore/tuf/seeds.json' with { type: 'json' };
import {
  toSignedEntity,
  toTrustMaterial,
  Verifier,
  type SignedEntity,
  type TrustMaterial,
} from '@sigstore/verify';
import type { SignatureBundle } from './bundle.js';
import { identityMatcher } from './policy.js';
import { SigningError, type SigningCode } from './signing-error.js';

export interface KeylessSigner {
  signer: string;
  issuer: string;
  signedAt?: string;
}

const PUBLIC_GOOD_TUF = 'https://tuf-repo-cdn.sigstore.dev';

/**
 * The Sigstore public-good trusted root that @sigstore/tuf ships as its offline seed. Using it means
 * no network, at the price of only knowing keys as fresh as the installed package.
 */
export function publicGoodTrustedRoot(): unknown {
  const target = (seeds as Record<string, { targets?: Record<string, string> }>)[PUBLIC_GOOD_TUF]?.targets?.[
    'trusted_root.json'
  ];
  if (target === undefined) throw new Error('@sigstore/tuf seeds.json has no trusted_root.json target');
  return JSON.parse(Buffer.from(target, 'base64').toString('utf8')) as unknown;
}

// Building trust material parses every key in the root; do it once per root object.
const trustMaterialCache = new WeakMap<object, TrustMaterial>();
let publicGood: TrustMaterial | undefined;

function trustMaterialFor(trustedRoot: unknown): TrustMaterial {
  if (trustedRoot === undefined)
    return (publicGood ??= toTrustMaterial(TrustedRoot.fromJSON(publicGoodTrustedRoot())));
  if (typeof trustedRoot !== 'object' || trustedRoot === null) throw badRoot();
  const cached = trustMaterialCache.get(trustedRoot);
  if (cached) return cached;
  let material: TrustMaterial;
  try {
    material = toTrustMaterial(TrustedRoot.fromJSON(trustedRoot));
  } catch (cause) {
    throw badRoot(cause);
  }
  trustMaterialCache.set(trustedRoot, material);
  return material;
}

/**
 * A log is required only where the trusted root names one: a private Sigstore without a CT log or
 * Rekor (GitHub's instance for private repositories, the tests' own) cannot produce their proofs,
 * and its root says so. A trusted time (a log entry or an RFC 3161 timestamp) is always required,
 * @sigstore/verify's default: without one the ten-minute certificate cannot be checked.
 */
function logThresholds(material: TrustMaterial): { ctlogThreshold: number; tlogThreshold: number } {
  return {
    ctlogThreshold: material.ctlogs.length > 0 ? 1 : 0,
    tlogThreshold: material.tlogs.length > 0 ? 1 : 0,
  };
}

export function verifyKeyless(
  bundle: SignatureBundle,
  identities: readonly { identity: string; issuer: string }[],
  trustedRoot: unknown,
): KeylessSigner {
  if (bundle.material.kind === 'public-key') {
    throw new SigningError(
      'method-mismatch',
      'verifying keyless model signature: the bundle was signed with a public key, not a Sigstore certificate',
      "use the key method with the signer's public key",
    );
  }
  if (bundle.material.kind === 'certificate-chain' && bundle.mediaType.endsWith('0.3+json')) {
    throw new SigningError(
      'method-mismatch',
      'verifying keyless model signature: the bundle carries an X.509 certificate chain (certificate method)',
      'use the certificate method with the CA certificate as trust anchor',
    );
  }
  const material = trustMaterialFor(trustedRoot);
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(bundleFromJSON(bundle.json));
  } catch (cause) {
    throw new SigningError(
      'malformed-bundle',
      `reading Sigstore bundle: ${(cause as Error).message}`,
      'sign the model again with model_signing and pass its model.sig',
      { cause },
    );
  }
  let identity: { subjectAlternativeName?: string; extensions?: { issuer?: string } } | undefined;
  try {
    identity = new Verifier(material, logThresholds(material)).verify(entity).identity;
  } catch (cause) {
    throw fromSigstore(cause);
  }
  const san = identity?.subjectAlternativeName ?? '';
  const issuer = identity?.extensions?.issuer ?? '';
  const sameIdentity = identities.filter((allowed) => identityMatcher(allowed.identity)(san));
  if (sameIdentity.length === 0) {
    throw new SigningError(
      'wrong-identity',
      `verifying keyless model signature: it was signed by ${san || '(no identity)'}, not ${identities.map((i) => i.identity).join(' or ')}`,
      identityHint(identities.map((i) => i.identity)),
    );
  }
  if (!sameIdentity.some((allowed) => allowed.issuer === issuer)) {
    throw new SigningError(
      'wrong-issuer',
      `verifying keyless model signature: ${san} was vouched for by ${issuer || '(no issuer)'}, not ${sameIdentity.map((i) => i.issuer).join(' or ')}`,
      'set the issuer to the OIDC provider the signer logged in with, or get the model signed through the trusted provider',
    );
  }
  const signedAt = earliestTimestamp(entity);
  return { signer: san, issuer, ...(signedAt ? { signedAt } : {}) };
}

/** The verifier has checked these; the earliest one is when the signature existed at the latest. */
function earliestTimestamp(entity: SignedEntity): string | undefined {
  const times = entity.timestamps.map((t) =>
    t.$case === 'transparency-log'
      ? new Date(Number(t.tlogEntry.integratedTime) * 1000)
      : t.timestamp.signingTime,
  );
  const valid = times.filter((time) => !Number.isNaN(time.getTime()) && time.getTime() > 0);
  if (valid.length === 0) return undefined;
  return new Date(Math.min(...valid.map((time) => time.getTime()))).toISOString();
}

const SIGSTORE_CODES: Record<string, SigningCode> = {
  SIGNATURE_ERROR: 'bad-signature',
  TLOG_BODY_ERROR: 'bad-signature',
  CERTIFICATE_ERROR: 'untrusted-chain',
  PUBLIC_KEY_ERROR: 'untrusted-key',
  TIMESTAMP_ERROR: 'timestamp-invalid',
};

const SIGSTORE_HINTS: Partial<Record<SigningCode, string>> = {
  'bad-signature':
    'the signature or its statement was altered after signing; get an intact model.sig or sign again',
  'untrusted-chain':
    'the Fulcio certificate does not chain to the trusted root: check the trusted root, or sign again',
  'timestamp-invalid': 'the signature has no valid trusted timestamp for this trusted root; sign again',
  'untrusted-key': 'the signing key is not in the trusted root: check the trusted root, or sign again',
};

function fromSigstore(cause: unknown): SigningError {
  const sigstoreCode = (cause as { code?: unknown }).code;
  const code =
    typeof sigstoreCode === 'string'
      ? (SIGSTORE_CODES[sigstoreCode] ?? (sigstoreCode.startsWith('TLOG') ? 'tlog-invalid' : 'bad-signature'))
      : 'bad-signature';
  const message = cause instanceof Error ? cause.message : String(cause);
  return new SigningError(
    code,
    `verifying keyless model signature: ${message}${typeof sigstoreCode === 'string' ? ` (${sigstoreCode})` : ''}`,
    SIGSTORE_HINTS[code] ??
      'the transparency log entry does not prove this signature: get an intact model.sig or sign again',
    { cause },
  );
}

function badRoot(cause?: unknown): SigningError {
  return new SigningError(
    'invalid-policy',
    'signing policy: trustedRoot is not a Sigstore trusted_root.json',
    'pass the parsed trusted_root.json of your Sigstore instance, or leave it out to use the public-good root',
    cause === undefined ? {} : { cause },
  );
}

/**
 * Why an identity did not match, when the policy's spelling suggests a misunderstanding: a pattern
 * without slashes is compared exactly, and a `/regex/` must match the whole identity.
 */
export function identityHint(patterns: readonly string[]): string {
  const base =
    'trust that identity in the policy if it is a legitimate signer, or get the model signed by a trusted identity';
  const regexes = patterns.filter((p) => p.length > 2 && p.startsWith('/') && p.endsWith('/'));
  const lookLikeRegex = patterns.filter((p) => !regexes.includes(p) && /[*+?^$\\[\]()|]/.test(p));
  if (lookLikeRegex.length > 0) {
    return `${base}; ${lookLikeRegex[0]} is compared exactly: write it between slashes (/.../) to use it as a regular expression, which must match the whole identity`;
  }
  if (regexes.length > 0) {
    return `${base}; a /regex/ identity must match the whole identity (it is anchored at both ends), e.g. /https://github\\.com/org/.*/`;
  }
  return base;
}
