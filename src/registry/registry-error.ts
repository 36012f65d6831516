import { PromotionError } from '../errors.js';

export type RegistryCode =
  | 'registry-not-found'
  | 'unknown-model'
  | 'unknown-version'
  | 'invalid-metadata'
  | 'signature-missing'
  | 'unsupported-registry'
  | 'history-write-failed'
  | 'version-link-outside';

export class RegistryError extends PromotionError<RegistryCode> {
  override readonly name = 'RegistryError';
}
