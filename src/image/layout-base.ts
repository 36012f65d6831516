/** Base images read from an OCI image layout folder. */
import { OciLayout } from '../oci/layout.js';
import { Annotation, isIndexMediaType, isManifestMediaType, ociLayerMediaType } from '../oci/media-types.js';
import { OciError } from '../oci/oci-error.js';
import { formatPlatform, platformMatches } from '../oci/platform.js';
import { type Descriptor, type Platform, parseImageConfig, parseIndex, parseManifest } from '../oci/types.js';
import type { BaseImage, BaseImageSource } from './base-image.js';
import type { ImageLocation } from '../oci/image-location.js';
import { ImageError } from './image-error.js';

type LayoutReference = Extract<ImageLocation, { kind: 'oci-layout' }>;

export class OciLayoutBaseSource implements BaseImageSource<LayoutReference> {
  async resolve(reference: LayoutReference, text: string, platform: Platform): Promise<BaseImage> {
    try {
      const layout = await OciLayout.open(reference.path);
      const candidates = chooseTagged(layout.index.manifests, reference, text);
      const manifestDescriptor = await choosePlatform(layout, candidates, platform, text);
      return await readImage(layout, manifestDescriptor, platform, text);
    } catch (error) {
      if (error instanceof OciError) {
        throw new ImageError(
          error.kind,
          'base-unreadable',
          `base image ${text}: ${error.message}`,
          error.hint,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }
}

function tagsOf(manifests: readonly Descriptor[]): string[] {
  return [...new Set(manifests.flatMap((d) => d.annotations?.[Annotation.RefName] ?? []))];
}

function chooseTagged(
  manifests: readonly Descriptor[],
  reference: LayoutReference,
  text: string,
): readonly Descriptor[] {
  const tags = tagsOf(manifests);
  const known = tags.length ? `it has ${tags.join(', ')}` : 'it has no tags';
  if (reference.tag !== undefined) {
    const tagged = manifests.filter((d) => d.annotations?.[Annotation.RefName] === reference.tag);
    if (tagged.length === 0) {
      throw new ImageError(
        'usage',
        'base-tag-not-found',
        `base image ${text}: tag ${reference.tag} is not in ${reference.path} (${known})`,
        tags.length
          ? `write oci-layout:${reference.path}:${tags[0]}`
          : 'write the image into the layout first',
      );
    }
    return tagged;
  }
  if (manifests.length === 0) {
    throw new ImageError(
      'usage',
      'base-tag-not-found',
      `base image ${text}: ${reference.path} holds no image`,
    );
  }
  const digests = new Set(manifests.map((d) => d.digest));
  if (digests.size > 1 && manifests.some((d) => !d.platform)) {
    throw new ImageError(
      'usage',
      'base-tag-required',
      `base image ${text}: ${reference.path} holds ${digests.size} images, say which (${known})`,
      `write oci-layout:${reference.path}:TAG`,
    );
  }
  return manifests;
}

/** Follows image indexes down to the one manifest for the platform. */
async function choosePlatform(
  layout: OciLayout,
  candidates: readonly Descriptor[],
  platform: Platform,
  text: string,
  depth = 0,
): Promise<Descriptor> {
  const matching = candidates.filter((d) => !d.platform || platformMatches(platform, d.platform));
  if (matching.length === 0) {
    const offered = candidates.flatMap((d) => (d.platform ? [formatPlatform(d.platform)] : []));
    throw new ImageError(
      'usage',
      'base-platform-not-found',
      `base image ${text} has no ${formatPlatform(platform)} image (it has ${offered.join(', ') || 'none'})`,
      `pick a base built for ${formatPlatform(platform)}, or set the pool's image.platform to one it has`,
    );
  }
  const chosen = matching.find((d) => d.platform) ?? matching[0]!;
  if (isManifestMediaType(chosen.mediaType)) return chosen;
  if (isIndexMediaType(chosen.mediaType) && depth < 4) {
    const index = parseIndex(await layout.readBlob(chosen), `base image ${text} index ${chosen.digest}`);
    return choosePlatform(layout, index.manifests, platform, text, depth + 1);
  }
  throw new ImageError(
    'failed',
    'base-unreadable',
    `base image ${text}: ${chosen.digest} has media type ${chosen.mediaType}, not an image manifest or index`,
  );
}

async function readImage(
  layout: OciLayout,
  descriptor: Descriptor,
  platform: Platform,
  text: string,
): Promise<BaseImage> {
  const manifest = parseManifest(
    await layout.readBlob(descriptor),
    `base image ${text} manifest ${descriptor.digest}`,
  );
  const config = parseImageConfig(await layout.readBlob(manifest.config), `base image ${text} config`);
  if (!platformMatches(platform, config)) {
    throw new ImageError(
      'usage',
      'base-platform-not-found',
      `base image ${text} is for ${formatPlatform(config)}, the pool runs ${formatPlatform(platform)}`,
      `pick a base built for ${formatPlatform(platform)}, or set the pool's image.platform to ${formatPlatform(config)}`,
    );
  }
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new ImageError(
      'failed',
      'base-unreadable',
      `base image ${text}: ${manifest.layers.length} layers but ${diffIds.length} diff_ids in its config`,
    );
  }
  return {
    reference: text,
    name: text,
    digest: descriptor.digest,
    config,
    layers: manifest.layers.map((layer, i) => ({
      descriptor: { ...layer, mediaType: ociLayerMediaType(layer.mediaType) },
      diffId: diffIds[i]!,
      open: () => layout.openBlob(layer.digest),
    })),
  };
}
