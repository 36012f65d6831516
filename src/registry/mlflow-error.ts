import { PromotionError } from '../errors.js';

/**
 * Failures talking to an MLflow (or GitLab) model registry over HTTP. Unknown models and versions
 * and a missing signature use RegistryError's codes, the same for every registry.
 */
export type MlflowErrorCode =
  | 'registry-uri-invalid'
  | 'registry-unreachable'
  | 'registry-unauthorized'
  | 'registry-denied'
  | 'registry-error'
  | 'invalid-response'
  | 'version-not-ready'
  | 'artifact-uri-unsupported'
  | 'artifact-missing';

export class MlflowError extends PromotionError<MlflowErrorCode> {
  override readonly name = 'MlflowError';
}
