import { PromotionError } from '../errors.js';

/**
 * Failures reading a model from a Hugging Face Hub. Unknown models and revisions and a missing
 * signature use RegistryError's codes, the same for every registry.
 */
export type HubErrorCode =
  | 'registry-uri-invalid'
  | 'registry-unreachable'
  | 'registry-unauthorized'
  | 'registry-denied'
  | 'registry-error'
  | 'artifact-missing'
  | 'invalid-response';

export class HubError extends PromotionError<HubErrorCode> {
  override readonly name = 'HubError';
}
