/**
 * Checks one promotion attestation (pure: bytes, trust material and what is expected in, a verdict
 * out). The signature is checked first and nothing in the statement is believed before it holds:
 * then the predicate type, the subject (the image's own digest) and the environment.
 */
import { parseBundle, type SignatureBundle } from '../signing/bundle.js';
import type { SigningPolicy } from '../signing/policy.js';
import { SigningError, type SigningCode } from '../signing/signing-error.js';
import { verifyWithKey } from '../signing/verify-key.js';
import { verifyKeyless } from '../signing/verify-keyless.js';
import { AttestationError, type AttestationCode } from './attestation-error.js';
import {
  PROMOTION_PREDICATE_TYPE,
  promotionStatementSchema,
  type PromotionStatement,
} from './promotion-statement.js';

export interface AttestationExpectations {
  /** The image manifest digest the statement's subject must name. */
  readonly imageDigest: string;
  /** The environment the image is being admitted to; any when absent. */
  readonly environment?: string;
}

export interface VerifiedAttestation {
  readonly statement: PromotionStatement;
  /** Keyless: the certificate identity; key: the SPKI fingerprint. */
  readonly signer: string;
  readonly issuer?: string;
}

/** Named in every message: which referrer (by digest) or file was checked. */
export function verifyPromotionAttestation(
  bundleBytes: Uint8Array,
  name: string,
  policy: Extract<SigningPolicy, { method: 'key' | 'keyless' }>,
  expected: AttestationExpectations,
): VerifiedAttestation {
  const bundle = readBundle(bundleBytes, name);
  const signer = checkSignature(bundle, name, policy);
  const statement = readStatement(bundle.envelope.payload, name);
  const subject = statement.subject[0]!;
  const want = expected.imageDigest.replace(/^sha256:/, '');
  if (subject.digest.sha256 !== want) {
    throw new AttestationError(
      'attestation-wrong-subject',
      `attestation ${name} is for image sha256:${subject.digest.sha256} (${subject.name}), not sha256:${want}`,
      'it was copied from another image: promote this image to get its own attestation',
    );
  }
  const environment = statement.predicate.environment.name;
  if (expected.environment !== undefined && environment !== expected.environment) {
    throw new AttestationError(
      'attestation-wrong-environment',
      `attestation ${name} promotes the image to ${environment}, not ${expected.environment}`,
      `promote the model to ${expected.environment} through its own pipeline run before admitting it there`,
    );
  }
  return { statement, ...signer };
}

function readBundle(bytes: Uint8Array, name: string): SignatureBundle {
  try {
    return parseBundle(bytes);
  } catch (error) {
    throw fromSigning(error, name);
  }
}

function checkSignature(
  bundle: SignatureBundle,
  name: string,
  policy: Extract<SigningPolicy, { method: 'key' | 'keyless' }>,
): { signer: string; issuer?: string } {
  try {
    if (policy.method === 'key') return verifyWithKey(bundle, policy.publicKeys, false);
    const { signer, issuer } = verifyKeyless(bundle, policy.identities, policy.trustedRoot);
    return { signer, issuer };
  } catch (error) {
    throw fromSigning(error, name);
  }
}

function readStatement(payload: Uint8Array, name: string): PromotionStatement {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch (cause) {
    throw new AttestationError(
      'attestation-malformed',
      `attestation ${name}: its signed payload is not JSON`,
      'attest the promotion again',
      { cause },
    );
  }
  const predicateType = (json as { predicateType?: unknown } | null)?.predicateType;
  if (predicateType !== PROMOTION_PREDICATE_TYPE) {
    throw new AttestationError(
      'attestation-wrong-predicate-type',
      `attestation ${name} has predicate type ${JSON.stringify(predicateType)}, not ${PROMOTION_PREDICATE_TYPE}`,
      'it is another kind of attestation: verify-promotion reads model-promote promotion attestations only',
    );
  }
  const parsed = promotionStatementSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AttestationError(
      'attestation-malformed',
      `attestation ${name}: its statement does not follow ${PROMOTION_PREDICATE_TYPE} (${issue?.path.join('.') || 'statement'}: ${issue?.message ?? 'invalid'})`,
      'the statement format is in docs/attestation.md and schema/promotion-statement.schema.json',
    );
  }
  return parsed.data;
}

const CODES: Partial<Record<SigningCode, AttestationCode>> = {
  'malformed-bundle': 'attestation-malformed',
  'unsupported-bundle': 'attestation-malformed',
  'not-a-model-signature': 'attestation-malformed',
  'bad-signature': 'attestation-bad-signature',
  'tlog-invalid': 'attestation-bad-signature',
  'timestamp-invalid': 'attestation-bad-signature',
  'untrusted-key': 'attestation-untrusted-signer',
  'key-hint-mismatch': 'attestation-untrusted-signer',
  'unsupported-key': 'attestation-untrusted-signer',
  'wrong-identity': 'attestation-untrusted-signer',
  'wrong-issuer': 'attestation-untrusted-signer',
  'untrusted-chain': 'attestation-untrusted-signer',
  'method-mismatch': 'attestation-untrusted-signer',
};

/** The signature checks are the model signature's: their words are adjusted, their codes mapped. */
function fromSigning(error: unknown, name: string): unknown {
  if (!(error instanceof SigningError) || error.kind === 'usage') return error;
  const code = CODES[error.code] ?? 'attestation-bad-signature';
  const detail = error.message
    .replace(/^(verifying (keyless )?model signature|reading (signature|Sigstore) bundle)(: | with )/, '')
    .replace(/model signature/g, 'signature');
  return new AttestationError(
    code,
    `attestation ${name}: ${detail}`,
    code === 'attestation-untrusted-signer'
      ? 'trust the signer in the policy (--public-key, or --identity and --issuer) if it is your promotion pipeline; otherwise the image was not promoted by it'
      : 'the attestation was altered or is not a promotion attestation: promote the image again',
    { cause: error },
  );
}
