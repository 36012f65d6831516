import { PromotionError } from '../errors.js';

/** Model artifacts in an OCI registry that model-promote cannot read as a model version. */
export type ModelPackErrorCode = 'not-modelpack' | 'layer-unsupported' | 'registry-uri-invalid';

export class ModelPackError extends PromotionError<ModelPackErrorCode> {
  override readonly name = 'ModelPackError';
}
