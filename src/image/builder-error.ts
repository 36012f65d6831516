import { PromotionError } from '../errors.js';

/** Failures of the Containerfile builders (buildah, docker). */
export type BuilderErrorCode =
  /** A pool step the Containerfile cannot take (several lines, FROM/COPY/ADD, a bad name). */
  | 'builder-step-invalid'
  /** A base the builder cannot start from (not pinned by digest, an OCI layout). */
  | 'builder-base-unsupported'
  /** The builder program is not installed. */
  | 'builder-missing'
  /** The builder ran and failed (its last lines are in the message). */
  | 'builder-failed'
  /** The builder did not say which digest it pushed. */
  | 'builder-digest-unknown';

export class BuilderError extends PromotionError<BuilderErrorCode> {
  override readonly name = 'BuilderError';
}
