/**
 * Copies an image (or an index and its images) from an OCI image layout into any ImageSink: all
 * blobs of a manifest at once (the sink bounds how many run), then the manifest, then the index.
 */
import type { OciLayout } from '../layout.js';
import { isIndexMediaType, isManifestMediaType } from '../media-types.js';
import { OciError } from '../oci-error.js';
import type { ImageSink } from '../sink.js';
import { type Descriptor, parseIndex, parseManifest } from '../types.js';

export async function pushFromLayout(
  layout: OciLayout,
  descriptor: Descriptor,
  sink: ImageSink,
  tags: readonly string[],
  depth = 0,
): Promise<Descriptor> {
  const bytes = await layout.readBlob(descriptor);
  if (isIndexMediaType(descriptor.mediaType) && depth < 4) {
    const index = parseIndex(bytes, `index ${descriptor.digest} in ${layout.root}`);
    for (const child of index.manifests) await pushFromLayout(layout, child, sink, [], depth + 1);
  } else if (isManifestMediaType(descriptor.mediaType)) {
    const manifest = parseManifest(bytes, `manifest ${descriptor.digest} in ${layout.root}`);
    const blobs = [manifest.config, ...manifest.layers];
    const results = await Promise.allSettled(
      blobs.map((blob) => sink.writeBlob(blob, () => layout.openBlob(blob.digest))),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } else {
    throw new OciError(
      'failed',
      'manifest-invalid',
      `${descriptor.digest} in ${layout.root} has media type ${descriptor.mediaType}, not a manifest or index`,
    );
  }
  return sink.writeManifest(bytes, descriptor.mediaType, tags);
}
