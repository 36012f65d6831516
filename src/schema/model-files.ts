/**
 * The files a model's interface is read from, local or remote alike. Reading an interface needs few
 * bytes: a declaration file whole, a safetensors header from the start of its file. So a file is
 * opened as a stream from its first byte and the reader stops when it has enough; for a remote
 * version (the one running in the environment, compared before promoting) that means its weights
 * are never downloaded. Only ONNX, whose graph sits after the weights in the file, needs the whole
 * file on disk.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface ModelFiles {
  /** Names the model in messages: a folder, or `sentiment v3 from https://mlflow...`. */
  readonly label: string;
  /** Regular files as sorted POSIX paths, the signature left out. */
  readonly paths: readonly string[];
  /** A file's bytes from its start. A reader that stops early stops the read (or the download). */
  open(file: string): Promise<AsyncIterable<Uint8Array>>;
  /** The whole file on local disk, for random access; `release` removes what was fetched for it. */
  local(file: string): Promise<LocalFile>;
}

export interface LocalFile {
  readonly path: string;
  release(): Promise<void>;
}

/** A model folder (the version being promoted, or a registry that keeps files locally). */
export async function folderFiles(directory: string, signatureName?: string): Promise<ModelFiles> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const paths = entries
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path.relative(directory, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'),
    )
    .filter((file) => file !== signatureName)
    .sort();
  const full = (file: string) => path.join(directory, ...file.split('/'));
  return {
    label: directory,
    paths,
    open: async (file) => createReadStream(full(file), { highWaterMark: 64 * 1024 }),
    local: async (file) => ({ path: full(file), release: async () => undefined }),
  };
}

/** A file a registry lists without downloading it (RemoteFile of the download cache fits). */
export interface ListedFile {
  readonly path: string;
  open(): Promise<AsyncIterable<Uint8Array>>;
}

/** Listed remote files; `local` downloads one into a fresh folder under `scratch`. */
export function listedFiles(
  label: string,
  files: readonly ListedFile[],
  signatureName: string,
  scratch: string,
): ModelFiles {
  const byPath = new Map(files.filter((f) => f.path !== signatureName).map((f) => [f.path, f]));
  const find = (file: string) => {
    const found = byPath.get(file);
    if (!found) throw new Error(`${label} lists no file ${file}`);
    return found;
  };
  return {
    label,
    paths: [...byPath.keys()].sort(),
    open: (file) => find(file).open(),
    async local(file) {
      const folder = await mkdtemp(path.join(scratch, 'interface-'));
      const target = path.join(folder, path.posix.basename(file));
      try {
        await pipeline(Readable.from(await find(file).open()), createWriteStream(target));
      } catch (error) {
        await rm(folder, { recursive: true, force: true });
        throw error;
      }
      return { path: target, release: () => rm(folder, { recursive: true, force: true }) };
    },
  };
}

/**
 * Reads a stream's first bytes in exact amounts, pulling no more chunks than it needs. `close`
 * ends the stream early (its iterator's return: a download is aborted there).
 */
export class PrefixReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private pending: Buffer = Buffer.alloc(0);

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** The next `n` bytes, or fewer when the stream ends first. */
  async take(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let have = 0;
    while (have < n) {
      if (this.pending.byteLength === 0) {
        const next = await this.iterator.next();
        if (next.done) break;
        this.pending = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      }
      const part = this.pending.subarray(0, n - have);
      this.pending = this.pending.subarray(part.byteLength);
      parts.push(part);
      have += part.byteLength;
    }
    return Buffer.concat(parts, have);
  }

  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}
