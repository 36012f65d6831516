import { PromotionError } from '../errors.js';

/** Failures reading or writing OCI artifacts (layouts, blobs, manifests). */
export type OciErrorCode =
  | 'digest-invalid'
  | 'blob-digest-mismatch'
  | 'blob-missing'
  | 'blob-too-large'
  | 'layout-missing'
  | 'layout-invalid'
  | 'manifest-invalid'
  | 'tag-invalid'
  | 'platform-invalid'
  | 'location-invalid'
  | 'model-file-changed'
  | 'content-check-failed';

export class OciError extends PromotionError<OciErrorCode> {
  override readonly name = 'OciError';
}
