/** OCI (and the Docker v2 schema 2 equivalents we accept when reading a base image) media types. */
export const MediaType = {
  ImageManifest: 'application/vnd.oci.image.manifest.v1+json',
  ImageIndex: 'application/vnd.oci.image.index.v1+json',
  ImageConfig: 'application/vnd.oci.image.config.v1+json',
  Layer: 'application/vnd.oci.image.layer.v1.tar',
  LayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  LayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
  DockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  DockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export function isManifestMediaType(mediaType: string | undefined): boolean {
  return mediaType === MediaType.ImageManifest || mediaType === MediaType.DockerManifest;
}

export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType === MediaType.ImageIndex || mediaType === MediaType.DockerManifestList;
}

/**
 * The OCI media type of a layer: Docker layer types name the same bytes as their OCI twins, so a
 * Docker base layer can sit in an OCI manifest once renamed. Anything else is kept as it is.
 */
export function ociLayerMediaType(mediaType: string): string {
  switch (mediaType) {
    case MediaType.DockerLayer:
      return MediaType.Layer;
    case MediaType.DockerLayerGzip:
      return MediaType.LayerGzip;
    default:
      return mediaType;
  }
}

/** Annotation keys from the OCI image spec (annotations.md). */
export const Annotation = {
  RefName: 'org.opencontainers.image.ref.name',
  Created: 'org.opencontainers.image.created',
  Title: 'org.opencontainers.image.title',
  Version: 'org.opencontainers.image.version',
  Source: 'org.opencontainers.image.source',
  BaseName: 'org.opencontainers.image.base.name',
  BaseDigest: 'org.opencontainers.image.base.digest',
} as const;
