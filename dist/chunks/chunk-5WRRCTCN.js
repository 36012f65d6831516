import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  RegistrySink
} from "./chunk-WSVYLQDT.js";
import {
  stableJson
} from "./chunk-CPYVGYKC.js";
import {
  LAYOUT_VERSION,
  formatPlatform,
  platformMatches,
  readLayoutFile
} from "./chunk-6UQBBSCY.js";
import {
  parseImageConfig,
  parseIndex,
  parseManifest
} from "./chunk-2BDLSEHF.js";
import {
  RegistryClient
} from "./chunk-5ZVCNGR2.js";
import {
  Annotation,
  DigestCounter,
  MediaType,
  blobPath,
  isIndexMediaType,
  isManifestMediaType,
  ociLayerMediaType,
  sha256Digest
} from "./chunk-BPKCH6W6.js";
import {
  credentialProvider
} from "./chunk-6U5D3XBS.js";
import {
  OciError
} from "./chunk-NE5QDH7Y.js";
import {
  OciRegistryError,
  formatReference,
  manifestReference,
  parseImageReference
} from "./chunk-36Q42R3Y.js";

// src/oci/layout-sink.ts
import { randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
var COMPONENT = "[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*";
var REF_NAME = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
function checkRefName(tag) {
  if (!REF_NAME.test(tag)) {
    throw new OciError(
      "usage",
      "tag-invalid",
      `tag ${JSON.stringify(tag)} is not a valid OCI ref name`,
      "use letters, digits and . _ - : @ + between them, e.g. 1.4.0 or sentiment-1.4.0"
    );
  }
}
var OciLayoutSink = class _OciLayoutSink {
  constructor(root) {
    this.root = root;
    this.name = `oci-layout:${root}`;
  }
  root;
  name;
  /** index.json updates run one after another, so concurrent writeManifest calls lose no tag. */
  indexQueue = Promise.resolve();
  /** Opens a layout, creating `oci-layout`, `index.json` and `blobs/sha256` when missing. */
  static async open(root) {
    await mkdir(join(root, "blobs", "sha256"), { recursive: true });
    if (!await readLayoutFile(root)) {
      await writeFile(join(root, "oci-layout"), JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION }));
    }
    const sink = new _OciLayoutSink(root);
    try {
      await stat(join(root, "index.json"));
    } catch {
      await sink.writeIndex({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [] });
    }
    return sink;
  }
  async hasBlob(digest) {
    try {
      return (await stat(blobPath(this.root, digest))).isFile();
    } catch {
      return false;
    }
  }
  async writeBlob(blob, source) {
    if (blob.digest !== void 0) {
      const existing = await this.existingSize(blob.digest);
      if (existing !== void 0 && (blob.size === void 0 || blob.size === existing)) {
        return descriptorOf(blob, blob.digest, existing);
      }
    }
    const temp = join(this.root, "blobs", `.tmp-${randomUUID()}`);
    const file = await open(temp, "wx");
    const counter = new DigestCounter();
    let renamed = false;
    try {
      for await (const chunk of source()) {
        counter.update(chunk);
        await file.write(chunk);
      }
      await file.close();
      const digest = counter.digest();
      if (blob.digest !== void 0 && blob.digest !== digest || blob.size !== void 0 && blob.size !== counter.size) {
        throw new OciError(
          "failed",
          "blob-digest-mismatch",
          `writing blob ${blob.digest ?? digest} to ${this.name}: got ${digest} (${counter.size} bytes), expected ${blob.digest ?? digest} (${blob.size ?? counter.size} bytes)`,
          "the source changed or is corrupt: fetch it again"
        );
      }
      await rename(temp, blobPath(this.root, digest));
      renamed = true;
      return descriptorOf(blob, digest, counter.size);
    } finally {
      if (!renamed) {
        await file.close().catch(() => void 0);
        await unlink(temp).catch(() => void 0);
      }
    }
  }
  async writeManifest(bytes, mediaType, tags) {
    tags.forEach(checkRefName);
    const stored = await this.writeBlob(
      { mediaType, digest: sha256Digest(bytes), size: bytes.byteLength },
      () => single(bytes)
    );
    const descriptor = { mediaType, digest: stored.digest, size: stored.size };
    const update = this.indexQueue.then(async () => {
      const index = parseIndex(await readFile(join(this.root, "index.json")), `${this.root}/index.json`);
      const untouched = index.manifests.filter((d) => {
        const ref = d.annotations?.[Annotation.RefName];
        if (ref !== void 0) return !tags.includes(ref);
        return tags.length > 0 || d.digest !== descriptor.digest;
      });
      const added = tags.length === 0 ? [descriptor] : tags.map((tag) => ({ ...descriptor, annotations: { [Annotation.RefName]: tag } }));
      await this.writeIndex({ ...index, manifests: [...untouched, ...added] });
    });
    this.indexQueue = update.catch(() => void 0);
    await update;
    return descriptor;
  }
  async existingSize(digest) {
    try {
      const info = await stat(blobPath(this.root, digest));
      return info.isFile() ? info.size : void 0;
    } catch {
      return void 0;
    }
  }
  async writeIndex(index) {
    const temp = join(this.root, `.index-${randomUUID()}.json`);
    await writeFile(temp, stableJson(index));
    await rename(temp, join(this.root, "index.json"));
  }
};
function descriptorOf(blob, digest, size) {
  return blob.annotations ? { mediaType: blob.mediaType, digest, size, annotations: blob.annotations } : { mediaType: blob.mediaType, digest, size };
}
async function* single(bytes) {
  yield bytes;
}

// src/oci/remote/registry-base.ts
var MAX_CONFIG_BYTES = 8 * 1024 * 1024;
function choosePlatformManifest(manifests, platform, name) {
  const chosen = manifests.find(
    (d) => d.platform && platformMatches(platform, d.platform) && (isManifestMediaType(d.mediaType) || isIndexMediaType(d.mediaType))
  );
  if (chosen) return chosen;
  const offered = manifests.flatMap((d) => d.platform ? [formatPlatform(d.platform)] : []);
  throw new OciRegistryError(
    "usage",
    "platform-unknown",
    `${name} has no ${formatPlatform(platform)} image (it has ${offered.join(", ") || "no platform entries"})`,
    `pick a base built for ${formatPlatform(platform)}, or set the pool's image.platform to one it has`
  );
}
var RegistryBaseSource = class {
  /** One client per registry host, made on demand (credentials, insecure, retries are the factory's). */
  constructor(clientFor) {
    this.clientFor = clientFor;
  }
  clientFor;
  async resolve(reference, text, platform) {
    const ref = parseImageReference(reference.reference);
    const client = this.clientFor(ref.registry);
    const name = formatReference(ref);
    let fetched = await client.getManifest(ref.repository, manifestReference(ref));
    for (let depth = 0; isIndexMediaType(fetched.mediaType); depth++) {
      if (depth >= 4)
        throw new OciRegistryError(
          "failed",
          "registry-response-invalid",
          `${name}: indexes nest deeper than 4`
        );
      const index = parseIndex(fetched.bytes, `index of ${name}`);
      const chosen = choosePlatformManifest(index.manifests, platform, name);
      fetched = await client.getManifest(ref.repository, chosen.digest);
    }
    if (!isManifestMediaType(fetched.mediaType)) {
      throw new OciRegistryError(
        "failed",
        "manifest-rejected",
        `${name} is a ${fetched.mediaType}, not an image manifest or index`
      );
    }
    const manifest = parseManifest(fetched.bytes, `manifest of ${name}`);
    if (manifest.config.size > MAX_CONFIG_BYTES) {
      throw new OciRegistryError(
        "failed",
        "manifest-too-large",
        `${name}: config is ${manifest.config.size} bytes, more than ${MAX_CONFIG_BYTES}`
      );
    }
    const configBytes = [];
    for await (const chunk of client.openBlob(ref.repository, manifest.config.digest))
      configBytes.push(chunk);
    const config = parseImageConfig(Buffer.concat(configBytes), `config of ${name}`);
    if (!platformMatches(platform, config)) {
      throw new OciRegistryError(
        "usage",
        "platform-unknown",
        `${name} is for ${formatPlatform(config)}, the pool runs ${formatPlatform(platform)}`,
        `pick a base built for ${formatPlatform(platform)}`
      );
    }
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== manifest.layers.length) {
      throw new OciRegistryError(
        "failed",
        "registry-response-invalid",
        `${name}: ${manifest.layers.length} layers but ${diffIds.length} diff_ids`
      );
    }
    return {
      reference: text,
      name: `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ""}`,
      digest: fetched.digest,
      config,
      layers: manifest.layers.map((layer, i) => ({
        descriptor: { ...layer, mediaType: ociLayerMediaType(layer.mediaType) },
        diffId: diffIds[i],
        open: () => client.openBlob(ref.repository, layer.digest)
      }))
    };
  }
};

// src/image/image-target.ts
var RegistryClients = class {
  constructor(access, target) {
    this.access = access;
    this.target = target;
    const common = { ...access.mask && { mask: access.mask }, ...access.env && { env: access.env } };
    this.explicit = credentialProvider({
      ...common,
      ...access.username && { username: access.username },
      ...access.password && { password: access.password }
    });
    this.ambient = credentialProvider(common);
  }
  access;
  target;
  clients = /* @__PURE__ */ new Map();
  explicit;
  ambient;
  clientFor = (registry) => {
    let client = this.clients.get(registry);
    if (!client) {
      client = new RegistryClient({
        registry,
        credentials: registry === this.target ? this.explicit : this.ambient,
        insecure: this.access.insecure,
        logger: this.access.logger
      });
      this.clients.set(registry, client);
    }
    return client;
  };
  baseSource() {
    return new RegistryBaseSource(this.clientFor);
  }
  /** The credential for a registry, for tools that push on their own (buildah). */
  credential(registry) {
    return (registry === this.target ? this.explicit : this.ambient)(registry);
  }
};
function layoutTarget(directory, displayPath) {
  return {
    name: `oci-layout:${displayPath}`,
    open: () => OciLayoutSink.open(directory),
    reference: (digest) => `oci-layout:${displayPath}@${digest}`
  };
}
function parseRepository(text) {
  const ref = parseImageReference(text);
  if (ref.tag !== void 0 || ref.digest !== void 0) {
    throw new OciRegistryError(
      "usage",
      "reference-invalid",
      `image-repository ${text} names a tag or digest`,
      "give the repository only (e.g. ghcr.io/org/sentiment); tags come from the model version and pool"
    );
  }
  return { registry: ref.registry, repository: ref.repository };
}
function registryTarget(text, clients, logger) {
  const { registry, repository } = parseRepository(text);
  return {
    registry,
    repository,
    name: `${registry}/${repository}`,
    // One pass per layer: the build's layer keys find the layers the registry already has.
    open: async () => new RegistrySink(clients.clientFor(registry), repository, { logger, hashBeforeUpload: false }),
    reference: (digest) => `${registry}/${repository}@${digest}`
  };
}

export {
  checkRefName,
  RegistryClients,
  layoutTarget,
  parseRepository,
  registryTarget
};
