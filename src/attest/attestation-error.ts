import { PromotionError, type ErrorKind } from '../errors.js';

/**
 * Every way `verify-promotion` refuses an image (or cannot check it). Tests assert on these: add
 * new codes, never rename.
 */
export type AttestationCode =
  /** No promotion attestation among the image's referrers. */
  | 'attestation-not-found'
  /** Not a Sigstore bundle of a DSSE envelope, or not our statement. */
  | 'attestation-malformed'
  /** The signature does not verify, or the signer is not the one the policy trusts. */
  | 'attestation-bad-signature'
  | 'attestation-untrusted-signer'
  /** Signed, but for another predicate type, image or environment. */
  | 'attestation-wrong-predicate-type'
  | 'attestation-wrong-subject'
  | 'attestation-wrong-environment'
  /** `--layers`: the image's model files are not those the attestation names. */
  | 'attestation-layer-mismatch';

export class AttestationError extends PromotionError<AttestationCode> {
  override readonly name = 'AttestationError';
  constructor(
    code: AttestationCode,
    message: string,
    hint: string,
    options?: { cause?: unknown; kind?: ErrorKind },
  ) {
    super(options?.kind ?? 'refused', code, message, hint, options);
  }
}
