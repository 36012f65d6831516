/**
 * Layer keys (pure): a name for a model layer's exact tar bytes, computed without reading a file.
 * The tar writer (tar-layer.ts) makes the bytes a function of the entries (names, which include the
 * model path, kinds and sizes), each file's content, the mtime (SOURCE_DATE_EPOCH) and its own
 * format; when the verified signature gives each file's sha256 (the `files` method), a hash over
 * those inputs names the bytes, and a store of key -> {digest, size} lets a later build learn a
 * layer's digest without reading it, so a sink that already holds the blob is not sent it again.
 */
import { createHash } from 'node:crypto';
import type { PlannedLayer } from './layer-plan.js';
import { TAR_LAYER_FORMAT } from '../oci/tar-layer.js';

/** What a store remembers of a layer: the digest and size of its tar bytes. */
export interface LayerDigest {
  readonly digest: string;
  readonly size: number;
}

/** Layer key -> digest and size, remembered across builds (layer-key-cache.ts keeps them in a file). */
export interface LayerDigestStore {
  get(key: string): Promise<LayerDigest | undefined>;
  set(key: string, value: LayerDigest): Promise<void>;
}

const HEX64 = /^[a-f0-9]{64}$/;

/**
 * The layer's key (64 hex), or undefined when a file of the layer has no sha256 in `fileSha256`
 * (path -> hex digest of the whole file): then only reading the layer tells its digest.
 */
export function layerKey(
  layer: PlannedLayer,
  sourceDateEpoch: number,
  fileSha256: ReadonlyMap<string, string>,
  format: string = TAR_LAYER_FORMAT,
): string | undefined {
  const entries: (string | number)[][] = [];
  for (const entry of layer.entries) {
    if (entry.kind === 'directory') {
      entries.push(['directory', entry.name]);
      continue;
    }
    const sha256 = fileSha256.get(entry.file.path)?.toLowerCase();
    if (sha256 === undefined || !HEX64.test(sha256)) return undefined;
    entries.push(['file', entry.name, entry.file.size, sha256]);
  }
  // JSON of arrays of strings and numbers: unambiguous whatever the names hold.
  const text = JSON.stringify([format, sourceDateEpoch, entries]);
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
