import type { Descriptor } from './types.js';

/**
 * Bytes of one blob, produced on demand. A sink calls it at most once per writeBlob and reads it to
 * the end; the bytes are never gathered in memory by the sink. A chunk is the reader's until it
 * asks for the next one: the producer may then reuse its memory (tar layers do), so a reader that
 * keeps a chunk longer (a request body still being sent) keeps a copy.
 */
export type BlobSource = (() => AsyncIterable<Uint8Array>) & {
  /**
   * The blob's bytes from `offset` on, where the source can give them without reading what comes
   * before (a single-file tar layer whose file is served by ranges); undefined where it cannot. Only
   * for a blob already read whole once, whose digest and size the reader knows: these bytes are not
   * hashed again (the registry checks the digest at the end), so `size` is the blob's as read then.
   */
  resume?: (offset: number, size: number) => AsyncIterable<Uint8Array> | undefined;
};

/** What the caller knows of a blob before writing it: its digest and size when already known. */
export interface BlobToWrite {
  readonly mediaType: string;
  /** When given, the sink may skip the write if it has the blob, and checks the bytes against it. */
  readonly digest?: string;
  readonly size?: number;
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * A repository of the sink's registry that holds this blob (of `digest`), which the sink may
   * mount instead of reading the source; the source is read only when the registry will not mount.
   */
  readonly mountFrom?: string;
}

/**
 * What a sink says of one blob while it writes it, for progress lines; a sink that sends nothing
 * over a network (a layout on disk) says nothing.
 */
export type BlobWriteEvent =
  /**
   * `bytes` more of the blob's body went over the wire. Retries and restarts count again (a
   * restarted upload sends the bytes again); a resumed upload counts only what it sends from its offset.
   */
  | { readonly kind: 'sent'; readonly bytes: number }
  /** The sink had the blob already: nothing read, nothing sent. */
  | { readonly kind: 'present' }
  /** The registry mounted the blob from another of its repositories: nothing sent. */
  | { readonly kind: 'mounted'; readonly from: string };

/**
 * Where a built image goes: an OCI image layout now, a registry later. Blobs first, the manifest
 * last: an image is visible under its tags only once writeManifest returns, so a failure before it
 * leaves nothing tagged.
 */
export interface ImageSink {
  /** How messages name the sink, e.g. `oci-layout:out/image`. */
  readonly name: string;
  hasBlob(digest: string): Promise<boolean>;
  /**
   * Streams a blob in, hashing on the way; returns its descriptor (digest and size as written).
   * `onEvent` hears what became of this blob as it happens.
   */
  writeBlob(
    blob: BlobToWrite,
    source: BlobSource,
    onEvent?: (event: BlobWriteEvent) => void,
  ): Promise<Descriptor>;
  /** Stores a manifest (or index) and points each tag at it; tags already used elsewhere move. */
  writeManifest(bytes: Uint8Array, mediaType: string, tags: readonly string[]): Promise<Descriptor>;
}
