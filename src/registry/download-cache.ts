/**
 * The download cache every remote registry (OCI, MLflow, Hugging Face) shares: model files are
 * streamed once into content-addressed blobs and hard-linked into a plain folder per version, so
 * the verifier and the image build read ordinary files.
 *
 *   ROOT/blobs/sha256/HEX        one file's bytes, named by their sha256 (read-only)
 *   ROOT/versions/KEY/PATH       hard links (copies where linking fails) to those blobs
 *   ROOT/tmp/                    downloads in progress
 *
 * Nothing in the cache is trusted: a file found there is handed on unhashed and the verifier hashes
 * it against the signature. Only the files this process downloaded and hashed while writing, in
 * this run, are reported in `hashed`, so the verifier can skip reading them a second time. Digests
 * from the (not yet verified) signature only say where to look.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, copyFile, link, mkdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { PromotionError } from '../errors.js';
import type { Logger } from '../logger.js';
import { Limiter } from '../limiter.js';
import type { LayerBlob } from '../oci/layer-blob.js';
import { openResuming } from './resuming-read.js';
import { DownloadError } from './download-cache-error.js';
import { DEFAULT_RETRY, describeCause, RetriesExhausted, type RetryPolicy, withRetry } from '../retry.js';

export { DownloadError, type DownloadErrorCode } from './download-cache-error.js';

/** One file of a remote model version, as its registry lists it. */
export interface RemoteFile {
  /** POSIX, relative to the model root: `weights/model.safetensors`. */
  readonly path: string;
  readonly size?: number;
  /** Lower-case hex sha256 of the file's bytes, when the registry knows it. */
  readonly sha256?: string;
  /** The file's bytes, from the start; called again for each retry. */
  open(): Promise<AsyncIterable<Uint8Array>>;
  /**
   * The file's bytes from byte `start` on (an HTTP Range request), where the registry serves
   * ranges: a streamed upload that broke resumes without reading the file from its start again.
   */
  openFrom?(start: number): Promise<AsyncIterable<Uint8Array>>;
  /** The file is alone in a tar layer of a registry (ModelPack): a streamed build may mount that blob. */
  readonly layer?: LayerBlob;
}

export interface MaterializeOptions {
  readonly logger: Logger;
  /** Names the version in log lines and errors: `oci 127.0.0.1:5000/models/sentiment:2`. */
  readonly label: string;
  /** path -> sha256 hex from the (not yet verified) signature: used only to find cached blobs. */
  readonly expected?: ReadonlyMap<string, string>;
  readonly signal?: AbortSignal;
  /** Retries of a broken download before giving up. Default 3. */
  readonly retries?: number;
}

export interface Materialized {
  /** ROOT/versions/KEY: exactly the version's files. */
  readonly directory: string;
  /** Bytes written by the downloads that succeeded, this run. */
  readonly downloadedBytes: number;
  /** Files found in the cache (not hashed here: the verifier hashes them). */
  readonly reusedFiles: number;
  /** sha256 computed by this process over the bytes it wrote, this run */
  readonly hashed: ReadonlyMap<string, string>;
}

/** Carries the blobs of a version between CI runs (GitHub: @actions/cache). Failures are the hook's to log. */
export interface CachePersistence {
  restore(root: string, expected: ReadonlyMap<string, string>): Promise<void>;
  save(root: string, expected: ReadonlyMap<string, string>): Promise<void>;
}

export interface DownloadCacheOptions {
  readonly persistence?: CachePersistence;
  /** First backoff delay between retries; doubles each time. Default 500 ms. */
  readonly retryDelayMs?: number;
  /** Files downloaded at once. Default 4. */
  readonly concurrency?: number;
}

const HEX64 = /^[a-f0-9]{64}$/;

export class DownloadCache {
  constructor(
    readonly root: string,
    private readonly options: DownloadCacheOptions = {},
  ) {}

  /** The `cache-dir` input, else `$RUNNER_TEMP/model-promote-cache`, else `~/.cache/model-promote`. */
  static defaultRoot(env: NodeJS.ProcessEnv = process.env, cacheDir?: string): string {
    if (cacheDir) return path.resolve(cacheDir);
    if (env.RUNNER_TEMP) return path.join(env.RUNNER_TEMP, 'model-promote-cache');
    return path.join(env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'model-promote');
  }

  blobPath(sha256: string): string {
    return path.join(this.root, 'blobs', 'sha256', sha256);
  }

  async materialize(
    versionKey: string,
    files: readonly RemoteFile[],
    options: MaterializeOptions,
  ): Promise<Materialized> {
    checkPaths(files, options.label);
    const versions = path.join(this.root, 'versions');
    const staging = path.join(versions, `.tmp-${randomBytes(6).toString('hex')}`);
    await mkdir(staging, { recursive: true });
    await mkdir(path.join(this.root, 'tmp'), { recursive: true });
    await mkdir(path.join(this.root, 'blobs', 'sha256'), { recursive: true });
    try {
      const candidate = (file: RemoteFile) => {
        const digest = file.sha256 ?? options.expected?.get(file.path);
        return digest !== undefined && HEX64.test(digest) ? digest : undefined;
      };
      const lookups = await Promise.all(files.map(async (file) => this.cached(candidate(file), file.size)));
      const expected = options.expected ?? new Map<string, string>();
      const missing = (i: number) => lookups[i] === undefined && candidate(files[i]!) !== undefined;
      if (this.options.persistence && expected.size > 0 && files.some((_, i) => missing(i))) {
        await this.options.persistence.restore(this.root, expected);
        for (const [i, file] of files.entries()) lookups[i] ??= await this.cached(candidate(file), file.size);
      }

      const hashed = new Map<string, string>();
      let downloadedBytes = 0;
      let reusedFiles = 0;
      const limit = new Limiter(this.options.concurrency ?? 4);
      await Promise.all(
        files.map((file, i) =>
          limit.run(async () => {
            const target = path.join(staging, ...file.path.split('/'));
            await mkdir(path.dirname(target), { recursive: true });
            const blob = lookups[i];
            if (blob !== undefined) {
              await linkOrCopy(blob, target);
              reusedFiles++;
              return;
            }
            const got = await this.download(file, target, options);
            hashed.set(file.path, got.sha256);
            downloadedBytes += got.size;
          }),
        ),
      );
      const directory = path.join(versions, safeKey(versionKey));
      await replaceDirectory(staging, directory);
      options.logger.info(
        `${options.label}: ${files.length} file(s) in ${directory} (${reusedFiles} from the cache, re-verified; ${downloadedBytes} bytes downloaded)`,
      );
      if (this.options.persistence && [...hashed.keys()].some((p) => expected.has(p))) {
        await this.options.persistence.save(this.root, expected);
      }
      return { directory, downloadedBytes, reusedFiles, hashed };
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  }

  /** The blob's path when the cache holds `sha256` (and its size is the one expected), else undefined. */
  private async cached(sha256: string | undefined, size: number | undefined): Promise<string | undefined> {
    if (sha256 === undefined) return undefined;
    const file = this.blobPath(sha256);
    const found = await stat(file).catch(() => undefined);
    if (!found?.isFile()) return undefined;
    if (size !== undefined && found.size !== size) {
      await rm(file, { force: true });
      return undefined;
    }
    return file;
  }

  /** Downloads `file` into `target` (and into the blobs), with bounded retries; returns what was hashed. */
  private async download(
    file: RemoteFile,
    target: string,
    options: MaterializeOptions,
  ): Promise<{ sha256: string; size: number }> {
    // Fewer tries than a request: each one may stream gigabytes again. And any failure is worth
    // one more (a stream cut midway, a short file) except what the registry refused outright.
    const policy: RetryPolicy = {
      ...DEFAULT_RETRY,
      attempts: (options.retries ?? 3) + 1,
      ...(this.options.retryDelayMs !== undefined && { baseDelayMs: this.options.retryDelayMs }),
      isTransient: worthAnotherTry,
    };
    const what = `${options.label}: downloading ${file.path} failed`;
    try {
      return await withRetry(
        what,
        policy,
        options.logger,
        async () => {
          const temp = path.join(this.root, 'tmp', `${randomBytes(8).toString('hex')}.part`);
          try {
            const got = await writeHashed(file, temp, options);
            // The version links our own bytes before the blob is named, so `hashed` never describes a
            // file someone else put in the cache meanwhile.
            await chmod(temp, 0o444);
            await link(temp, target).catch(() => copyFile(temp, target));
            await rename(temp, this.blobPath(got.sha256));
            return got;
          } catch (error) {
            await unlink(temp).catch(() => undefined);
            await unlink(target).catch(() => undefined);
            throw error;
          }
        },
        options.signal,
      );
    } catch (error) {
      if (options.signal?.aborted) throw abortedError(options.label, options.signal);
      throw error instanceof RetriesExhausted
        ? finalError(file, options.label, error.cause, error.tries)
        : finalError(file, options.label, error, 1);
    }
  }
}

/** Streams the file into `temp`, hashing the bytes written; checks the size and sha256 the registry gave. */
async function writeHashed(
  file: RemoteFile,
  temp: string,
  options: MaterializeOptions,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  // 1 MiB: four downloads at once with 4 MiB each left up to 16 MiB queued per file for the
  // collector and took the benchmark's peak RSS to 200 MiB, for no measurable speed.
  const out = createWriteStream(temp, { flags: 'wx', highWaterMark: 1024 * 1024 });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  try {
    for await (const chunk of await openResuming(file, 0, options)) {
      if (options.signal?.aborted) throw abortedError(options.label, options.signal);
      size += chunk.byteLength;
      if (file.size !== undefined && size > file.size) throw new SizeMismatch(file, `more than ${file.size}`);
      hash.update(chunk);
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
    await new Promise<void>((resolve) => (out.closed ? resolve() : out.once('close', () => resolve())));
  } catch (error) {
    // Wait for the file to be closed (or opened, then closed), so the caller's unlink removes it.
    const closed = out.closed
      ? Promise.resolve()
      : once(out, 'close').then(
          () => undefined,
          () => undefined,
        );
    out.destroy();
    await closed;
    throw error;
  }
  if (file.size !== undefined && size !== file.size) throw new SizeMismatch(file, String(size));
  const sha256 = hash.digest('hex');
  if (file.sha256 !== undefined && sha256 !== file.sha256) throw new DigestMismatch(file, sha256);
  return { sha256, size };
}

class SizeMismatch extends Error {
  constructor(
    readonly file: RemoteFile,
    readonly got: string,
  ) {
    super(`got ${got} bytes, the registry said ${file.size}`);
  }
}

class DigestMismatch extends Error {
  constructor(
    readonly file: RemoteFile,
    readonly got: string,
  ) {
    super(`got sha256 ${got}, the registry said ${file.sha256}`);
  }
}

function worthAnotherTry(error: unknown): boolean {
  // Bad requests (unknown blob, no permission) do not get better by asking again.
  if (error instanceof PromotionError) return error.kind !== 'usage' && error.code !== 'registry-denied';
  return true;
}

function finalError(file: RemoteFile, label: string, error: unknown, tries: number): PromotionError {
  const after = tries > 1 ? `, after ${tries} tries` : '';
  if (error instanceof SizeMismatch) {
    return new DownloadError(
      'refused',
      'download-size-mismatch',
      `${label}: file ${file.path} ${error.message}${after}`,
      'the registry serves a truncated or different file: check the version in the registry, then try again',
      { cause: error },
    );
  }
  if (error instanceof DigestMismatch) {
    return new DownloadError(
      'refused',
      'download-digest-mismatch',
      `${label}: file ${file.path} ${error.message}${after}`,
      'the registry serves bytes that are not the file it lists: check the version in the registry',
      { cause: error },
    );
  }
  if (error instanceof PromotionError && error.kind === 'usage') return error;
  return new DownloadError(
    'failed',
    'download-failed',
    `${label}: downloading ${file.path} failed${after}: ${describeCause(error)}`,
    error instanceof PromotionError && error.hint
      ? error.hint
      : 'check the registry is reachable, then try again',
    { cause: error },
  );
}

function abortedError(label: string, signal: AbortSignal): DownloadError {
  return new DownloadError('failed', 'aborted', `${label}: download aborted`, undefined, {
    cause: signal.reason,
  });
}

/** Relative POSIX paths without `.`, `..` or empty segments, each once. */
function checkPaths(files: readonly RemoteFile[], label: string): void {
  const seen = new Set<string>();
  for (const file of files) {
    const segments = file.path.split('/');
    const clean =
      file.path !== '' &&
      !file.path.includes('\\') &&
      !file.path.includes('\0') &&
      segments.every((s) => s !== '' && s !== '.' && s !== '..');
    if (!clean) {
      throw new DownloadError(
        'refused',
        'download-path-invalid',
        `${label}: file path ${JSON.stringify(file.path)} is not a clean relative path`,
        'the registry lists a file outside the model folder: fix the version in the registry',
      );
    }
    const folded = file.path;
    if (seen.has(folded)) {
      throw new DownloadError(
        'refused',
        'download-path-invalid',
        `${label}: file ${file.path} is listed twice`,
        'fix the version in the registry: every file once',
      );
    }
    seen.add(folded);
  }
  for (const file of files) {
    const segments = file.path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join('/');
      if (seen.has(parent)) {
        throw new DownloadError(
          'refused',
          'download-path-invalid',
          `${label}: ${parent} is both a file and the folder of ${file.path}`,
          'fix the version in the registry',
        );
      }
    }
  }
}

/** A folder name for a version key: readable, and unique through a short hash of the key. */
export function safeKey(versionKey: string): string {
  const readable = versionKey
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 80);
  return `${readable}-${createHash('sha256').update(versionKey).digest('hex').slice(0, 12)}`;
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}

/** Puts `staging` where `directory` was; a concurrent run that got there first is replaced. */
async function replaceDirectory(staging: string, directory: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await rm(directory, { recursive: true, force: true });
    try {
      await rename(staging, directory);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= 3 || (code !== 'ENOTEMPTY' && code !== 'EEXIST')) throw error;
    }
  }
}
