import { PromotionError } from '../errors.js';

/** Failures fetching a remote model's files into the download cache; each names the file. */
export type DownloadErrorCode =
  | 'download-failed'
  | 'download-size-mismatch'
  | 'download-digest-mismatch'
  | 'download-path-invalid'
  | 'aborted';

export class DownloadError extends PromotionError<DownloadErrorCode> {
  override readonly name = 'DownloadError';
}
