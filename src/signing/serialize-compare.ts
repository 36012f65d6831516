import { SerializeError, type ManifestDifferences } from './serialize-errors.js';
import type { Resource } from './serialize-types.js';

/** How many names of each kind the message lists before saying how many more there are. */
export const MAX_NAMED = 10;

/**
 * Throws `model-mismatch` unless `actual` has exactly the resources of `expected` (same names, same
 * algorithms, same digests). The message names each missing, extra and different resource (the first
 * MAX_NAMED of each, then how many more); the error's `differences` holds them all.
 *
 * A single-file model's resource is named `.` (or `.:START:END`, a shard); the message says
 * `singleFileName` instead, so the user reads which file it is.
 */
export function compareManifest(
  expected: readonly Resource[],
  actual: readonly Resource[],
  singleFileName?: string,
): void {
  const found = new Map(actual.map((r) => [r.name, r]));
  const differences: ManifestDifferences = { missing: [], extra: [], different: [] };
  const wanted = new Set<string>();
  for (const resource of expected) {
    wanted.add(resource.name);
    const other = found.get(resource.name);
    if (!other) differences.missing.push(resource.name);
    else if (other.digest !== resource.digest || other.algorithm !== resource.algorithm) {
      differences.different.push(resource.name);
    }
  }
  for (const resource of actual) if (!wanted.has(resource.name)) differences.extra.push(resource.name);

  const shown = (names: string[]): string[] =>
    singleFileName === undefined
      ? names
      : names.map((name) => (name === '.' || name.startsWith('.:') ? singleFileName + name.slice(1) : name));
  const parts = [
    describe('missing', shown(differences.missing)),
    describe('extra', shown(differences.extra)),
    describe('different', shown(differences.different)),
  ].filter((part) => part !== '');
  if (parts.length === 0) return;
  throw new SerializeError(
    'model-mismatch',
    `the model's files do not match its signature: ${parts.join('; ')}`,
    'promote exactly the files that were signed (or sign this version of the model)',
    { differences },
  );
}

function describe(label: string, names: readonly string[]): string {
  if (names.length === 0) return '';
  const shown = names.slice(0, MAX_NAMED).join(', ');
  const more = names.length > MAX_NAMED ? ` and ${names.length - MAX_NAMED} more` : '';
  return `${names.length} ${label} (${shown}${more})`;
}
