/**
 * Whether a planned image layer may be mounted from the registry blob its file came from, instead
 * of being uploaded (pure). Only a candidate: the build still reads the blob once, checks the file
 * against its signature and the tar against what our writer would write (oci/tar-layer-match.ts),
 * and only then asks the registry to mount it.
 */
import type { LayerBlob } from '../oci/layer-blob.js';
import { tarPrefix, type PlannedLayer } from './layer-plan.js';

export interface MountTarget {
  /** The image repository's registry host. */
  readonly registry: string;
  /** The pool's `image.modelPath`. */
  readonly modelPath: string;
  readonly sourceDateEpoch: number;
}

export type MountDecision =
  | {
      readonly mount: true;
      /** The repository (of the target's registry) holding the blob. */
      readonly from: string;
    }
  | {
      readonly mount: false;
      /** Why not, for the log: `the source is in ghcr.io`. */ readonly reason: string;
    };

/** Tar blocks: a file's content is padded to them, and the archive ends with two zero ones. */
const BLOCK = 512;

export function mountDecision(
  layer: Pick<PlannedLayer, 'kind' | 'files'>,
  blob: LayerBlob | undefined,
  target: MountTarget,
): MountDecision {
  const no = (reason: string): MountDecision => ({ mount: false, reason });
  const file = layer.files[0];
  if (layer.kind !== 'file' || layer.files.length !== 1 || !file) return no('not a one-file layer');
  if (!blob) return no('its source is not a registry layer');
  if (blob.registry !== target.registry)
    return no(`its source is in ${blob.registry}, not ${target.registry}`);
  if (!blob.uncompressedTar) return no('its source layer is not an uncompressed tar');
  const prefix = tarPrefix(target.modelPath);
  if (blob.prefix !== prefix) {
    return no(
      blob.prefix === undefined
        ? 'its source layer does not say where its file is (published without --model-path)'
        : `its source layer holds it under /${blob.prefix}, the image under /${prefix}`,
    );
  }
  if (blob.sourceDateEpoch !== target.sourceDateEpoch) {
    return no(
      `its source layer's mtime is ${blob.sourceDateEpoch ?? 'not given'}, the image's ${target.sourceDateEpoch}`,
    );
  }
  // At least one header before the content, the content padded, the two end blocks: a blob of
  // any other size cannot be our layer of this file.
  const padded = Math.ceil(file.size / BLOCK) * BLOCK;
  if (blob.size % BLOCK !== 0 || blob.size < BLOCK + padded + 2 * BLOCK) {
    return no(`its source layer's size (${blob.size} bytes) cannot hold ${file.size} bytes as our tar does`);
  }
  return { mount: true, from: blob.repository };
}
