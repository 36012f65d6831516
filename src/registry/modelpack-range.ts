/**
 * A ModelPack layer's file from a byte offset (`RemoteFile.openFrom`), so a streamed upload that
 * broke after the file was read and checked once resumes without reading it from its start again.
 *
 *   raw        the blob is the file: a Range request on the blob from the offset
 *   tar        the file's bytes lie contiguous in the blob after its header (and any folder entries,
 *              PAX or long-name headers): a Range request from there, found by reading the blob's
 *              first blocks
 *   tar+gzip,  no byte of the blob maps to an offset of the file: no openFrom, the file is read
 *   tar+zstd   again from its start
 *
 * None of these bytes is checked against the blob digest (only a whole blob can be). That is safe
 * because openFrom only feeds a resumed upload (`layerTail` in oci/tar-layer.ts): it resumes only
 * after a first pass read the whole layer through the content check and hashed it, and its final
 * PUT names that digest, which the target registry checks against every byte it holds. A wrong
 * byte here makes that PUT fail, and the layer is then read again from the start.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { RegistryClient } from '../oci/remote/client.js';
import type { ModelPackFile } from './modelpack.js';
import { layerEntryKind, layerEntryName } from './modelpack-layer.js';
import { ModelPackError } from './modelpack-error.js';

/** Enough of a tar layer's start to hold the file's header, PAX records and a few folder entries. */
export const TAR_HEAD_BYTES = 64 * 1024;

export type OpenFrom = (start: number) => Promise<AsyncIterable<Uint8Array>>;

/** The file's bytes from `start` on, where its layer format allows; undefined for compressed layers. */
export function layerFileFrom(
  client: RegistryClient,
  repository: string,
  file: ModelPackFile,
  what: string,
): OpenFrom | undefined {
  const { digest, size: blobSize } = file.layer;
  const range = (first: number, last: number): AsyncIterable<Uint8Array> =>
    last < first ? empty() : client.openBlobRange(repository, digest, first, last);
  if (file.format === 'raw') {
    return (start) => Promise.resolve(range(start, blobSize - 1));
  }
  if (file.format !== 'tar') return undefined;
  // The blob is content-addressed: where its file starts is learned once.
  let located: Promise<{ offset: number; size: number }> | undefined;
  return async (start) => {
    located ??= tarFileData(
      range(0, Math.min(blobSize, TAR_HEAD_BYTES) - 1),
      layerEntryName(file.path, file.prefix),
      what,
    );
    const data = await located.catch((error: unknown) => {
      located = undefined;
      throw error;
    });
    return range(data.offset + start, data.offset + data.size - 1);
  };
}

/**
 * Where the one regular file of a tar stream starts (its data, after its header) and its size, read
 * from the stream's first bytes. Folder entries before it are allowed, as fileFromLayer allows them.
 */
export async function tarFileData(
  head: AsyncIterable<Uint8Array>,
  path: string,
  what: string,
): Promise<{ offset: number; size: number }> {
  const extract = tar.extract();
  const source = Readable.from(head, { objectMode: false });
  const piping = pipeline(source, extract);
  piping.catch(() => undefined);
  try {
    for await (const entry of extract) {
      entry.resume();
      const kind = layerEntryKind(entry.header, path);
      if (kind.kind === 'directory') continue;
      if (kind.kind === 'unexpected') throw notFound(what, path, kind.got);
      // `offset` is where the entry's own header starts (after any PAX header): its data follows.
      return { offset: entry.offset + 512, size: entry.header.size };
    }
  } catch (error) {
    if (error instanceof ModelPackError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw notFound(what, path, `no file header in its first ${TAR_HEAD_BYTES} bytes (${reason})`);
  } finally {
    source.destroy();
    extract.destroy();
  }
  throw notFound(what, path, 'no file at all');
}

function notFound(what: string, path: string, got: string): ModelPackError {
  return new ModelPackError(
    'failed',
    'layer-unsupported',
    `${what}: reading ${path} from an offset, its tar layer holds ${got}`,
    'the file is read again from the start of its layer',
  );
}

async function* empty(): AsyncIterable<Uint8Array> {}
