/**
 * The one error class of environments/: a bad or missing catalog, an unknown environment, or no
 * pool for the model. Catalog errors carry source locations (for annotations); a refusal carries
 * the explanation rows (for the promotion record).
 */
import { PromotionError, type ErrorKind } from '../errors.js';
import type { ExplanationRow } from './resolve-pool.js';

export type EnvironmentErrorCode =
  | 'catalog-not-found'
  | 'invalid-catalog'
  | 'unknown-environment'
  | 'no-matching-pool'
  | 'no-compatible-runtime'
  | 'invalid-runtime-requirement';

/** Where in the catalog file a problem is: 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One problem found in a catalog: `file:line:column: path: message`. */
export interface CatalogIssue {
  readonly location: SourceLocation;
  /** Field path such as `environments.production.pools[0].scaling.maxReplicas`; empty for syntax. */
  readonly path: string;
  readonly message: string;
}

export interface EnvironmentErrorDetails {
  /** Every problem found (invalid-catalog), in file order. */
  readonly issues?: readonly CatalogIssue[];
  /** Every pool of the environment and why it did or did not match (no-matching-pool). */
  readonly explanation?: readonly ExplanationRow[];
  readonly cause?: unknown;
}

export class EnvironmentError extends PromotionError<EnvironmentErrorCode> {
  override readonly name = 'EnvironmentError';
  readonly issues: readonly CatalogIssue[];
  readonly explanation: readonly ExplanationRow[];

  constructor(
    kind: ErrorKind,
    code: EnvironmentErrorCode,
    message: string,
    hint: string | undefined,
    details: EnvironmentErrorDetails = {},
  ) {
    super(kind, code, message, hint, details.cause === undefined ? undefined : { cause: details.cause });
    this.issues = details.issues ?? [];
    this.explanation = details.explanation ?? [];
  }

  /** The first issue's location, for a single annotation. */
  get location(): SourceLocation | undefined {
    return this.issues[0]?.location;
  }
}

/** `file:line:column: path: message`, the form editors and CI logs link. */
export function formatIssue(issue: CatalogIssue): string {
  const { file, line, column } = issue.location;
  return `${file}:${line}:${column}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}
