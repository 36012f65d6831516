/**
 * Builds the model image into a sink: base layers (copied when the sink lacks them), one tar layer
 * per planned layer, the config, then the manifest and its tags. The manifest is written last, so
 * a failure anywhere before leaves nothing tagged.
 */
import { sha256Digest } from '../oci/digest.js';
import { stableJson } from '../oci/json.js';
import { MediaType } from '../oci/media-types.js';
import type { ImageSink } from '../oci/sink.js';
import type { Descriptor, ImageConfig, ImageManifest } from '../oci/types.js';
import { applyConfigChanges } from './image-config.js';
import { type ImagePlan, type ImagePlanInput, planImage } from './plan.js';
import { type ContentCheckHook, writeTarLayer } from './tar-layer.js';

export interface BuildInput extends ImagePlanInput {
  /** Folder holding the files (their paths are relative to it). */
  readonly directory: string;
}

export interface BuildProgress {
  /** `base layers` or `model layers`. */
  readonly stage: string;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface BuildHooks {
  /** Re-checks each file's bytes as they are read; a throw aborts the build. */
  readonly check?: ContentCheckHook;
  /** Called per chunk (up to 4 MiB); throttle in the caller. */
  readonly progress?: (progress: BuildProgress) => void;
}

export interface BuiltImage {
  readonly manifestDigest: string;
  readonly manifest: { readonly descriptor: Descriptor; readonly bytes: Uint8Array };
  readonly configDigest: string;
  readonly config: ImageConfig;
  /** Every layer of the image, base ones first. */
  readonly layers: readonly Descriptor[];
  readonly baseDigest?: string;
  /** Manifest + config + layers, in bytes. */
  readonly size: number;
  readonly tags: readonly string[];
  readonly plan: ImagePlan;
}

export async function buildImage(
  input: BuildInput,
  sink: ImageSink,
  hooks: BuildHooks = {},
): Promise<BuiltImage> {
  const plan = planImage(input);
  const { base } = input;

  let baseDone = 0;
  for (const layer of base.layers) {
    await sink.writeBlob(layer.descriptor, () => layer.open());
    baseDone += layer.descriptor.size;
    hooks.progress?.({ stage: 'base layers', bytesDone: baseDone, bytesTotal: plan.base.bytes });
  }

  let modelDone = 0;
  const onBytes = hooks.progress
    ? (bytes: number) => {
        modelDone += bytes;
        hooks.progress?.({ stage: 'model layers', bytesDone: modelDone, bytesTotal: plan.modelBytes });
      }
    : undefined;
  const modelLayers: Descriptor[] = [];
  for (const layer of plan.layers) {
    const options = {
      directory: input.directory,
      sourceDateEpoch: input.sourceDateEpoch ?? 0,
      ...(hooks.check ? { check: hooks.check } : {}),
      ...(onBytes ? { onBytes } : {}),
    };
    modelLayers.push(await writeTarLayer(layer, options, sink, layer.annotations));
  }

  const config = applyConfigChanges(
    base.config,
    plan.config,
    // Uncompressed layers: the diff_id is the digest.
    modelLayers.map((d, i) => ({ diffId: d.digest, createdBy: plan.layers[i]!.createdBy })),
  );
  const configBytes = stableJson(config);
  const configDescriptor = await sink.writeBlob(
    { mediaType: MediaType.ImageConfig, digest: sha256Digest(configBytes), size: configBytes.byteLength },
    async function* () {
      yield configBytes;
    },
  );

  const layers = [...base.layers.map((l) => l.descriptor), ...modelLayers];
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    config: {
      mediaType: MediaType.ImageConfig,
      digest: configDescriptor.digest,
      size: configDescriptor.size,
    },
    layers,
    annotations: plan.config.annotations,
  };
  const manifestBytes = stableJson(manifest);
  const descriptor = await sink.writeManifest(manifestBytes, MediaType.ImageManifest, plan.tags);

  return {
    manifestDigest: descriptor.digest,
    manifest: { descriptor, bytes: manifestBytes },
    configDigest: configDescriptor.digest,
    config,
    layers,
    ...(base.digest ? { baseDigest: base.digest } : {}),
    size: descriptor.size + configDescriptor.size + layers.reduce((sum, l) => sum + l.size, 0),
    tags: plan.tags,
    plan,
  };
}
