/**
 * Is this registry blob the tar layer we would write for one file? Read once: the file's bytes are
 * cut out of the blob by offset and packed by our own writer (packLayer, with the content check, as
 * any streamed layer), and every byte the writer puts around them (headers, padding, end blocks) is
 * compared with the blob's. A match means the blob is, byte for byte, the layer writeTarLayer would
 * write from the checked bytes, so it may stand in for it (a cross-repository mount).
 */
import { packLayer, type TarLayer, type TarLayerOptions } from './tar-layer.js';

export type LayerMatch = { readonly matched: true } | { readonly matched: false; readonly reason: string };

/** More header bytes than this before one file is not a layer of ours (a few folders and a pax header). */
const MAX_HEADER_BYTES = 64 * 1024;
const BLOCK = 512;

/**
 * Reads `blob` (of `size` bytes) to its end unless it turns out not to be ours. Throws what the read
 * throws (a blob that does not hash to its digest) and what the content check throws (a file that
 * is not the signed one): a match is never returned for bytes that were not checked.
 */
export async function matchTarLayer(
  layer: TarLayer,
  options: Pick<TarLayerOptions, 'sourceDateEpoch' | 'check' | 'onBytes' | 'signal'>,
  blob: AsyncIterable<Uint8Array>,
  size: number,
): Promise<LayerMatch> {
  const files = layer.entries.flatMap((e) => (e.kind === 'file' ? [e.file] : []));
  const file = files[0];
  if (files.length !== 1 || !file) return { matched: false, reason: 'not a one-file layer' };
  const contentStart = size - 2 * BLOCK - ((BLOCK - (file.size % BLOCK)) % BLOCK) - file.size;
  const contentEnd = contentStart + file.size;
  if (contentStart < BLOCK || contentStart > MAX_HEADER_BYTES) {
    return { matched: false, reason: `its ${size} bytes cannot be our tar of ${file.size} bytes` };
  }
  const cursor = new BlobCursor(blob);
  // The writer may ask for the file before its headers are read out: the cursor reads in order.
  const headersRead = cursor.take(contentStart);
  headersRead.catch(() => undefined);
  const { stream, done } = packLayer(layer, {
    ...options,
    openFile: async () => {
      await headersRead;
      return cursor.stream(file.size);
    },
  });
  let result: LayerMatch | undefined;
  let offset = 0;
  try {
    const headers = await headersRead;
    let tail: Buffer | undefined;
    for await (const chunk of stream) {
      const end = offset + chunk.byteLength;
      if (offset < contentStart) {
        const n = Math.min(end, contentStart) - offset;
        if (!Buffer.from(chunk.buffer, chunk.byteOffset, n).equals(headers.subarray(offset, offset + n))) {
          result = { matched: false, reason: 'its tar headers differ from ours' };
          break;
        }
      }
      if (end > contentEnd) {
        // The writer's padding and end blocks: the blob's must be the same, and the blob end there.
        tail ??= await cursor.rest(size - contentEnd + 1);
        const from = Math.max(offset, contentEnd);
        const ours = Buffer.from(chunk.buffer, chunk.byteOffset + (from - offset), end - from);
        if (!ours.equals(tail.subarray(from - contentEnd, end - contentEnd))) {
          result = { matched: false, reason: 'its tar ends otherwise than ours' };
          break;
        }
      }
      offset = end;
    }
    if (!result) await done;
  } catch (error) {
    // The packing side knows why (the check refused the file, the read failed).
    const packError: unknown = await done.then(
      () => undefined,
      (e: unknown) => e,
    );
    throw packError ?? error;
  } finally {
    await cursor.close();
  }
  if (result) return result;
  if (offset !== size || cursor.read !== size) {
    return {
      matched: false,
      reason: `our tar of it is ${offset} bytes, the blob ${cursor.read === size ? size : `${cursor.read} or more`}`,
    };
  }
  return { matched: true };
}

/** The blob's bytes taken in parts, in order, from one pass over it. */
class BlobCursor {
  read = 0;
  private readonly iterator: AsyncIterator<Uint8Array>;
  private pending: Uint8Array | undefined;

  constructor(blob: AsyncIterable<Uint8Array>) {
    this.iterator = blob[Symbol.asyncIterator]();
  }

  /** The next piece of at most `max` bytes; undefined at the end of the blob. */
  private async next(max: number): Promise<Uint8Array | undefined> {
    if (!this.pending) {
      const step = await this.iterator.next();
      if (step.done) return undefined;
      this.pending = step.value;
      this.read += step.value.byteLength;
    }
    const piece = this.pending.subarray(0, max);
    this.pending = piece.byteLength < this.pending.byteLength ? this.pending.subarray(max) : undefined;
    return piece;
  }

  /** Exactly `n` bytes, or fewer at the end of the blob. */
  async take(n: number): Promise<Buffer> {
    const parts: Uint8Array[] = [];
    for (let got = 0, piece; got < n && (piece = await this.next(n - got)); got += piece.byteLength)
      parts.push(piece);
    return Buffer.concat(parts);
  }

  /** The next `n` bytes as they come (fewer at the end of the blob). */
  async *stream(n: number): AsyncIterable<Uint8Array> {
    for (let got = 0, piece; got < n && (piece = await this.next(n - got)); got += piece.byteLength)
      yield piece;
  }

  /**
   * The rest of the blob, at most `limit` bytes: asked for one more byte than it should hold, it
   * either ends (its digest checked there) or proves itself longer, and is read no further.
   */
  async rest(limit: number): Promise<Buffer> {
    return this.take(limit);
  }

  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}
