import { PromotionError } from '../errors.js';

export type SchemaCode =
  /** The new version removes or retypes an input or output of the running version. */
  | 'breaking-schema'
  /** A schema declaration in the model (model-schema.json, MLmodel, ONNX, safetensors) cannot be read. */
  | 'invalid-schema';

export class SchemaError extends PromotionError<SchemaCode> {
  override readonly name = 'SchemaError';
}
