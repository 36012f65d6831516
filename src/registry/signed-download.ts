/**
 * Downloads a signed model version into the download cache, using what its signature lists (not
 * verified yet) only to find files the cache already holds.
 */
import { expectedDigests } from '../signing/listed-digests.js';
import {
  type DownloadCache,
  DownloadError,
  type Materialized,
  type MaterializeOptions,
  type RemoteFile,
} from './download-cache.js';

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
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of await signature.open()) {
    size += chunk.byteLength;
    if (size > MAX_SIGNATURE_BYTES) {
      throw new DownloadError(
        'refused',
        'download-size-mismatch',
        `${signature.path} of ${options.label} is over ${MAX_SIGNATURE_BYTES} bytes: not an OMS signature`,
        'check that the registry serves the model.sig written by the signer',
      );
    }
    chunks.push(chunk);
  }
  const bundle = Buffer.concat(chunks);
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
