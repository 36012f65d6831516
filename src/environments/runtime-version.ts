/**
 * Dotted numeric versions (`535.104.05`, `12.4.1`, `6.2`) and ranges over them (`>=12.1 <13`). Pure.
 *
 * Not semver: driver versions have leading zeros (`535.104.05`) and CUDA releases two or three
 * parts, and the only dependency that would do this (`semver`) is not one of ours. The grammar is
 * the subset of npm's ranges that runtime requirements need, and says so in its error.
 */

/** Numbers compare component by component; missing trailing components count as 0. */
export interface Version {
  readonly parts: readonly number[];
  /** As written. */
  readonly text: string;
}

export const VERSION_PATTERN = /^\d{1,6}(\.\d{1,6}){0,3}$/;

export function parseVersion(text: string): Version | undefined {
  const trimmed = text.trim();
  if (!VERSION_PATTERN.test(trimmed)) return undefined;
  return { parts: trimmed.split('.').map(Number), text: trimmed };
}

export function compareVersions(a: Version, b: Version): number {
  const length = Math.max(a.parts.length, b.parts.length);
  for (let i = 0; i < length; i++) {
    const diff = (a.parts[i] ?? 0) - (b.parts[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

type Operator = '>=' | '>' | '<=' | '<' | '=';

interface Comparator {
  readonly operator: Operator;
  readonly version: Version;
}

/** Alternatives (`||`) of comparator sets that must all hold. */
export interface VersionRange {
  readonly sets: readonly (readonly Comparator[])[];
  readonly text: string;
}

export const RANGE_GRAMMAR =
  'comparators >=, >, <=, <, = on versions such as 12.1, joined by spaces (all must hold) or || (either), e.g. ">=12.1 <13" or "12.4"';

/**
 * `12.4` alone means that release and its updates (`>=12.4 <12.5`), as a bare version does in npm;
 * `=12.4.1` means exactly that update.
 */
export function parseRange(text: string): VersionRange | undefined {
  const alternatives = text.split('||').map((part) => part.trim());
  if (alternatives.some((part) => part === '')) return undefined;
  const sets: Comparator[][] = [];
  for (const alternative of alternatives) {
    const set: Comparator[] = [];
    for (const token of alternative.split(/\s+/)) {
      const match = /^(>=|<=|>|<|=)?\s*(.+)$/.exec(token);
      const version = match?.[2] === undefined ? undefined : parseVersion(match[2]);
      if (!match || !version) return undefined;
      const operator = match[1] as Operator | undefined;
      if (operator) set.push({ operator, version });
      else set.push(...bareVersion(version));
    }
    sets.push(set);
  }
  return { sets, text: text.trim() };
}

function bareVersion(version: Version): Comparator[] {
  const next = [...version.parts];
  const last = next.length - 1;
  next[last] = (next[last] ?? 0) + 1;
  return [
    { operator: '>=', version },
    { operator: '<', version: { parts: next, text: next.join('.') } },
  ];
}

export function satisfies(version: Version, range: VersionRange): boolean {
  return range.sets.some((set) => set.every((c) => holds(compareVersions(version, c.version), c.operator)));
}

function holds(order: number, operator: Operator): boolean {
  switch (operator) {
    case '>=':
      return order >= 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    case '<':
      return order < 0;
    case '=':
      return order === 0;
  }
}
