/**
 * Downloads a signed model version into the download cache, using what its signature lists (not
 * verified yet) only to find files the cache already holds.
 */
import type { Logger } from '../logger.js';
import { expectedDigests } from '../signing/listed-digests.js';
import {
  type DownloadCache,
  DownloadError,
  type Materialized,
  type MaterializeOptions,
  type RemoteFile,
} from './download-cache.js';
import { openResuming } from './resuming-read.js';

/** A signature is small; a registry that serves more than this for one is not believed. */
const MAX_SIGNATURE_BYTES = 16 * 1024 * 1024;

/**
 * Materializes a signed model version. The signature is read first (whole: it is small), so the
 * digests it lists — not trusted yet, only cache keys — let files already in the cache be reused.
 */
export async function materializeSigned(
  cache: Pick<DownloadCache, 'materialize'>,
  versionKey: string,
  files: readonly RemoteFile[],
  signature: RemoteFile,
  options: Omit<MaterializeOptions, 'expected'>,
): Promise<Materialized> {
  const bundle = await readSignatureBytes(signature, options.label);
  const inMemory: RemoteFile = {
    path: signature.path,
    size: bundle.byteLength,
    open: async () =>
      (async function* () {
        yield bundle;
      })(),
  };
  return cache.materialize(
    versionKey,
    files.map((file) => (file === signature ? inMemory : file)),
    { ...options, expected: expectedDigests(bundle) },
  );
}

/** The signature's bytes, whole (it is small); more than MAX_SIGNATURE_BYTES is refused. */
export async function readSignatureBytes(signature: RemoteFile, label: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of await signature.open()) {
    size += chunk.byteLength;
    if (size > MAX_SIGNATURE_BYTES) {
      throw new DownloadError(
        'refused',
        'download-size-mismatch',
        `${signature.path} of ${label} is over ${MAX_SIGNATURE_BYTES} bytes: not an OMS signature`,
        'check that the registry serves the model.sig written by the signer',
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * A listed version to stream: the signature read, the model's files each held to its listed size.
 * A file listed without a size cannot be streamed into a tar entry (its header comes first).
 */
export async function listSigned(
  files: readonly RemoteFile[],
  signature: RemoteFile,
  label: string,
  logger?: Logger,
): Promise<{ files: RemoteFile[]; signature: Uint8Array }> {
  const bundle = await readSignatureBytes(signature, label);
  return {
    signature: bundle,
    files: files.filter((file) => file !== signature).map((file) => heldToSize(file, label, logger)),
  };
}

/**
 * The file, whose streams end with an error naming the registry when they give another size than
 * listed, and read on from where they broke when the registry serves ranges.
 */
export function heldToSize(file: RemoteFile, label: string, logger?: Logger): RemoteFile {
  const { size } = file;
  if (size === undefined) {
    throw new DownloadError(
      'failed',
      'download-size-mismatch',
      `${label} lists ${file.path} without its size, which streaming needs`,
      'give cache-dir to download the model before the build',
    );
  }
  const sized = (stream: AsyncIterable<Uint8Array>, start: number) =>
    exactly(stream, size - start, file, label);
  const resume = { label, ...(logger && { logger }) };
  return {
    ...file,
    open: async () => sized(await openResuming(file, 0, resume), 0),
    ...(file.openFrom && {
      openFrom: async (start: number) => sized(await openResuming(file, start, resume), start),
    }),
  };
}

async function* exactly(
  stream: AsyncIterable<Uint8Array>,
  expected: number,
  file: RemoteFile,
  label: string,
): AsyncIterable<Uint8Array> {
  let got = 0;
  for await (const chunk of stream) {
    got += chunk.byteLength;
    if (got > expected) break;
    yield chunk;
  }
  if (got !== expected) {
    throw new DownloadError(
      'failed',
      'download-size-mismatch',
      `${label} served ${got > expected ? 'more than' : 'only'} ${Math.min(got, expected)} bytes of ${file.path}, which it lists with ${file.size} bytes`,
      "the registry's listing and its file disagree: check the artifact in the registry, then promote again",
    );
  }
}
