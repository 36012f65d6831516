/**
 * The model-file half of OpenSSF Model Signing: computing a model's manifest from its files, the way
 * upstream's `model_signing` does (github.com/sigstore/model-transparency, `_serialization/`), on
 * all cores and in bounded memory.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { HashPool } from './hash-pool.js';
import { poolHashName, resourceAlgorithm, shardRanges } from './serialize-algorithm.js';
import { SerializeError } from './serialize-errors.js';
import { listModelFiles, type ModelFile } from './serialize-list.js';
import { formatShardName } from './serialize-names.js';
import type { Resource, Serialization } from './serialize-types.js';

export { SerializeError, type SerializeErrorCode, type ManifestDifferences } from './serialize-errors.js';
export {
  listModelFiles,
  DEFAULT_IGNORE_PATHS,
  DEFAULT_SIGNATURE_NAME,
  type ModelFile,
} from './serialize-list.js';
export { checkResourceNames, comparePaths, compareResourceNames, parseShardName } from './serialize-names.js';
export { compareManifest } from './serialize-compare.js';
export { buildStatement, subjectDigest, PREDICATE_TYPE, STATEMENT_TYPE } from './serialize-statement.js';
export { createContentCheck, type ContentCheck } from './serialize-content-check.js';

export interface DigestProgress {
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
}

export interface DigestOptions {
  /** The signature's file name inside the model, never hashed; `model.sig` unless told. */
  signatureName?: string;
  /** Called at the start, as bytes are hashed (every few MiB per worker) and at the end. */
  onProgress?: (progress: DigestProgress) => void;
  /** Aborting stops every worker and rejects with code `aborted`. */
  signal?: AbortSignal;
  /** Workers and read size; one worker per core and 256 KiB reads unless told (tests, benchmarks). */
  workers?: number;
  blockSize?: number;
  /** The listing to hash (from listModelFiles), when the caller has it: the folder is walked once. */
  files?: readonly ModelFile[];
  /**
   * sha256 hex of files this process hashed while writing them, this run (a download). Used only
   * for the `files` method with sha256, and only for listed paths: those files are not read again.
   */
  knownDigests?: ReadonlyMap<string, string>;
}

interface Job {
  name: string;
  file: number;
  start: number;
  end: number | undefined;
  size: number;
}

/**
 * Computes the model's resources as upstream would for `serialization`: one per file (`files`) or
 * one per shard of each non-empty file (`shards`), in upstream's order. Files and shards are hashed
 * in parallel, largest first, each read in large blocks into a reused buffer.
 */
export async function digestModel(
  directory: string,
  serialization: Serialization,
  options: DigestOptions = {},
): Promise<Resource[]> {
  const algorithm = resourceAlgorithm(serialization);
  const poolName = poolHashName(serialization.hashType);
  if (options.signal?.aborted) throw aborted(options.signal);
  const files = options.files ?? (await listModelFiles(directory, serialization, options));

  const jobs: Job[] = [];
  const jobsLeft: number[] = [];
  files.forEach((file, index) => {
    if (serialization.method === 'files') {
      jobs.push({ name: file.path, file: index, start: 0, end: undefined, size: file.size });
      jobsLeft.push(1);
    } else {
      const ranges = shardRanges(file.size, serialization.shardSize!);
      for (const [start, end] of ranges) {
        jobs.push({
          name: formatShardName(file.path, start, end),
          file: index,
          start,
          end,
          size: end - start,
        });
      }
      jobsLeft.push(ranges.length);
    }
  });

  const progress: DigestProgress = {
    bytesDone: 0,
    bytesTotal: files.reduce((sum, f) => sum + f.size, 0),
    filesDone: jobsLeft.filter((n) => n === 0).length,
    filesTotal: files.length,
  };
  const report = (): void =>
    options.onProgress?.({ ...progress, bytesDone: Math.min(progress.bytesDone, progress.bytesTotal) });
  report();

  if (jobs.length === 0) return [];

  const digests = new Array<string>(jobs.length);
  const known =
    serialization.method === 'files' && serialization.hashType === 'sha256'
      ? options.knownDigests
      : undefined;
  jobs.forEach((job, i) => {
    const digest = known?.get(files[job.file]!.path);
    if (digest === undefined) return;
    digests[i] = digest;
    progress.bytesDone += job.size;
    progress.filesDone++;
  });
  const toHash = jobs.map((_, i) => i).filter((i) => digests[i] === undefined);
  if (toHash.length < jobs.length) report();
  if (toHash.length === 0) return jobs.map((job, i) => ({ name: job.name, algorithm, digest: digests[i]! }));

  const pool = new HashPool({
    workers: Math.min(options.workers ?? availableParallelism(), toHash.length),
    ...(options.blockSize === undefined ? {} : { blockSize: options.blockSize }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onBytes: (bytes) => {
      progress.bytesDone += bytes;
      report();
    },
  });
  try {
    // Largest first, so one big file does not start last and leave the other cores idle.
    const order = toHash.sort((a, b) => jobs[b]!.size - jobs[a]!.size);
    await Promise.all(
      order.map(async (i) => {
        const job = jobs[i]!;
        const file = files[job.file]!;
        const result = await pool.hash({
          path: file.path === '.' ? directory : join(directory, file.path),
          label: job.name,
          algorithm: poolName,
          start: job.start,
          ...(job.end === undefined ? {} : { end: job.end }),
          noFollow: !serialization.allowSymlinks,
        });
        digests[i] = result.digest;
        if (--jobsLeft[job.file]! === 0) {
          progress.filesDone++;
          report();
        }
      }),
    );
  } finally {
    await pool.close();
  }
  return jobs.map((job, i) => ({ name: job.name, algorithm, digest: digests[i]! }));
}

function aborted(signal: AbortSignal): SerializeError {
  return new SerializeError('aborted', 'hashing the model was aborted', undefined, { cause: signal.reason });
}
