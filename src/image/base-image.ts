/**
 * The image a model image is built on. A BaseImage is read-only: its config, and layers that can be
 * streamed. One BaseImageSource per place a base lives: an OCI layout on this machine
 * (layout-base.ts) or a registry (oci/remote/registry-base.ts, which the caller hands in).
 */
import { isAbsolute, resolve } from 'node:path';
import { baseRuntimeKey, type BaseToInspect } from '../environments/resolve-pool.js';
import { NO_RUNTIME, type ImageRuntime } from '../environments/runtime-compatibility.js';
import { VERSION_PATTERN } from '../environments/runtime-version.js';
import { formatPlatform, parsePlatform } from '../oci/platform.js';
import type { Descriptor, ImageConfig, Platform } from '../oci/types.js';
import { type ImageLocation, parseImageLocation } from '../oci/image-location.js';
import { ImageError } from './image-error.js';
import { OciLayoutBaseSource } from './layout-base.js';

export interface Layer {
  /** As it goes into the manifest (OCI media type). */
  readonly descriptor: Descriptor;
  /** Digest of the uncompressed tar (rootfs.diff_ids). */
  readonly diffId: string;
  open(): AsyncIterable<Uint8Array>;
}

export interface BaseImage {
  /** As written in the catalog: `scratch`, `oci-layout:PATH:TAG`, ... */
  readonly reference: string;
  /** For `org.opencontainers.image.base.name`; absent for scratch. */
  readonly name?: string;
  /** Digest of the platform manifest chosen; absent for scratch. */
  readonly digest?: string;
  readonly config: ImageConfig;
  readonly layers: readonly Layer[];
}

export interface BaseImageSource<R extends ImageLocation = ImageLocation> {
  resolve(reference: R, text: string, platform: Platform): Promise<BaseImage>;
}

export interface ResolveBaseOptions {
  /** `os/arch[/variant]` the pool runs; default linux/amd64. */
  readonly platform?: string;
  /** Folder relative layout paths start from (the catalog's); default the working directory. */
  readonly relativeTo?: string;
  /** Reads registry bases (the plan gives RegistryClients.baseSource()); without it they are refused. */
  readonly registry?: BaseImageSource<Extract<ImageLocation, { kind: 'registry' }>>;
}

/** A base with no layers and a minimal config for the platform. */
export function scratchImage(platform: Platform): BaseImage {
  return {
    reference: 'scratch',
    config: {
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      config: {},
      rootfs: { type: 'layers', diff_ids: [] },
      history: [],
    },
    layers: [],
  };
}

/** Reads (never writes) the base image a pool names, for the pool's platform. */
export async function resolveBaseImage(text: string, options: ResolveBaseOptions = {}): Promise<BaseImage> {
  const reference = parseImageLocation(text);
  const platform = parsePlatform(options.platform ?? 'linux/amd64');
  switch (reference.kind) {
    case 'scratch':
      return scratchImage(platform);
    case 'oci-layout': {
      const path = isAbsolute(reference.path)
        ? reference.path
        : resolve(options.relativeTo ?? '.', reference.path);
      return new OciLayoutBaseSource().resolve({ ...reference, path }, text, platform);
    }
    case 'registry':
      if (options.registry) return options.registry.resolve(reference, text, platform);
      throw new ImageError(
        'usage',
        'base-registry-unsupported',
        `base image ${text} is in a registry, and this caller reads layout bases only (platform ${formatPlatform(platform)})`,
        'give resolveBaseImage a registry source, or copy the base to a layout (skopeo copy docker://IMAGE oci:DIR:TAG) and write oci-layout:DIR:TAG',
      );
  }
}

/**
 * Labels a base image may carry to declare its runtime (the documented way, docs/catalog.md);
 * they win over the environment variable NVIDIA's CUDA images set.
 */
export const CUDA_RUNTIME_LABEL = 'dev.model-promote.cuda';
export const ROCM_RUNTIME_LABEL = 'dev.model-promote.rocm';
const CUDA_ENV = 'CUDA_VERSION';

/** The CUDA or ROCm runtime an image config declares; ImageError `base-runtime-invalid` if not a version. Pure. */
export function runtimeOfImageConfig(config: ImageConfig, reference: string): ImageRuntime {
  const labels = config.config?.Labels ?? {};
  const env = new Map(
    (config.config?.Env ?? []).map((entry): [string, string] => {
      const at = entry.indexOf('=');
      return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
    }),
  );
  const found: [key: 'cuda' | 'rocm', value: string | undefined, source: string][] = [
    ['cuda', labels[CUDA_RUNTIME_LABEL], `image label ${CUDA_RUNTIME_LABEL}`],
    ['rocm', labels[ROCM_RUNTIME_LABEL], `image label ${ROCM_RUNTIME_LABEL}`],
    ['cuda', env.get(CUDA_ENV), `image env ${CUDA_ENV}`],
  ];
  for (const [key, value, source] of found) {
    if (value === undefined) continue;
    if (!VERSION_PATTERN.test(value.trim())) {
      throw new ImageError(
        'usage',
        'base-runtime-invalid',
        `base image ${reference} declares ${key} ${JSON.stringify(value)} (${source}), which is not a version`,
        `fix the image, or declare the runtime in the catalog next to it: { ref: ${reference}, ${key}: '12.4' }`,
      );
    }
    return { [key]: value.trim(), source };
  }
  return NO_RUNTIME;
}

/**
 * Reads the runtime of each base for its pool's platform (the config only; no layer is opened),
 * and returns the images too, by the same key, so that the plan does not read the chosen one again.
 */
export async function readBaseRuntimes(
  bases: readonly BaseToInspect[],
  options: Omit<ResolveBaseOptions, 'platform'> = {},
): Promise<{ runtimes: Map<string, ImageRuntime>; images: Map<string, BaseImage> }> {
  const images = new Map<string, BaseImage>();
  const runtimes = new Map<string, ImageRuntime>();
  for (const base of bases) {
    const key = baseRuntimeKey(base);
    if (images.has(key)) continue;
    const image = await resolveBaseImage(base.ref, { ...options, platform: base.platform });
    images.set(key, image);
    runtimes.set(key, runtimeOfImageConfig(image.config, base.ref));
  }
  return { runtimes, images };
}
