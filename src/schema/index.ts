/** Schema compatibility: extract a model's interface, compare it with the running version's. */
export {
  checkCompatibility,
  compareInterfaces,
  type Change,
  type CompatibilityResult,
} from './compare-interfaces.js';
export { extractInterface } from './extract-interface.js';
export { folderFiles, listedFiles, type ListedFile, type ModelFiles } from './model-files.js';
export type { Dimension, InterfaceSource, ModelInterface, TensorSpec } from './model-interface.js';
export { SchemaError, type SchemaCode } from './schema-error.js';
