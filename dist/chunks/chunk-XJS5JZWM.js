import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  ImageError
} from "./chunk-7UPFIEIQ.js";
import {
  NO_RUNTIME,
  baseRuntimeKey
} from "./chunk-CNCN7DOH.js";
import {
  OciLayout,
  formatPlatform,
  parsePlatform,
  platformMatches
} from "./chunk-6UQBBSCY.js";
import {
  parseImageConfig,
  parseIndex,
  parseManifest
} from "./chunk-2BDLSEHF.js";
import {
  Annotation,
  isIndexMediaType,
  isManifestMediaType,
  ociLayerMediaType
} from "./chunk-BPKCH6W6.js";
import {
  VERSION_PATTERN,
  parseImageLocation
} from "./chunk-HP3MR4JB.js";
import {
  OciError
} from "./chunk-NE5QDH7Y.js";

// src/image/base-image.ts
import { isAbsolute, resolve } from "node:path";

// src/image/layout-base.ts
var OciLayoutBaseSource = class {
  async resolve(reference, text, platform) {
    try {
      const layout = await OciLayout.open(reference.path);
      const candidates = chooseTagged(layout.index.manifests, reference, text);
      const manifestDescriptor = await choosePlatform(layout, candidates, platform, text);
      return await readImage(layout, manifestDescriptor, platform, text);
    } catch (error) {
      if (error instanceof OciError) {
        throw new ImageError(
          error.kind,
          "base-unreadable",
          `base image ${text}: ${error.message}`,
          error.hint,
          {
            cause: error
          }
        );
      }
      throw error;
    }
  }
};
function tagsOf(manifests) {
  return [...new Set(manifests.flatMap((d) => d.annotations?.[Annotation.RefName] ?? []))];
}
function chooseTagged(manifests, reference, text) {
  const tags = tagsOf(manifests);
  const known = tags.length ? `it has ${tags.join(", ")}` : "it has no tags";
  if (reference.tag !== void 0) {
    const tagged = manifests.filter((d) => d.annotations?.[Annotation.RefName] === reference.tag);
    if (tagged.length === 0) {
      throw new ImageError(
        "usage",
        "base-tag-not-found",
        `base image ${text}: tag ${reference.tag} is not in ${reference.path} (${known})`,
        tags.length ? `write oci-layout:${reference.path}:${tags[0]}` : "write the image into the layout first"
      );
    }
    return tagged;
  }
  if (manifests.length === 0) {
    throw new ImageError(
      "usage",
      "base-tag-not-found",
      `base image ${text}: ${reference.path} holds no image`
    );
  }
  const digests = new Set(manifests.map((d) => d.digest));
  if (digests.size > 1 && manifests.some((d) => !d.platform)) {
    throw new ImageError(
      "usage",
      "base-tag-required",
      `base image ${text}: ${reference.path} holds ${digests.size} images, say which (${known})`,
      `write oci-layout:${reference.path}:TAG`
    );
  }
  return manifests;
}
async function choosePlatform(layout, candidates, platform, text, depth = 0) {
  const matching = candidates.filter((d) => !d.platform || platformMatches(platform, d.platform));
  if (matching.length === 0) {
    const offered = candidates.flatMap((d) => d.platform ? [formatPlatform(d.platform)] : []);
    throw new ImageError(
      "usage",
      "base-platform-not-found",
      `base image ${text} has no ${formatPlatform(platform)} image (it has ${offered.join(", ") || "none"})`,
      `pick a base built for ${formatPlatform(platform)}, or set the pool's image.platform to one it has`
    );
  }
  const chosen = matching.find((d) => d.platform) ?? matching[0];
  if (isManifestMediaType(chosen.mediaType)) return chosen;
  if (isIndexMediaType(chosen.mediaType) && depth < 4) {
    const index = parseIndex(await layout.readBlob(chosen), `base image ${text} index ${chosen.digest}`);
    return choosePlatform(layout, index.manifests, platform, text, depth + 1);
  }
  throw new ImageError(
    "failed",
    "base-unreadable",
    `base image ${text}: ${chosen.digest} has media type ${chosen.mediaType}, not an image manifest or index`
  );
}
async function readImage(layout, descriptor, platform, text) {
  const manifest = parseManifest(
    await layout.readBlob(descriptor),
    `base image ${text} manifest ${descriptor.digest}`
  );
  const config = parseImageConfig(await layout.readBlob(manifest.config), `base image ${text} config`);
  if (!platformMatches(platform, config)) {
    throw new ImageError(
      "usage",
      "base-platform-not-found",
      `base image ${text} is for ${formatPlatform(config)}, the pool runs ${formatPlatform(platform)}`,
      `pick a base built for ${formatPlatform(platform)}, or set the pool's image.platform to ${formatPlatform(config)}`
    );
  }
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new ImageError(
      "failed",
      "base-unreadable",
      `base image ${text}: ${manifest.layers.length} layers but ${diffIds.length} diff_ids in its config`
    );
  }
  return {
    reference: text,
    name: text,
    digest: descriptor.digest,
    config,
    layers: manifest.layers.map((layer, i) => ({
      descriptor: { ...layer, mediaType: ociLayerMediaType(layer.mediaType) },
      diffId: diffIds[i],
      open: () => layout.openBlob(layer.digest)
    }))
  };
}

// src/image/base-image.ts
function scratchImage(platform) {
  return {
    reference: "scratch",
    config: {
      architecture: platform.architecture,
      os: platform.os,
      ...platform.variant ? { variant: platform.variant } : {},
      config: {},
      rootfs: { type: "layers", diff_ids: [] },
      history: []
    },
    layers: []
  };
}
async function resolveBaseImage(text, options = {}) {
  const reference = parseImageLocation(text);
  const platform = parsePlatform(options.platform ?? "linux/amd64");
  switch (reference.kind) {
    case "scratch":
      return scratchImage(platform);
    case "oci-layout": {
      const path = isAbsolute(reference.path) ? reference.path : resolve(options.relativeTo ?? ".", reference.path);
      return new OciLayoutBaseSource().resolve({ ...reference, path }, text, platform);
    }
    case "registry":
      if (options.registry) return options.registry.resolve(reference, text, platform);
      throw new ImageError(
        "usage",
        "base-registry-unsupported",
        `base image ${text} is in a registry, and this caller reads layout bases only (platform ${formatPlatform(platform)})`,
        "give resolveBaseImage a registry source, or copy the base to a layout (skopeo copy docker://IMAGE oci:DIR:TAG) and write oci-layout:DIR:TAG"
      );
  }
}
var CUDA_RUNTIME_LABEL = "dev.model-promote.cuda";
var ROCM_RUNTIME_LABEL = "dev.model-promote.rocm";
var CUDA_ENV = "CUDA_VERSION";
function runtimeOfImageConfig(config, reference) {
  const labels = config.config?.Labels ?? {};
  const env = new Map(
    (config.config?.Env ?? []).map((entry) => {
      const at = entry.indexOf("=");
      return at < 0 ? [entry, ""] : [entry.slice(0, at), entry.slice(at + 1)];
    })
  );
  const found = [
    ["cuda", labels[CUDA_RUNTIME_LABEL], `image label ${CUDA_RUNTIME_LABEL}`],
    ["rocm", labels[ROCM_RUNTIME_LABEL], `image label ${ROCM_RUNTIME_LABEL}`],
    ["cuda", env.get(CUDA_ENV), `image env ${CUDA_ENV}`]
  ];
  for (const [key, value, source] of found) {
    if (value === void 0) continue;
    if (!VERSION_PATTERN.test(value.trim())) {
      throw new ImageError(
        "usage",
        "base-runtime-invalid",
        `base image ${reference} declares ${key} ${JSON.stringify(value)} (${source}), which is not a version`,
        `fix the image, or declare the runtime in the catalog next to it: { ref: ${reference}, ${key}: '12.4' }`
      );
    }
    return { [key]: value.trim(), source };
  }
  return NO_RUNTIME;
}
async function readBaseRuntimes(bases, options = {}) {
  const images = /* @__PURE__ */ new Map();
  const runtimes = /* @__PURE__ */ new Map();
  for (const base of bases) {
    const key = baseRuntimeKey(base);
    if (images.has(key)) continue;
    const image = await resolveBaseImage(base.ref, { ...options, platform: base.platform });
    images.set(key, image);
    runtimes.set(key, runtimeOfImageConfig(image.config, base.ref));
  }
  return { runtimes, images };
}

export {
  scratchImage,
  resolveBaseImage,
  CUDA_RUNTIME_LABEL,
  ROCM_RUNTIME_LABEL,
  runtimeOfImageConfig,
  readBaseRuntimes
};
