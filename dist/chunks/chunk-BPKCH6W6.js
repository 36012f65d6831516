import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  OciError
} from "./chunk-NE5QDH7Y.js";

// src/oci/digest.ts
import { createHash } from "node:crypto";
import { join } from "node:path";
var SHA256 = /^sha256:([a-f0-9]{64})$/;
function isDigest(value) {
  return SHA256.test(value);
}
function digestHex(digest) {
  const match = SHA256.exec(digest);
  if (!match?.[1]) {
    throw new OciError("failed", "digest-invalid", `digest ${JSON.stringify(digest)} is not sha256:<64 hex>`);
  }
  return match[1];
}
function sha256Digest(bytes) {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}
function blobPath(root, digest) {
  return join(root, "blobs", "sha256", digestHex(digest));
}
var DigestCounter = class {
  hash = createHash("sha256");
  size = 0;
  update(chunk) {
    this.hash.update(chunk);
    this.size += chunk.byteLength;
  }
  digest() {
    return `sha256:${this.hash.digest("hex")}`;
  }
};

// src/oci/media-types.ts
var MediaType = {
  ImageManifest: "application/vnd.oci.image.manifest.v1+json",
  ImageIndex: "application/vnd.oci.image.index.v1+json",
  ImageConfig: "application/vnd.oci.image.config.v1+json",
  Layer: "application/vnd.oci.image.layer.v1.tar",
  LayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  LayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  DockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  DockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  DockerConfig: "application/vnd.docker.container.image.v1+json",
  DockerLayer: "application/vnd.docker.image.rootfs.diff.tar",
  DockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip"
};
function isManifestMediaType(mediaType) {
  return mediaType === MediaType.ImageManifest || mediaType === MediaType.DockerManifest;
}
function isIndexMediaType(mediaType) {
  return mediaType === MediaType.ImageIndex || mediaType === MediaType.DockerManifestList;
}
function ociLayerMediaType(mediaType) {
  switch (mediaType) {
    case MediaType.DockerLayer:
      return MediaType.Layer;
    case MediaType.DockerLayerGzip:
      return MediaType.LayerGzip;
    default:
      return mediaType;
  }
}
var Annotation = {
  RefName: "org.opencontainers.image.ref.name",
  Created: "org.opencontainers.image.created",
  Title: "org.opencontainers.image.title",
  Version: "org.opencontainers.image.version",
  Source: "org.opencontainers.image.source",
  BaseName: "org.opencontainers.image.base.name",
  BaseDigest: "org.opencontainers.image.base.digest"
};

export {
  isDigest,
  digestHex,
  sha256Digest,
  blobPath,
  DigestCounter,
  MediaType,
  isManifestMediaType,
  isIndexMediaType,
  ociLayerMediaType,
  Annotation
};
