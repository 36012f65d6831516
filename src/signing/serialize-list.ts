/**
 * Which files make up a model, exactly as upstream's serializers find them: every regular file under
 * the folder (hidden ones included), minus ignored paths, sorted as `PurePosixPath`s.
 */
import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SerializeError } from './serialize-errors.js';
import { comparePaths } from './serialize-names.js';
import type { Serialization } from './serialize-types.js';

/** Upstream ignores these by default (`--ignore-git-paths`), and always the signature file itself. */
export const DEFAULT_IGNORE_PATHS: readonly string[] = ['.git', '.gitattributes', '.github', '.gitignore'];
export const DEFAULT_SIGNATURE_NAME = 'model.sig';

export interface ModelFile {
  /** POSIX path relative to the model; `.` when the model is a single file. */
  path: string;
  size: number;
}

export interface ListOptions {
  /** The signature's file name inside the model (ignored); `model.sig` unless told. */
  signatureName?: string;
  /** Leave out DEFAULT_IGNORE_PATHS (`.git` and friends); default true, as upstream. */
  ignoreGitPaths?: boolean;
}

/**
 * Lists the model's files. Symlinks are refused unless `allowSymlinks`; then a link to a file counts
 * as that file (named by the link), and a link to a folder is not entered, as upstream's
 * `glob("**\/*")` does not enter it. Sockets, pipes, devices and broken links are refused.
 */
export async function listModelFiles(
  directory: string,
  serialization: Pick<Serialization, 'allowSymlinks' | 'ignorePaths'>,
  options: ListOptions = {},
): Promise<ModelFile[]> {
  const ignore = ignoreMatcher([
    ...serialization.ignorePaths,
    ...(options.ignoreGitPaths === false ? [] : DEFAULT_IGNORE_PATHS),
    options.signatureName ?? DEFAULT_SIGNATURE_NAME,
  ]);
  const allow = serialization.allowSymlinks;
  let root: Stats;
  try {
    root = await lstat(directory);
  } catch (cause) {
    throw new SerializeError(
      'model-not-found',
      `model '${directory}' cannot be read: ${errorText(cause)}`,
      'check the model path',
      { cause },
    );
  }
  const kind = await classify(directory, directory, root, allow, true);
  if (kind.type === 'file') return [{ path: '.', size: kind.size }];

  const files: ModelFile[] = [];
  const walk = async (relative: string): Promise<void> => {
    const absolute = relative === '' ? directory : join(directory, relative);
    let entries: Dirent[];
    try {
      entries = await readdir(absolute, { withFileTypes: true });
    } catch (cause) {
      throw new SerializeError(
        'file-unreadable',
        `listing '${absolute}': ${errorText(cause)}`,
        'make the model folder readable',
        { cause },
      );
    }
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (ignore(path)) continue;
      const full = join(directory, path);
      const found = entry.isFile()
        ? { type: 'file' as const, size: (await statOf(full)).size }
        : entry.isDirectory()
          ? { type: 'dir' as const }
          : await classify(full, path, await statOf(full, lstat), allow);
      if (found.type === 'file') files.push({ path, size: found.size });
      else if (found.type === 'dir') await walk(path);
    }
  };
  await walk('');
  return files.sort((a, b) => comparePaths(a.path, b.path));
}

type Found = { type: 'file'; size: number } | { type: 'dir' } | { type: 'skip' };

async function classify(
  full: string,
  name: string,
  info: Stats,
  allowSymlinks: boolean,
  isRoot = false,
): Promise<Found> {
  if (info.isSymbolicLink()) {
    if (!allowSymlinks) {
      throw new SerializeError(
        'symlink-not-allowed',
        `'${name}' is a symbolic link and the signature does not allow symlinks`,
        'replace the link with the file it points to; if the signer followed links (model_signing sign --allow_symlinks), verify with --allow-symlinks',
      );
    }
    let target: Stats;
    try {
      target = await stat(full);
    } catch (cause) {
      throw new SerializeError(
        'unsupported-file-type',
        `'${name}' is a broken symbolic link (${errorText(cause)})`,
        'remove the link or restore its target',
        { cause },
      );
    }
    if (target.isFile()) return { type: 'file', size: target.size };
    // Upstream's glob("**/*") lists a link to a folder but never enters it, so it adds nothing.
    if (target.isDirectory()) return isRoot ? { type: 'dir' } : { type: 'skip' };
    return unsupported(name);
  }
  if (info.isFile()) return { type: 'file', size: info.size };
  if (info.isDirectory()) return { type: 'dir' };
  return unsupported(name);
}

function unsupported(name: string): never {
  throw new SerializeError(
    'unsupported-file-type',
    `'${name}' is neither a regular file nor a folder (socket, pipe or device)`,
    'remove it from the model folder',
  );
}

/** `stat` follows a link, `lstat` describes the link itself; both fail the same way. */
async function statOf(full: string, look: (path: string) => Promise<Stats> = stat): Promise<Stats> {
  try {
    return await look(full);
  } catch (cause) {
    throw new SerializeError(
      'file-unreadable',
      `reading '${full}': ${errorText(cause)}`,
      'make sure nothing changes the model while it is hashed',
      { cause },
    );
  }
}

/**
 * `path` is ignored when it equals or lies under an ignore path (upstream's `is_relative_to`). Ignore
 * paths are relative to the model; `.` segments and repeated or trailing slashes fold away as in
 * pathlib; absolute paths and paths with `..` match nothing (upstream drops those outside the model).
 * One that folds to the model itself would hide every file, and is refused.
 */
export function ignoreMatcher(ignorePaths: readonly string[]): (path: string) => boolean {
  const normalized = new Set<string>();
  for (const raw of ignorePaths) {
    if (raw.startsWith('/')) continue;
    const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.includes('..')) continue;
    if (segments.length === 0) {
      throw new SerializeError(
        'unsafe-ignore-path',
        `ignore path '${raw}' names the whole model, so nothing would be verified`,
        'sign the model again without ignoring its root folder',
      );
    }
    normalized.add(segments.join('/'));
  }
  return (path) => {
    if (path === '' || path === '.') return false;
    if (normalized.has(path)) return true;
    for (let cut = path.indexOf('/'); cut !== -1; cut = path.indexOf('/', cut + 1)) {
      if (normalized.has(path.slice(0, cut))) return true;
    }
    return false;
  };
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
