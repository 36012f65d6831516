/**
 * The bytes of one model file out of a ModelPack layer, as the layer streams in: raw layers are the
 * file; tar layers (optionally gzip or zstd) are unpacked on the fly and must hold exactly that one
 * regular file (folder entries are allowed), named as its path, or `PREFIX/path` when the layer is
 * annotated with that prefix (`model-promote publish` writes the image's layout). The whole blob is
 * always read to its end, so the registry client checks the layer digest before the last file byte
 * is accepted.
 */
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import tar from 'tar-stream';
import type { LayerFormat } from './modelpack.js';
import { ModelPackError } from './modelpack-error.js';

/** The tar name of a layer's file: its model path, under the layer's prefix when it has one. */
export function layerEntryName(path: string, prefix?: string): string {
  return prefix ? `${prefix}/${path}` : path;
}

/**
 * What a tar entry of a one-file layer is to a reader looking for `name`: a folder to pass over,
 * the file, or something no layer of ours holds (described for the error). Reading from an offset
 * (modelpack-range.ts) takes the same decision, so both reads find the same file.
 */
export function layerEntryKind(
  header: { readonly name: string; readonly type?: string | null },
  name: string,
): { readonly kind: 'directory' | 'file' } | { readonly kind: 'unexpected'; readonly got: string } {
  const { type } = header;
  if (type === 'directory') return { kind: 'directory' };
  const entryName = header.name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if ((type === 'file' || type === 'contiguous-file') && entryName === name) return { kind: 'file' };
  return { kind: 'unexpected', got: `${type ?? 'entry'} ${JSON.stringify(header.name)}` };
}

export async function* fileFromLayer(
  blob: AsyncIterable<Uint8Array>,
  format: LayerFormat,
  path: string,
  what: string,
  prefix?: string,
): AsyncIterable<Uint8Array> {
  const name = layerEntryName(path, prefix);
  if (format === 'raw') {
    yield* blob;
    return;
  }
  const extract = tar.extract();
  const source = Readable.from(blob, { objectMode: false });
  const decompress: Transform | undefined =
    format === 'tar+gzip' ? createGunzip() : format === 'tar+zstd' ? createZstdDecompress() : undefined;
  const piping = decompress ? pipeline(source, decompress, extract) : pipeline(source, extract);
  piping.catch(() => undefined);
  let found = false;
  try {
    for await (const entry of extract) {
      const kind = layerEntryKind(entry.header, name);
      if (kind.kind === 'directory') {
        entry.resume();
        continue;
      }
      if (kind.kind === 'unexpected' || found) {
        entry.resume();
        throw unexpected(
          what,
          name,
          kind.kind === 'unexpected' ? kind.got : `file ${JSON.stringify(entry.header.name)}`,
        );
      }
      found = true;
      for await (const chunk of entry as AsyncIterable<Buffer>) yield chunk;
    }
    await piping;
  } finally {
    source.destroy();
    decompress?.destroy();
    extract.destroy();
  }
  if (!found) throw unexpected(what, name, 'no file at all');
}

function unexpected(what: string, path: string, got: string): ModelPackError {
  return new ModelPackError(
    'refused',
    'layer-unsupported',
    `${what}: the layer of ${path} holds ${got}; model-promote reads layers holding exactly that one file`,
    'pack one file per layer, named as its org.cncf.model.filepath annotation (model-promote publish does)',
  );
}
