/** environments/: the compute catalog and the choice of a pool from model labels. */
export { DEFAULT_CATALOG_PATH, formatFieldPath, loadCatalog, parseCatalog } from './catalog-loader.js';
export type { FieldPath, LoadedCatalog } from './catalog-loader.js';
export type {
  Catalog,
  Environment,
  EnvironmentSigningPolicy,
  Pool,
  Requirement,
  Selector,
} from './catalog-schema.js';
export { EnvironmentError, formatIssue } from './environment-error.js';
export type { CatalogIssue, EnvironmentErrorCode, SourceLocation } from './environment-error.js';
export { parseBaseImage } from './base-image.js';
export type { BaseImageChoice } from './base-image.js';
export { matchSelector, describeRequirement, countRequirements } from './selector.js';
export type { Labels, SelectorResult, UnmetRequirement } from './selector.js';
export { environmentOf, resolvePool } from './resolve-pool.js';
export type { CatalogSource, ExplanationRow, PoolChoice } from './resolve-pool.js';
export { explanationMarkdown, renderExplanationTable } from './explanation-table.js';
export { environmentSigningPolicy } from './signing-policy.js';
export type { ResolvedSigningPolicy, TrustFile } from './signing-policy.js';
export { compareQuantities, parseQuantity } from './quantity.js';
export type { Quantity } from './quantity.js';
