/**
 * `verify-promotion --layers`: the image's model layers, streamed from the registry and unpacked on
 * the fly, hold exactly the files the attestation names, with the sha256 digests the model's OMS
 * signature gave them. It closes the loop from a running image back to the signed model without
 * trusting the layer digests in the statement alone.
 */
import { createHash } from 'node:crypto';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import tar from 'tar-stream';
import { MediaType } from '../oci/media-types.js';
import type { ImageManifest } from '../oci/types.js';
import { AttestationError } from './attestation-error.js';
import type { PromotionStatement } from './promotion-statement.js';

export interface LayerSource {
  /** The blob's bytes; the source checks them against the digest (RegistryClient.openBlob does). */
  open(digest: string): AsyncIterable<Uint8Array>;
}

/** Files found per model path (relative to the model folder), sha256 hex. */
export async function hashModelLayers(
  manifest: ImageManifest,
  statement: PromotionStatement,
  source: LayerSource,
): Promise<Map<string, string>> {
  const { layers, modelPath } = statement.predicate.image;
  const prefix = `${modelPath.replace(/^\/+|\/+$/g, '')}/`;
  const found = new Map<string, string>();
  for (const layer of layers) {
    const inImage = manifest.layers.find((d) => d.digest === layer.digest);
    if (!inImage) {
      throw mismatch(`model layer ${layer.digest} named by the attestation is not a layer of the image`);
    }
    for await (const [name, sha256] of hashTarFiles(source.open(layer.digest), inImage.mediaType)) {
      const relative = name.startsWith(prefix) ? name.slice(prefix.length) : undefined;
      if (relative === undefined) {
        throw mismatch(`model layer ${layer.digest} holds ${name}, outside the model path ${modelPath}`);
      }
      found.set(relative, sha256);
    }
  }
  return found;
}

/** Compares what the layers hold with the statement's files (pure); throws naming the first difference. */
export function compareModelFiles(statement: PromotionStatement, found: ReadonlyMap<string, string>): number {
  const { files, serialization } = statement.predicate.model;
  if (serialization !== 'files') {
    throw new AttestationError(
      'attestation-layer-mismatch',
      `--layers re-hashes whole files, and this model was signed by ${serialization}: its digests are of file parts`,
      'verify without --layers, or sign the model with the files serialization (the default of model_signing)',
      { kind: 'usage' },
    );
  }
  for (const file of files) {
    const actual = found.get(file.name);
    if (actual === undefined)
      throw mismatch(`model file ${file.name} is missing from the image's model layers`);
    if (actual !== file.digest.sha256) {
      throw mismatch(
        `model file ${file.name} in the image has sha256 ${actual}, the signed model has ${file.digest.sha256}`,
      );
    }
  }
  const named = new Set(files.map((f) => f.name));
  const extra = [...found.keys()].find((name) => !named.has(name));
  if (extra !== undefined)
    throw mismatch(`the image's model layers hold ${extra}, which the signed model does not`);
  return files.length;
}

async function* hashTarFiles(
  blob: AsyncIterable<Uint8Array>,
  mediaType: string,
): AsyncIterable<[string, string]> {
  const extract = tar.extract();
  const source = Readable.from(blob, { objectMode: false });
  const decompress: Transform | undefined =
    mediaType === MediaType.LayerGzip || mediaType === MediaType.DockerLayerGzip
      ? createGunzip()
      : mediaType === MediaType.LayerZstd
        ? createZstdDecompress()
        : undefined;
  const piping = decompress ? pipeline(source, decompress, extract) : pipeline(source, extract);
  piping.catch(() => undefined);
  try {
    for await (const entry of extract) {
      const name = entry.header.name.replace(/^(\.\/|\/)+/, '');
      if (entry.header.type !== 'file' && entry.header.type !== 'contiguous-file') {
        entry.resume();
        continue;
      }
      const hash = createHash('sha256');
      for await (const chunk of entry as AsyncIterable<Buffer>) hash.update(chunk);
      yield [name, hash.digest('hex')];
    }
    // Read to the end, so the source has checked the layer's digest.
    await piping;
  } finally {
    source.destroy();
    decompress?.destroy();
    extract.destroy();
  }
}

function mismatch(message: string): AttestationError {
  return new AttestationError(
    'attestation-layer-mismatch',
    `--layers: ${message}`,
    'the image is not the one the signed model was promoted into: promote the model again and deploy that image',
  );
}
