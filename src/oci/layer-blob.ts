/**
 * A registry blob that a model file's source describes as a tar layer holding that one file (a
 * ModelPack layer written by `model-promote publish`). Every field but the digest is the source's
 * claim: a build that would mount the blob reads it once first and checks it (oci/tar-layer-match.ts).
 */
export interface LayerBlob {
  /** The registry host, as image references write it: `ghcr.io`, `127.0.0.1:5000`. */
  readonly registry: string;
  readonly repository: string;
  readonly digest: string;
  readonly size: number;
  /** An uncompressed tar: only then can the blob be an image layer as it is (digest == diff_id). */
  readonly uncompressedTar: boolean;
  /** The folder the file is under in the tar (`models`), as annotated; undefined when not annotated. */
  readonly prefix?: string;
  /** The entries' mtime in seconds, as annotated. */
  readonly sourceDateEpoch?: number;
  /** The blob's bytes from its first; the stream fails at its end when they do not hash to `digest`. */
  open(): AsyncIterable<Uint8Array>;
}
