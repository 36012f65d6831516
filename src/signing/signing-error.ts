import { PromotionError, type ErrorKind } from '../errors.js';

/**
 * Every way an OMS signature can be refused (or a policy be unusable). Tests assert on these, so a
 * code is a promise: add new ones, never rename.
 */
export type SigningCode =
  // the bundle itself
  | 'malformed-bundle'
  | 'unsupported-bundle'
  | 'not-a-model-signature'
  | 'statement-inconsistent'
  | 'unsupported-serialization'
  | 'method-mismatch'
  // keyless (Sigstore)
  | 'wrong-identity'
  | 'wrong-issuer'
  | 'tlog-invalid'
  | 'timestamp-invalid'
  // any method
  | 'bad-signature'
  // key
  | 'untrusted-key'
  | 'key-hint-mismatch'
  | 'unsupported-key'
  // certificate
  | 'untrusted-chain'
  | 'certificate-expired'
  | 'bad-key-usage'
  // inputs given by the user, not the signature
  | 'invalid-policy'
  | 'invalid-private-key'
  | 'invalid-signing-certificate';

export class SigningError extends PromotionError<SigningCode> {
  override readonly name = 'SigningError';
  constructor(
    code: SigningCode,
    message: string,
    hint: string,
    options?: { cause?: unknown; kind?: ErrorKind },
  ) {
    super(options?.kind ?? kindFor(code), code, message, hint, options);
  }
}

/** Problems with what the user configured are usage errors (exit 2); the rest is the signature saying no. */
function kindFor(code: SigningCode): ErrorKind {
  return code === 'invalid-policy' || code === 'invalid-private-key' || code === 'invalid-signing-certificate'
    ? 'usage'
    : 'refused';
}
