/**
 * A sink that keeps nothing: it hashes what it is given and answers with the descriptors a real
 * sink would. The build is deterministic, so building into it gives the digest the real build will
 * have — a dry run can show the exact image and the exact manifests without writing either.
 */
import { DigestCounter, sha256Digest } from './digest.js';
import { OciError } from './oci-error.js';
import type { BlobSource, BlobToWrite, ImageSink } from './sink.js';
import type { Descriptor } from './types.js';

export class DigestOnlySink implements ImageSink {
  readonly name = 'digest only (dry run)';

  async hasBlob(): Promise<boolean> {
    return false;
  }

  async writeBlob(blob: BlobToWrite, source: BlobSource): Promise<Descriptor> {
    // A blob that names its digest and size (a base layer) needs no reading: nothing is stored.
    if (blob.digest !== undefined && blob.size !== undefined) return descriptor(blob, blob.digest, blob.size);
    const counter = new DigestCounter();
    for await (const chunk of source()) counter.update(chunk);
    const digest = counter.digest();
    if (blob.digest !== undefined && blob.digest !== digest) {
      throw new OciError(
        'failed',
        'blob-digest-mismatch',
        `blob expected as ${blob.digest} hashes to ${digest}`,
      );
    }
    return descriptor(blob, digest, counter.size);
  }

  async writeManifest(bytes: Uint8Array, mediaType: string): Promise<Descriptor> {
    return { mediaType, digest: sha256Digest(bytes), size: bytes.byteLength };
  }
}

function descriptor(blob: BlobToWrite, digest: string, size: number): Descriptor {
  return {
    mediaType: blob.mediaType,
    digest,
    size,
    ...(blob.annotations && { annotations: { ...blob.annotations } }),
  };
}
