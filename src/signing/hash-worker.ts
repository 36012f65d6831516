/**
 * One HashPool worker: hashes byte ranges of files, one job at a time, with synchronous reads into
 * one reused buffer so memory stays flat whatever the model's size.
 *
 * Self-contained on purpose: it imports node builtins and hash-wasm only, and uses erasable
 * TypeScript only, so Node runs this file as it is when the pool runs from source (tests, tsx),
 * and the build bundles it on its own beside the Action and the CLI (see `workerModule`).
 *
 * The message types are repeated in hash-pool.ts (which cannot import from here for the same
 * reason); hash-pool.test.ts drives both sides together.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { createBLAKE3 } from 'hash-wasm';

interface Job {
  path: string;
  /** A node:crypto name, or `blake3` (which node:crypto lacks: hash-wasm's WebAssembly). */
  algorithm: string;
  start: number;
  end?: number;
  noFollow: boolean;
}

interface Hasher {
  update(data: Uint8Array): unknown;
  digest(encoding: 'hex'): string;
}

const port = parentPort!;
const { blockSize, progressStep } = workerData as { blockSize: number; progressStep: number };
const buffer = Buffer.allocUnsafe(blockSize);
const { O_RDONLY, O_NONBLOCK = 0, O_NOFOLLOW = 0 } = constants;
/** hash-wasm's BLAKE3 compiles its WebAssembly once per worker; `init()` resets it per job. */
let blake3: Awaited<ReturnType<typeof createBLAKE3>> | undefined;

async function hasherFor(algorithm: string): Promise<Hasher> {
  if (algorithm !== 'blake3') return createHash(algorithm);
  blake3 ??= await createBLAKE3();
  return blake3.init();
}

function failure(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

async function run(job: Job): Promise<void> {
  let fd = -1;
  try {
    const hash = await hasherFor(job.algorithm);
    fd = openSync(job.path, O_RDONLY | O_NONBLOCK | (job.noFollow ? O_NOFOLLOW : 0));
    if (!fstatSync(fd).isFile()) throw failure('ENOTFILE', 'not a regular file');
    const end = job.end ?? Infinity;
    let position = job.start;
    let unreported = 0;
    while (position < end) {
      const read = readSync(fd, buffer, 0, Math.min(blockSize, end - position), position);
      if (read === 0) {
        if (end !== Infinity)
          throw failure('ESHORT', `the file ended at byte ${position}, before byte ${end}`);
        break;
      }
      hash.update(read === blockSize ? buffer : buffer.subarray(0, read));
      position += read;
      unreported += read;
      if (unreported >= progressStep) {
        port.postMessage({ type: 'progress', bytes: unreported });
        unreported = 0;
      }
    }
    port.postMessage({
      type: 'done',
      digest: hash.digest('hex'),
      length: position - job.start,
      bytes: unreported,
    });
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    port.postMessage({
      type: 'error',
      code: typeof code === 'string' ? code : undefined,
      message: typeof message === 'string' ? message : String(error),
    });
  } finally {
    if (fd >= 0) {
      try {
        closeSync(fd);
      } catch {
        // The digest (or the error) is already sent; a failed close changes neither.
      }
    }
  }
}

port.on('message', (job: Job) => void run(job));
