/**
 * Resource names as upstream writes them: a POSIX path relative to the model (`.` when the model is
 * a single file), plus `:START:END` for a shard. Pure: nothing here touches the file system.
 */
import { SerializeError } from './serialize-errors.js';
import type { Resource, Serialization } from './serialize-types.js';

export interface ShardName {
  path: string;
  start: number;
  end: number;
}

export function formatShardName(path: string, start: number, end: number): string {
  return `${path}:${start}:${end}`;
}

/** Parses `path:start:end` exactly as upstream does (three `:`-separated parts), or returns undefined. */
export function parseShardName(name: string): ShardName | undefined {
  const parts = name.split(':');
  if (parts.length !== 3) return undefined;
  const [path, start, end] = parts as [string, string, string];
  if (!isCanonicalInteger(start) || !isCanonicalInteger(end)) return undefined;
  return { path, start: Number(start), end: Number(end) };
}

function isCanonicalInteger(text: string): boolean {
  return /^(0|[1-9][0-9]{0,15})$/.test(text) && Number.isSafeInteger(Number(text));
}

/** Python's `str` order: by code point (JS `<` compares UTF-16 units, which differs above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Surrogates (astral code points) rank above every other UTF-16 unit. */
function codePointRank(unit: number): number {
  return unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit;
}

/** Upstream sorts `PurePosixPath`s: component by component, so `a/b` comes before `a-c`. */
export function comparePaths(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  const length = Math.min(x.length, y.length);
  for (let i = 0; i < length; i++) {
    const order = compareCodePoints(x[i]!, y[i]!);
    if (order !== 0) return order;
  }
  return x.length - y.length;
}

/** Upstream's resource order: by path, then (for shards) by start and end offsets. */
export function compareResourceNames(method: Serialization['method'], a: string, b: string): number {
  if (method === 'files') return comparePaths(a, b);
  const x = parseShardName(a);
  const y = parseShardName(b);
  if (!x || !y) return compareCodePoints(a, b);
  return comparePaths(x.path, y.path) || x.start - y.start || x.end - y.end;
}

const HINT = 'the signature was not written by a trustworthy model_signing tool: do not use this model';

/**
 * Checks every resource name of a signature before any file is opened: each must be a canonical
 * relative POSIX path inside the model (no absolute path, `..`, `.` or empty segment, backslash or
 * control character), unique, and for shards `path:start:end` with ranges that tile each file from 0.
 * A whole-name `.` (a single-file model) must then be the only path.
 */
export function checkResourceNames(resources: readonly Resource[], method: Serialization['method']): void {
  const seen = new Set<string>();
  const paths = new Set<string>();
  const shards = new Map<string, ShardName[]>();
  for (const resource of resources) {
    const name = resource.name;
    if (typeof name !== 'string') throw unsafe(String(name), 'it is not a string');
    if (seen.has(name))
      throw new SerializeError('duplicate-resource', `resource '${name}' is listed twice`, HINT);
    seen.add(name);
    if (typeof resource.digest !== 'string' || !/^(?:[0-9a-f]{2})+$/.test(resource.digest)) {
      throw new SerializeError(
        'malformed-digest',
        `resource '${name}' has digest '${String(resource.digest)}', not lowercase hex`,
        HINT,
      );
    }
    let path = name;
    if (method === 'shards') {
      const shard = parseShardName(name);
      if (!shard)
        throw new SerializeError('malformed-shard', `shard name '${name}' is not PATH:START:END`, HINT);
      if (shard.end <= shard.start) {
        throw new SerializeError('malformed-shard', `shard '${name}' ends before it starts`, HINT);
      }
      path = shard.path;
      const list = shards.get(path) ?? [];
      list.push(shard);
      shards.set(path, list);
    }
    checkPath(path, name);
    paths.add(path);
  }
  if (paths.has('.') && paths.size > 1) {
    throw unsafe('.', "'.' names a single-file model, but other files are listed too");
  }
  for (const path of paths) {
    // `a` and `a/b` cannot both be files.
    for (let cut = path.indexOf('/'); cut !== -1; cut = path.indexOf('/', cut + 1)) {
      const parent = path.slice(0, cut);
      if (paths.has(parent)) throw unsafe(path, `'${parent}' is listed as a file and as a folder`);
    }
  }
  for (const [path, list] of shards) {
    list.sort((a, b) => a.start - b.start);
    let expected = 0;
    for (const shard of list) {
      if (shard.start !== expected) {
        throw new SerializeError(
          'malformed-shard',
          `shards of '${path}' do not tile the file: expected one starting at ${expected}, found ${formatShardName(path, shard.start, shard.end)}`,
          HINT,
        );
      }
      expected = shard.end;
    }
  }
}

function checkPath(path: string, name: string): void {
  if (path === '.') return;
  if (path === '') throw unsafe(name, 'the path is empty');
  if (path.startsWith('/')) throw unsafe(name, 'the path is absolute');
  if (path.includes('\\')) throw unsafe(name, 'the path contains a backslash');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) throw unsafe(name, 'the path contains a control character');
  for (const segment of path.split('/')) {
    if (segment === '') throw unsafe(name, 'the path has an empty segment');
    if (segment === '..') throw unsafe(name, "the path has a '..' segment");
    if (segment === '.') throw unsafe(name, "the path has a '.' segment");
  }
}

function unsafe(name: string, why: string): SerializeError {
  return new SerializeError('unsafe-resource-name', `resource name '${name}' is unsafe: ${why}`, HINT);
}
