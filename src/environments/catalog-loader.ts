/**
 * Reads the compute catalog: YAML (kept as a document, so every error names file:line:column),
 * validated by the zod schema, with relative paths resolved against the catalog's folder.
 * The only I/O of environments/ besides reading trust material (signing-policy.ts).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { mapBaseEntry, withLayoutPath } from './base-image.js';
import { catalogSchema, type Catalog, type Environment } from './catalog-schema.js';
import {
  EnvironmentError,
  formatIssue,
  type CatalogIssue,
  type SourceLocation,
} from './environment-error.js';
import { DEFAULT_CATALOG_PATH } from './catalog-path.js';

export { DEFAULT_CATALOG_PATH };

export type FieldPath = readonly (string | number)[];

export interface LoadedCatalog {
  /** The catalog path as given (relative paths stay relative: they read well in annotations). */
  readonly file: string;
  /** The folder relative paths inside the catalog are resolved against (absolute). */
  readonly directory: string;
  /**
   * The validated catalog with defaults applied and every relative path made absolute:
   * signing `trustedRoot`, `publicKeys`, `certificateChain`, and `oci-layout:` base images.
   */
  readonly catalog: Catalog;
  /** The same catalog with paths as written, for display. */
  readonly written: Catalog;
  /** Where a field is in the file (the deepest existing node of the path), for annotations. */
  locate(fieldPath: FieldPath): SourceLocation;
}

/** Reads and validates a catalog file. Throws EnvironmentError `catalog-not-found` or `invalid-catalog` (usage). */
export async function loadCatalog(
  file: string = DEFAULT_CATALOG_PATH,
  cwd: string = process.cwd(),
): Promise<LoadedCatalog> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new EnvironmentError(
        'usage',
        'catalog-not-found',
        `catalog ${file} not found`,
        `pass --catalog PATH (Action input catalog) or create ${DEFAULT_CATALOG_PATH}; the format is in docs/catalog.md`,
        { cause: error },
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new EnvironmentError(
      'usage',
      'invalid-catalog',
      `reading catalog ${file}: ${reason}`,
      'pass a readable YAML file as --catalog',
      {
        cause: error,
      },
    );
  }
  return parseCatalog(text, file, path.dirname(path.resolve(cwd, file)));
}

/** Parses catalog text; `directory` is where its relative paths point from. No I/O. */
export function parseCatalog(text: string, file: string, directory: string): LoadedCatalog {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const locate = (fieldPath: FieldPath): SourceLocation => at(offsetOf(doc, fieldPath));

  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e): CatalogIssue => ({
      location: at(e.pos[0]),
      path: '',
      message: `YAML: ${e.message}`,
    }));
    throw invalid(file, issues);
  }
  let raw: unknown;
  try {
    // The yaml library refuses a document whose aliases would expand beyond this (an alias bomb).
    raw = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw invalid(file, [{ location: at(0), path: '', message: `YAML: ${message}` }]);
  }
  if (raw === null || raw === undefined) {
    throw invalid(file, [{ location: at(0), path: '', message: 'the catalog is empty' }]);
  }
  const result = catalogSchema.safeParse(raw, { error: describeIssue });
  if (!result.success) {
    const issues = result.error.issues.flatMap((issue) => toCatalogIssues(issue, locate));
    issues.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
    throw invalid(file, issues);
  }
  const written = result.data;
  return { file, directory, written, catalog: resolvePaths(written, directory), locate };
}

function invalid(file: string, issues: CatalogIssue[]): EnvironmentError {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return new EnvironmentError(
    'usage',
    'invalid-catalog',
    `catalog ${file} is invalid (${count}):\n${issues.map(formatIssue).join('\n')}`,
    'fix the catalog as shown; its format is in docs/catalog.md and schema/catalog.schema.json gives editor completion',
    { issues },
  );
}

/** `environments.production.pools[0].nodeSelector["nvidia.com/gpu.product"]` */
export function formatFieldPath(fieldPath: FieldPath): string {
  let out = '';
  for (const segment of fieldPath) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function toCatalogIssues(issue: z.core.$ZodIssue, locate: (p: FieldPath) => SourceLocation): CatalogIssue[] {
  const base = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const fieldPath = [...base, key];
      return { location: locate(fieldPath), path: formatFieldPath(fieldPath), message: 'unknown field' };
    });
  }
  const message =
    issue.code === 'invalid_key'
      ? `invalid name: ${issue.issues[0]?.message ?? issue.message}`
      : issue.message;
  return [{ location: locate(base), path: formatFieldPath(base), message }];
}

/** Plain-language messages for zod's issues; messages set in the schema take precedence. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'is required'
        : `must be ${EXPECTED[issue.expected] ?? `a ${issue.expected}`}, not ${kindOf(issue.input)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `must have at least ${String(issue.minimum)} ${issue.origin === 'array' ? 'item' : 'character'}${Number(issue.minimum) === 1 ? '' : 's'}`
        : `must be ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `must have at most ${String(issue.maximum)} ${issue.origin === 'array' ? 'items' : 'characters'}`
        : `must be ${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}`;
    case 'invalid_format':
      if (issue.format === 'url') return 'must be a URL';
      if (issue.format === 'starts_with')
        return `must start with ${String((issue as { prefix?: string }).prefix)}`;
      return `must match ${String(issue.pattern ?? issue.format)}`;
    case 'unrecognized_keys':
      return 'unknown field';
    default:
      return undefined;
  }
}

const EXPECTED: Record<string, string> = { array: 'a list', object: 'a mapping', record: 'a mapping' };

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Offset of the deepest node along the path: a map entry's key, a list item, or the document. */
function offsetOf(doc: Document, fieldPath: FieldPath): number {
  let node: unknown = doc.contents;
  let offset = doc.contents?.range?.[0] ?? 0;
  for (const segment of fieldPath) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment),
      );
      if (!pair) break;
      const target = isScalar(pair.key) ? pair.key : pair.value;
      offset = (target as { range?: [number, number, number] } | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (!item) break;
      offset = (item as { range?: [number, number, number] }).range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

function resolvePaths(catalog: Catalog, directory: string): Catalog {
  const abs = (p: string): string => path.resolve(directory, p);
  const environments = Object.fromEntries(
    Object.entries(catalog.environments).map(([name, env]): [string, Environment] => [
      name,
      {
        ...env,
        ...(env.signing && {
          signing: {
            ...env.signing,
            ...(env.signing.trustedRoot !== undefined && { trustedRoot: abs(env.signing.trustedRoot) }),
            ...(env.signing.publicKeys && { publicKeys: env.signing.publicKeys.map(abs) }),
            ...(env.signing.certificateChain && { certificateChain: env.signing.certificateChain.map(abs) }),
          },
        }),
        pools: env.pools.map((pool) => ({
          ...pool,
          image: {
            ...pool.image,
            base: Object.fromEntries(
              Object.entries(pool.image.base).map(([k, entry]) => [
                k,
                mapBaseEntry(entry, (ref) => withLayoutPath(ref, abs)),
              ]),
            ),
          },
        })),
      },
    ]),
  );
  return { ...catalog, environments };
}
