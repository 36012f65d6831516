/**
 * Base images read from a registry: the manifest for the pool's platform (following an index),
 * its config, and layers streamed from the registry when the builder copies them.
 */
import type { BaseImage, BaseImageSource } from '../../image/base-image.js';
import type { ImageLocation } from '../image-location.js';
import { isIndexMediaType, isManifestMediaType, ociLayerMediaType } from '../media-types.js';
import { formatPlatform, platformMatches } from '../platform.js';
import { type Descriptor, type Platform, parseImageConfig, parseIndex, parseManifest } from '../types.js';
import type { RegistryClient } from './client.js';
import { formatReference, manifestReference, parseImageReference } from './reference.js';
import { OciRegistryError } from './remote-error.js';

type RegistryReference = Extract<ImageLocation, { kind: 'registry' }>;

const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

/** The manifest of an index for `platform`: the first whose platform matches, else an error listing those offered. */
export function choosePlatformManifest(
  manifests: readonly Descriptor[],
  platform: Platform,
  name: string,
): Descriptor {
  const chosen = manifests.find(
    (d) =>
      d.platform &&
      platformMatches(platform, d.platform) &&
      (isManifestMediaType(d.mediaType) || isIndexMediaType(d.mediaType)),
  );
  if (chosen) return chosen;
  const offered = manifests.flatMap((d) => (d.platform ? [formatPlatform(d.platform)] : []));
  throw new OciRegistryError(
    'usage',
    'platform-unknown',
    `${name} has no ${formatPlatform(platform)} image (it has ${offered.join(', ') || 'no platform entries'})`,
    `pick a base built for ${formatPlatform(platform)}, or set the pool's image.platform to one it has`,
  );
}

export class RegistryBaseSource implements BaseImageSource<RegistryReference> {
  /** One client per registry host, made on demand (credentials, insecure, retries are the factory's). */
  constructor(private readonly clientFor: (registry: string) => RegistryClient) {}

  async resolve(reference: RegistryReference, text: string, platform: Platform): Promise<BaseImage> {
    const ref = parseImageReference(reference.reference);
    const client = this.clientFor(ref.registry);
    const name = formatReference(ref);
    let fetched = await client.getManifest(ref.repository, manifestReference(ref));
    for (let depth = 0; isIndexMediaType(fetched.mediaType); depth++) {
      if (depth >= 4)
        throw new OciRegistryError(
          'failed',
          'registry-response-invalid',
          `${name}: indexes nest deeper than 4`,
        );
      const index = parseIndex(fetched.bytes, `index of ${name}`);
      const chosen = choosePlatformManifest(index.manifests, platform, name);
      fetched = await client.getManifest(ref.repository, chosen.digest);
    }
    if (!isManifestMediaType(fetched.mediaType)) {
      throw new OciRegistryError(
        'failed',
        'manifest-rejected',
        `${name} is a ${fetched.mediaType}, not an image manifest or index`,
      );
    }
    const manifest = parseManifest(fetched.bytes, `manifest of ${name}`);
    if (manifest.config.size > MAX_CONFIG_BYTES) {
      throw new OciRegistryError(
        'failed',
        'manifest-too-large',
        `${name}: config is ${manifest.config.size} bytes, more than ${MAX_CONFIG_BYTES}`,
      );
    }
    const configBytes: Uint8Array[] = [];
    for await (const chunk of client.openBlob(ref.repository, manifest.config.digest))
      configBytes.push(chunk);
    const config = parseImageConfig(Buffer.concat(configBytes), `config of ${name}`);
    if (!platformMatches(platform, config)) {
      throw new OciRegistryError(
        'usage',
        'platform-unknown',
        `${name} is for ${formatPlatform(config)}, the pool runs ${formatPlatform(platform)}`,
        `pick a base built for ${formatPlatform(platform)}`,
      );
    }
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== manifest.layers.length) {
      throw new OciRegistryError(
        'failed',
        'registry-response-invalid',
        `${name}: ${manifest.layers.length} layers but ${diffIds.length} diff_ids`,
      );
    }
    return {
      reference: text,
      name: `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}`,
      digest: fetched.digest,
      config,
      layers: manifest.layers.map((layer, i) => ({
        descriptor: { ...layer, mediaType: ociLayerMediaType(layer.mediaType) },
        diffId: diffIds[i]!,
        open: () => client.openBlob(ref.repository, layer.digest),
      })),
    };
  }
}
