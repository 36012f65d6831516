/**
 * Deterministic uncompressed tar layers: entries in plan order, fixed mtime, root owner, no user or
 * group names, 0644 files and 0755 folders. Each file is read once, in large blocks, and the same
 * chunks go to the content check and into the tar, which the sink hashes while storing.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import tar from 'tar-stream';
import { PromotionError } from '../errors.js';
import { MediaType } from './media-types.js';
import { OciError } from './oci-error.js';
import type { BlobSource, BlobToWrite, BlobWriteEvent, ImageSink } from './sink.js';
import type { Descriptor } from './types.js';

/** A file to put into a layer, as verified: the image build's and the model publisher's alike. */
export interface LayerFile {
  /** Relative POSIX path inside the model folder, e.g. `weights/model.safetensors`. */
  readonly path: string;
  readonly size: number;
}

export type LayerEntry =
  | { readonly kind: 'directory'; /** tar name, ends with `/` */ readonly name: string }
  | { readonly kind: 'file'; /** tar name */ readonly name: string; readonly file: LayerFile };

/** What a layer holds: tar entries in order, parent directories before their children. */
export interface TarLayer {
  readonly entries: readonly LayerEntry[];
}

/** Re-checks a file's bytes as they are read (the signing module hashes them against the signature). */
export interface ContentCheck {
  update(chunk: Uint8Array): void;
  /** Called after the last chunk; throws when the bytes are not the verified ones. */
  finish(): void;
}
export type ContentCheckHook = (path: string, size: number) => Promise<ContentCheck>;

export interface TarLayerOptions {
  /** Folder the model files' relative paths start from (unless `openFile` is given). */
  readonly directory?: string;
  /**
   * A file's bytes from its first, when they come from somewhere other than a folder (a streamed
   * promotion reads them from the model registry). Called again when a sink reads the layer again.
   */
  readonly openFile?: (file: LayerFile) => Promise<AsyncIterable<Uint8Array>>;
  /** A file's bytes from byte `start` on (an HTTP Range request), where its source serves ranges. */
  readonly openFileFrom?: (file: LayerFile, start: number) => Promise<AsyncIterable<Uint8Array>>;
  /** Seconds since the epoch for every entry's mtime. */
  readonly sourceDateEpoch: number;
  readonly check?: ContentCheckHook;
  /** Told the size of every chunk of file content as it goes into the tar. */
  readonly onBytes?: (bytes: number) => void;
  /** Stops reading (another layer of the same image failed): the layer's stream ends with the reason. */
  readonly signal?: AbortSignal;
}

export interface WriteLayerOptions extends TarLayerOptions {
  /**
   * Told how many bytes of this layer's files the current pass has read. A sink may read a layer
   * twice (hash, then upload), so this restarts at 0 on each pass instead of adding up.
   */
  readonly onLayerProgress?: (bytesDone: number) => void;
  /** Told what the sink did with the layer: bytes sent, or that it had or mounted it (sink.ts). */
  readonly onBlobEvent?: (event: BlobWriteEvent) => void;
}

/**
 * File read size, and how many read buffers a layer keeps for reuse. A fresh buffer per read lives
 * until the collector finds it, which it does late for large off-heap buffers: a 2 GiB build held
 * ~80 MiB of spent ones. So each layer reuses its buffers (ReadBuffers), as the hash workers do.
 */
const READ_BLOCK = 256 * 1024;
const KEPT_BUFFERS = 8;

/**
 * Read buffers a layer reuses. A buffer goes back into use only once the reader of the tar stream
 * has pulled the chunk after it, which a sink does only when it is done with a chunk (BlobSource's
 * contract, sink.ts), and only if the chunk came back whole: a stage that split or copied chunks
 * would simply leave the buffer to the collector, never share it.
 */
class ReadBuffers {
  private readonly free: Buffer[] = [];
  /** Buffers handed out, by their memory, with the length handed out. */
  private readonly lent = new Map<ArrayBufferLike, number>();

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(READ_BLOCK);
  }

  lend(chunk: Buffer): Buffer {
    this.lent.set(chunk.buffer, chunk.byteLength);
    return chunk;
  }

  giveBack(chunk: Uint8Array): void {
    if (chunk.byteOffset !== 0 || this.lent.get(chunk.buffer) !== chunk.byteLength) return;
    this.lent.delete(chunk.buffer);
    if (this.free.length < KEPT_BUFFERS) this.free.push(Buffer.from(chunk.buffer, 0, READ_BLOCK));
  }
}

/** The stream's chunks, each buffer given back once the reader asks for the chunk after it. */
async function* recycling(
  stream: AsyncIterable<Uint8Array>,
  buffers: ReadBuffers,
): AsyncIterable<Uint8Array> {
  for await (const chunk of stream) {
    yield chunk;
    buffers.giveBack(chunk);
  }
}

/**
 * Names the bytes this module writes for given entries, contents and mtime: part of every layer key
 * (layer-key.ts). Change it whenever the tar output could change (header fields, modes, padding,
 * long-name handling, a tar-stream upgrade that writes differently), or stored keys would name the
 * wrong blobs.
 */
export const TAR_LAYER_FORMAT = 'model-promote tar layer 1 (tar-stream 3, ustar+pax, 0644/0755, uid 0)';

/**
 * Writes one planned layer into the sink; returns its descriptor (digest == diff_id: uncompressed).
 * `known`: the layer's digest and size when already proven (tar-layer-match.ts), and the repository
 * the sink may mount it from; the layer is then packed only if the sink reads it.
 */
export async function writeTarLayer(
  layer: TarLayer,
  options: WriteLayerOptions,
  sink: ImageSink,
  annotations?: Readonly<Record<string, string>>,
  known?: Pick<BlobToWrite, 'digest' | 'size' | 'mountFrom'>,
): Promise<Descriptor> {
  let filled: Promise<void> | undefined;
  const { onLayerProgress, onBlobEvent } = options;
  const source: BlobSource = (): AsyncIterable<Uint8Array> => {
    let passBytes = 0;
    const onBytes = onLayerProgress && ((bytes: number) => onLayerProgress((passBytes += bytes)));
    const { stream, done } = packLayer(layer, onBytes ? { ...options, onBytes } : options);
    filled = done;
    return stream;
  };
  const { openFileFrom } = options;
  const files = layer.entries.filter((e) => e.kind === 'file');
  if (openFileFrom && files.length === 1) {
    source.resume = (offset, size) => layerTail(files[0]!.file, offset, size, openFileFrom);
  }
  try {
    const descriptor = await sink.writeBlob(
      { mediaType: MediaType.Layer, ...(annotations ? { annotations } : {}), ...known },
      source,
      onBlobEvent,
    );
    await filled;
    return descriptor;
  } catch (error) {
    // The packing side knows why (a changed file, a failed check); the sink only saw a broken stream.
    // Unless the sink stopped reading (a failed upload): then packing stopped because of the sink.
    const packError: unknown = await filled?.then(
      () => undefined,
      (e: unknown) => e,
    );
    throw packError === undefined || packError instanceof ReaderClosed ? error : packError;
  }
}

/**
 * The bytes of a one-file layer of `size` bytes from `offset` on, without packing it again: the tar
 * ends with the file's content, its padding to 512 bytes and two zero blocks (tar-stream's
 * finalize), so where the content starts follows from the layer's size. Undefined for an offset
 * inside the headers (they are not kept): the layer is then packed again.
 */
export function layerTail(
  file: LayerFile,
  offset: number,
  size: number,
  openFileFrom: (file: LayerFile, start: number) => Promise<AsyncIterable<Uint8Array>>,
): AsyncIterable<Uint8Array> | undefined {
  const padding = (512 - (file.size % 512)) % 512;
  const contentStart = size - 1024 - padding - file.size;
  if (contentStart < 0 || offset < contentStart || offset > size) return undefined;
  const trailer = Buffer.alloc(padding + 1024);
  return (async function* () {
    const start = offset - contentStart;
    if (start < file.size) {
      let read = start;
      for await (const chunk of await openFileFrom(file, start)) {
        read += chunk.byteLength;
        yield chunk;
      }
      if (read !== file.size) {
        throw changed(
          file,
          `gave ${read - start} bytes from byte ${start}, not the ${file.size - start} left`,
        );
      }
    }
    yield trailer.subarray(Math.max(0, start - file.size));
  })();
}

/** The reader of a layer's tar stream stopped before its end: the reader's own error says why. */
class ReaderClosed extends Error {
  override readonly name = 'ReaderClosed';
}

/** The tar bytes of a layer, produced as the reader pulls them. `done` settles when packing ends. */
export function packLayer(
  layer: TarLayer,
  options: TarLayerOptions,
): { stream: AsyncIterable<Uint8Array>; done: Promise<void> } {
  const pack = tar.pack();
  // Errors reach the reader through its iterator and the caller through `done`.
  pack.on('error', () => undefined);
  const mtime = new Date(options.sourceDateEpoch * 1000);
  const closed = new Promise<never>((_, reject) => {
    pack.on('close', () => reject(new ReaderClosed('tar stream closed by its reader')));
  });
  closed.catch(() => undefined);
  const buffers = new ReadBuffers();
  const done = (async () => {
    for (const entry of layer.entries) await addEntry(pack, entry, mtime, options, closed, buffers);
    pack.finalize();
  })();
  done.catch((error: unknown) => pack.destroy(error instanceof Error ? error : new Error(String(error))));
  return { stream: recycling(pack as unknown as AsyncIterable<Uint8Array>, buffers), done };
}

async function addEntry(
  pack: tar.Pack,
  entry: LayerEntry,
  mtime: Date,
  options: TarLayerOptions,
  closed: Promise<never>,
  buffers: ReadBuffers,
): Promise<void> {
  const header = { name: entry.name, mtime, uid: 0, gid: 0 };
  if (entry.kind === 'directory') {
    await Promise.race([
      closed,
      new Promise<void>((resolve, reject) =>
        pack.entry({ ...header, type: 'directory', mode: 0o755 }, (error) =>
          error ? reject(error) : resolve(),
        ),
      ),
    ]);
    return;
  }
  const file = entry.file;
  let finished: (error?: unknown) => void = () => undefined;
  const entryDone = new Promise<void>((resolve, reject) => {
    finished = (error) => (error ? reject(error) : resolve());
  });
  entryDone.catch(() => undefined);
  const sink = pack.entry({ ...header, type: 'file', mode: 0o644, size: file.size }, finished);
  sink.on('error', () => undefined);
  let check: ContentCheck | undefined;
  try {
    check = await options.check?.(file.path, file.size);
  } catch (error) {
    throw checkFailed(file, error);
  }
  let read = 0;
  try {
    for await (const bytes of fileBytes(file, options, buffers)) {
      options.signal?.throwIfAborted();
      read += bytes.byteLength;
      if (read > file.size) break;
      if (check) guarded(file, () => check.update(bytes));
      options.onBytes?.(bytes.byteLength);
      if (!sink.write(bytes)) {
        await Promise.race([closed, new Promise<void>((resolve) => sink.once('drain', () => resolve()))]);
      }
    }
  } catch (error) {
    if (error instanceof PromotionError || error instanceof ReaderClosed) throw error;
    if (options.signal?.aborted) throw options.signal.reason;
    throw changed(file, `cannot be read: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (read > file.size) throw changed(file, `grew beyond the ${file.size} verified bytes`);
  if (read < file.size) throw changed(file, `has only ${read} of the ${file.size} verified bytes`);
  if (check) guarded(file, () => check.finish());
  sink.end(() => undefined);
  await Promise.race([closed, entryDone]);
}

/**
 * A file's bytes: from its source when the layer streams from a registry (the source enforces the
 * listed size and names the registry when it differs), else from the folder, read in blocks into
 * reused buffers; one byte past the verified size tells a file that grew from one that did not.
 */
async function* fileBytes(
  file: LayerFile,
  options: TarLayerOptions,
  buffers: ReadBuffers,
): AsyncIterable<Uint8Array> {
  if (options.openFile) {
    yield* await options.openFile(file);
    return;
  }
  const handle = await open(join(options.directory!, file.path), 'r');
  try {
    let read = 0;
    while (read < file.size) {
      const buffer = buffers.take();
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, file.size - read), read);
      if (bytesRead === 0) return;
      read += bytesRead;
      yield buffers.lend(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
    }
    const past = Buffer.alloc(1);
    if ((await handle.read(past, 0, 1, read)).bytesRead > 0) yield past;
  } finally {
    await handle.close();
  }
}

function changed(file: LayerFile, problem: string, cause?: unknown): OciError {
  return new OciError(
    'failed',
    'model-file-changed',
    `model file ${file.path} ${problem}`,
    'the model folder changed after verification: run the promotion again',
    { cause },
  );
}

/** Runs a content-check call; anything but a PromotionError becomes `content-check-failed`. */
function guarded<T>(file: LayerFile, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw checkFailed(file, error);
  }
}

function checkFailed(file: LayerFile, error: unknown): PromotionError {
  if (error instanceof PromotionError) return error;
  return new OciError(
    'failed',
    'content-check-failed',
    `checking model file ${file.path}: ${error instanceof Error ? error.message : String(error)}`,
    undefined,
    { cause: error },
  );
}
