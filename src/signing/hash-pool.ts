/**
 * A pool of worker threads (hash-worker.ts) that hash byte ranges of files: one worker per core,
 * each reading with one reused buffer, so memory stays flat whatever the model's size.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SerializeError } from './serialize-errors.js';

export interface HashJob {
  /** Absolute (or cwd-relative) path of the file. */
  path: string;
  /** A node:crypto algorithm name (e.g. `sha256`), or `blake3`. */
  algorithm: string;
  /** First byte hashed. */
  start: number;
  /** One past the last byte; `undefined` hashes to the end of the file, however long it is now. */
  end?: number;
  /** Refuse to open the file through a symlink (O_NOFOLLOW): closes the gap after listing. */
  noFollow?: boolean;
  /** How errors name the file (e.g. its path inside the model); `path` unless told. */
  label?: string;
}

export interface HashResult {
  /** Lowercase hex. */
  digest: string;
  /** Bytes hashed. */
  length: number;
}

export interface HashPoolOptions {
  /** Number of workers; one per core unless told. */
  workers?: number;
  /**
   * Bytes per read; 256 KiB unless told. Measured: a block that stays in the core's L2 cache costs
   * about 20% less CPU than 8 MiB blocks (read then hash is two passes over memory otherwise).
   */
  blockSize?: number;
  /** Called as bytes are hashed (every 16 MiB or so per worker), with the bytes since the last call. */
  onBytes?: (bytes: number) => void;
  /** Aborting terminates every worker and rejects every job with code `aborted`. */
  signal?: AbortSignal;
}

export const DEFAULT_BLOCK_SIZE = 256 * 1024;
/** Workers report progress after this many bytes (or at the end of a job). */
export const PROGRESS_STEP = 16 * 1024 * 1024;

/**
 * The worker's module: from source (tests, tsx) Node runs hash-worker.ts itself; in dist/ the
 * build writes the bundled worker beside the chunk that holds this code (scripts/build.ts checks).
 */
export function workerModule(): URL {
  const bundled = new URL('./hash-worker.js', import.meta.url);
  return existsSync(bundled) ? bundled : new URL('./hash-worker.ts', import.meta.url);
}

function startWorker(blockSize: number): Worker {
  return new Worker(workerModule(), {
    workerData: { blockSize, progressStep: Math.max(blockSize, PROGRESS_STEP) },
  });
}

/** Workers started ahead of a pool by prestartWorkers; the next pools with the default block size take them. */
const prestarted: Worker[] = [];

/**
 * Starts `count` workers now, for a pool made soon. A worker takes ~80 ms to boot Node, which the
 * CLI's verify overlaps with loading its own modules and checking the signature. A worker not
 * taken never keeps the process alive (unref), and one that dies before it is taken is dropped.
 */
export function prestartWorkers(count: number = availableParallelism()): void {
  while (prestarted.length < count) {
    const worker = startWorker(DEFAULT_BLOCK_SIZE);
    worker.unref();
    const drop = () => {
      const at = prestarted.indexOf(worker);
      if (at >= 0) prestarted.splice(at, 1);
    };
    worker.once('error', drop).once('exit', drop);
    prestarted.push(worker);
  }
}

type WorkerMessage =
  | { type: 'progress'; bytes: number }
  | { type: 'done'; digest: string; length: number; bytes: number }
  | { type: 'error'; code?: string; message: string };

interface Pending {
  job: HashJob;
  resolve: (result: HashResult) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  current?: Pending;
}

export class HashPool {
  private readonly size: number;
  private readonly blockSize: number;
  private readonly onBytes: ((bytes: number) => void) | undefined;
  private readonly signal: AbortSignal | undefined;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  /** Workers being terminated: `close()` waits for them, so nothing outlives the pool. */
  private readonly dying: Promise<number>[] = [];
  private closed: SerializeError | undefined;
  private readonly onAbort = (): void => {
    this.shutdown(
      new SerializeError('aborted', 'hashing the model was aborted', undefined, {
        cause: this.signal?.reason,
      }),
    );
  };

  constructor(options: HashPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
    this.blockSize = Math.max(64 * 1024, Math.floor(options.blockSize ?? DEFAULT_BLOCK_SIZE));
    this.onBytes = options.onBytes;
    this.signal = options.signal;
    if (this.signal?.aborted) this.onAbort();
    else this.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Hashes `job` on the next free worker. */
  hash(job: HashJob): Promise<HashResult> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise<HashResult>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /** Terminates every worker; jobs not finished are rejected. Safe to call twice. */
  async close(): Promise<void> {
    this.shutdown(new SerializeError('aborted', 'the hash pool was closed before the job ran'));
    for (const slot of this.slots.splice(0)) this.dying.push(slot.worker.terminate());
    await Promise.all(this.dying.splice(0));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.current === undefined);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const pending = this.queue.shift()!;
      slot.current = pending;
      slot.worker.ref();
      const { path, algorithm, start, end, noFollow } = pending.job;
      slot.worker.postMessage({ path, algorithm, start, end, noFollow: noFollow === true });
    }
  }

  private spawn(): Slot {
    const worker =
      (this.blockSize === DEFAULT_BLOCK_SIZE && prestarted.shift()) || startWorker(this.blockSize);
    const slot: Slot = { worker };
    worker.on('message', (message: WorkerMessage) => this.receive(slot, message));
    worker.on('error', (error) => this.lose(slot, error));
    worker.on('exit', (code) => {
      if (!this.closed) this.lose(slot, new Error(`worker exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }

  private receive(slot: Slot, message: WorkerMessage): void {
    const pending = slot.current;
    if (!pending) return;
    if (message.type === 'progress') {
      this.onBytes?.(message.bytes);
      return;
    }
    slot.current = undefined;
    // An idle worker must not keep the process alive.
    slot.worker.unref();
    if (message.type === 'done') {
      if (message.bytes > 0) this.onBytes?.(message.bytes);
      pending.resolve({ digest: message.digest, length: message.length });
    } else {
      pending.reject(readError(pending.job, message));
    }
    this.dispatch();
  }

  private lose(slot: Slot, error: unknown): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    this.dying.push(slot.worker.terminate());
    const pending = slot.current;
    slot.current = undefined;
    pending?.reject(
      new SerializeError(
        'hash-worker-failed',
        `hashing '${pending.job.label ?? pending.job.path}': the worker died (${error instanceof Error ? error.message : String(error)})`,
        'retry; if it persists, check free memory',
        { cause: error },
      ),
    );
    this.dispatch();
  }

  private shutdown(reason: SerializeError): void {
    if (this.closed) return;
    this.closed = reason;
    this.signal?.removeEventListener('abort', this.onAbort);
    for (const pending of this.queue.splice(0)) pending.reject(reason);
    for (const slot of this.slots) {
      const pending = slot.current;
      slot.current = undefined;
      pending?.reject(reason);
      this.dying.push(slot.worker.terminate());
    }
  }
}

const HINTS: Record<string, string> = {
  ENOENT: 'the file disappeared: make sure nothing changes the model while it is verified',
  ESHORT: 'the file shrank: make sure nothing changes the model while it is verified',
  EACCES: 'make the model files readable by the user running the promotion',
  EPERM: 'make the model files readable by the user running the promotion',
  ELOOP: 'the file was replaced by a symbolic link: make sure nothing changes the model while it is verified',
  ENOTFILE:
    'the file was replaced by something else: make sure nothing changes the model while it is verified',
};

function readError(job: HashJob, message: { code?: string; message: string }): SerializeError {
  const name = job.label ?? job.path;
  const code =
    message.code === 'ESHORT' || message.code === 'ELOOP' || message.code === 'ENOTFILE'
      ? 'model-changed'
      : 'file-unreadable';
  return new SerializeError(
    code,
    `hashing '${name}': ${message.message}`,
    (message.code && HINTS[message.code]) ?? 'check the disk and the file permissions',
    { cause: Object.assign(new Error(message.message), { code: message.code }) },
  );
}
