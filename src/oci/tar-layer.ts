/**
 * Deterministic uncompressed tar layers: entries in plan order, fixed mtime, root owner, no user or
 * group names, 0644 files and 0755 folders. Each file is read once, in large blocks, and the same
 * chunks go to the content check and into the tar, which the sink hashes while storing.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import tar from 'tar-stream';
import { PromotionError } from '../errors.js';
import { MediaType } from './media-types.js';
import { OciError } from './oci-error.js';
import type { ImageSink } from './sink.js';
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
  /** Folder the model files' relative paths start from. */
  readonly directory: string;
  /** Seconds since the epoch for every entry's mtime. */
  readonly sourceDateEpoch: number;
  readonly check?: ContentCheckHook;
  /** Told the size of every chunk of file content as it goes into the tar. */
  readonly onBytes?: (bytes: number) => void;
}

export interface WriteLayerOptions extends TarLayerOptions {
  /**
   * Told how many bytes of this layer's files the current pass has read. A sink may read a layer
   * twice (hash, then upload), so this restarts at 0 on each pass instead of adding up.
   */
  readonly onLayerProgress?: (bytesDone: number) => void;
}

/**
 * File read size. 1 MiB: every read is a fresh buffer that lives until the collector finds it, and
 * with 3 layers at once 4 MiB reads added ~50 MiB to a push's peak RSS for no measurable speed.
 */
const READ_BLOCK = 1024 * 1024;

/**
 * Names the bytes this module writes for given entries, contents and mtime: part of every layer key
 * (layer-key.ts). Change it whenever the tar output could change (header fields, modes, padding,
 * long-name handling, a tar-stream upgrade that writes differently), or stored keys would name the
 * wrong blobs.
 */
export const TAR_LAYER_FORMAT = 'model-promote tar layer 1 (tar-stream 3, ustar+pax, 0644/0755, uid 0)';

/** Writes one planned layer into the sink; returns its descriptor (digest == diff_id: uncompressed). */
export async function writeTarLayer(
  layer: TarLayer,
  options: WriteLayerOptions,
  sink: ImageSink,
  annotations?: Readonly<Record<string, string>>,
): Promise<Descriptor> {
  let filled: Promise<void> | undefined;
  const { onLayerProgress } = options;
  const source = (): AsyncIterable<Uint8Array> => {
    let passBytes = 0;
    const onBytes = onLayerProgress && ((bytes: number) => onLayerProgress((passBytes += bytes)));
    const { stream, done } = packLayer(layer, onBytes ? { ...options, onBytes } : options);
    filled = done;
    return stream;
  };
  try {
    const descriptor = await sink.writeBlob(
      { mediaType: MediaType.Layer, ...(annotations ? { annotations } : {}) },
      source,
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
  const done = (async () => {
    for (const entry of layer.entries) await addEntry(pack, entry, mtime, options, closed);
    pack.finalize();
  })();
  done.catch((error: unknown) => pack.destroy(error instanceof Error ? error : new Error(String(error))));
  return { stream: pack as unknown as AsyncIterable<Uint8Array>, done };
}

async function addEntry(
  pack: tar.Pack,
  entry: LayerEntry,
  mtime: Date,
  options: TarLayerOptions,
  closed: Promise<never>,
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
    for await (const chunk of createReadStream(join(options.directory, file.path), {
      highWaterMark: READ_BLOCK,
    })) {
      const bytes = chunk as Buffer;
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
    throw changed(file, `cannot be read: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (read > file.size) throw changed(file, `grew beyond the ${file.size} verified bytes`);
  if (read < file.size) throw changed(file, `has only ${read} of the ${file.size} verified bytes`);
  if (check) guarded(file, () => check.finish());
  sink.end(() => undefined);
  await Promise.race([closed, entryDone]);
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
