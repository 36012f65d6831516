import { PromotionError } from '../errors.js';

/** Failures planning or building a model image. */
export type ImageErrorCode =
  | 'base-registry-unsupported'
  | 'base-tag-required'
  | 'base-tag-not-found'
  | 'base-platform-not-found'
  | 'base-unreadable'
  | 'base-runtime-invalid'
  | 'model-empty'
  | 'model-path-invalid';

export class ImageError extends PromotionError<ImageErrorCode> {
  override readonly name = 'ImageError';
}
