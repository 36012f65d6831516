/**
 * Builds the model image into a sink: base layers (copied when the sink lacks them), one tar layer
 * per planned layer (skipped unread when its layer key names a blob the sink has; mounted when its
 * file's source blob in the same registry proves to be that very layer), the config, then
 * the manifest and its tags. The manifest is written last, so
 * a failure anywhere before leaves nothing tagged.
 */
import { sha256Digest } from '../oci/digest.js';
import { stableJson } from '../oci/json.js';
import { MediaType } from '../oci/media-types.js';
import type { LayerBlob } from '../oci/layer-blob.js';
import type { BlobToWrite, BlobWriteEvent, ImageSink } from '../oci/sink.js';
import { matchTarLayer } from '../oci/tar-layer-match.js';
import type { Logger } from '../logger.js';
import { mountDecision } from './layer-mount.js';
import { oneLine } from '../outside-text.js';
import type { Descriptor, ImageConfig, ImageManifest } from '../oci/types.js';
import { mapLimited } from '../limiter.js';
import { applyConfigChanges } from './image-config.js';
import { type LayerDigest, type LayerDigestStore, layerKey } from './layer-key.js';
import { type ImageLayerPlan, type ImagePlan, type ImagePlanInput, planImage } from './plan.js';
import {
  type ContentCheckHook,
  type LayerFile,
  type TarLayerOptions,
  writeTarLayer,
} from '../oci/tar-layer.js';

export interface BuildInput extends ImagePlanInput {
  /** Folder holding the files (their paths are relative to it), unless `openFile` reads them. */
  readonly directory?: string;
  /** A file's bytes from its first, when they stream from a model registry (tar-layer.ts). */
  readonly openFile?: TarLayerOptions['openFile'];
  /** A file's bytes from an offset, where its source serves ranges: a broken upload resumes. */
  readonly openFileFrom?: TarLayerOptions['openFileFrom'];
  /**
   * The sink is a repository of `registry`, and some files stream from tar layers of their own in
   * a registry (ModelPack): a planned layer that mountDecision allows is read once from that blob,
   * checked (matchTarLayer), and handed to the sink by digest, to mount rather than upload.
   */
  readonly mount?: {
    readonly registry: string;
    readonly blobOf: (file: LayerFile) => LayerBlob | undefined;
  };
}

export interface BuildProgress {
  /** `base layers` or `model layers`. */
  readonly stage: string;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

/** What became of one model layer, as it happens, for progress lines. */
export type LayerEvent =
  /** What the sink did with the layer's blob (sink.ts): bytes sent, or that it had or mounted it. */
  | BlobWriteEvent
  /** Its layer key names a blob the sink has: neither read nor sent. */
  | { readonly kind: 'reused' }
  /** Its file's source blob may be this very layer: read whole to prove it, to mount it from `from`. */
  | { readonly kind: 'proving'; readonly from: string }
  /** The sink holds the layer now; the layer's last event. */
  | { readonly kind: 'stored' };

export interface BuildHooks {
  /** Re-checks each file's bytes as they are read; a throw aborts the build. */
  readonly check?: ContentCheckHook;
  /** Called per chunk (up to 1 MiB); throttle in the caller. */
  readonly progress?: (progress: BuildProgress) => void;
  /** Layers written at once; default 3. */
  readonly concurrency?: number;
  /**
   * Layer key -> digest, remembered across builds (layer-key-cache.ts). With `fileSha256`, a layer
   * whose key is stored and whose blob the sink has is not read at all; every layer written is
   * stored under its key.
   */
  readonly layerDigests?: LayerDigestStore;
  /** Path (as in `files`) -> sha256 hex of the whole file, from the verified signature. */
  readonly fileSha256?: ReadonlyMap<string, string>;
  /** Told what becomes of each model layer (the layer as in `plan.layers`). */
  readonly onLayer?: (layer: ImageLayerPlan, event: LayerEvent) => void;
  /** Says why a layer whose source is a registry layer is not mounted. */
  readonly logger?: Logger;
}

export interface BuiltImage {
  readonly manifestDigest: string;
  readonly manifest: { readonly descriptor: Descriptor; readonly bytes: Uint8Array };
  readonly configDigest: string;
  readonly config: ImageConfig;
  /** Every layer of the image, base ones first. */
  readonly layers: readonly Descriptor[];
  /** The model layers, as `plan.layers` (the signature's layer, when there is one, comes after them). */
  readonly modelLayers: readonly Descriptor[];
  /** The signature's layer. */
  readonly signatureLayer?: Descriptor;
  readonly baseDigest?: string;
  /** Manifest + config + layers, in bytes. */
  readonly size: number;
  /** Model layers taken unread from the sink by their layer key. */
  readonly reusedLayers: number;
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

  const layerDone = plan.layers.map(() => 0);
  const reportModel = () =>
    hooks.progress?.({
      stage: 'model layers',
      bytesDone: layerDone.reduce((sum, n) => sum + n, 0),
      bytesTotal: plan.modelBytes,
    });
  // Layers are written side by side, a few at a time: a registry sink uploads them in parallel, and
  // the order of the manifest's layers stays the plan's whatever finishes first.
  const sourceDateEpoch = input.sourceDateEpoch ?? 0;
  const { layerDigests, fileSha256 } = hooks;
  let reusedLayers = 0;
  // One layer failing stops the others reading: nothing of this image will be used.
  const stop = new AbortController();
  const modelLayers = await mapLimited(plan.layers, hooks.concurrency ?? 3, async (layer, i) => {
    try {
      return await modelLayer(layer, i);
    } catch (error) {
      stop.abort(error);
      throw error;
    }
  });
  async function modelLayer(layer: ImageLayerPlan, i: number): Promise<Descriptor> {
    const key = layerDigests && fileSha256 ? layerKey(layer, sourceDateEpoch, fileSha256) : undefined;
    const known = key !== undefined ? await layerDigests?.get(key) : undefined;
    if (known && (await sink.hasBlob(known.digest))) {
      // The sink holds these exact bytes (content-addressed) and the verifier hashed the files this
      // run: nothing to read or send.
      layerDone[i] = layer.bytes;
      reportModel();
      reusedLayers++;
      hooks.onLayer?.(layer, { kind: 'reused' });
      hooks.onLayer?.(layer, { kind: 'stored' });
      return layerDescriptor(known, layer.annotations);
    }
    const proven = await provenLayer(layer, i);
    const { onLayer } = hooks;
    const written = await writeTarLayer(
      layer,
      {
        ...(input.directory !== undefined && { directory: input.directory }),
        ...(input.openFile && { openFile: input.openFile }),
        ...(input.openFileFrom && { openFileFrom: input.openFileFrom }),
        sourceDateEpoch,
        signal: stop.signal,
        ...(hooks.check ? { check: hooks.check } : {}),
        ...(hooks.progress && {
          onLayerProgress: (bytes: number) => {
            layerDone[i] = bytes;
            reportModel();
          },
        }),
        ...(onLayer && { onBlobEvent: (event: BlobWriteEvent) => onLayer(layer, event) }),
      },
      sink,
      layer.annotations,
      proven,
    );
    onLayer?.(layer, { kind: 'stored' });
    if (key !== undefined && (known?.digest !== written.digest || known.size !== written.size)) {
      await layerDigests?.set(key, { digest: written.digest, size: written.size });
    }
    return written;
  }

  /**
   * The layer's digest and size, and where to mount it from, when its file's source blob is that
   * very layer: read once here, the file checked on the way (so nothing is mounted unchecked).
   */
  async function provenLayer(
    layer: ImageLayerPlan,
    i: number,
  ): Promise<Pick<BlobToWrite, 'digest' | 'size' | 'mountFrom'> | undefined> {
    const file = layer.files[0];
    const blob = file && input.mount?.blobOf(file);
    if (!input.mount || !blob) return undefined;
    const decision = mountDecision(layer, blob, {
      registry: input.mount.registry,
      modelPath: plan.modelPath,
      sourceDateEpoch,
    });
    if (!decision.mount) {
      if (layer.kind === 'file')
        hooks.logger?.info(`${oneLine(file.path)}: uploading its layer, not mounting it: ${decision.reason}`);
      return undefined;
    }
    hooks.onLayer?.(layer, { kind: 'proving', from: decision.from });
    let read = 0;
    const match = await matchTarLayer(
      layer,
      {
        sourceDateEpoch,
        signal: stop.signal,
        ...(hooks.check && { check: hooks.check }),
        ...(hooks.progress && {
          onBytes: (bytes: number) => {
            layerDone[i] = read += bytes;
            reportModel();
          },
        }),
      },
      blob.open(),
      blob.size,
    );
    if (!match.matched) {
      hooks.logger?.info(
        `${oneLine(file.path)}: ${blob.registry}/${blob.repository}@${blob.digest} is not the image's layer of it (${match.reason}): uploading that layer`,
      );
      return undefined;
    }
    return { digest: blob.digest, size: blob.size, mountFrom: decision.from };
  }

  const signatureLayer = await writeSignatureLayer(input, plan, sourceDateEpoch, sink);
  const added = [
    ...modelLayers.map((d, i) => ({ diffId: d.digest, createdBy: plan.layers[i]!.createdBy })),
    ...(signatureLayer ? [{ diffId: signatureLayer.digest, createdBy: plan.signatureLayer!.createdBy }] : []),
  ];
  // Uncompressed layers: the diff_id is the digest.
  const config = applyConfigChanges(base.config, plan.config, added);
  const configBytes = stableJson(config);
  const configDescriptor = await sink.writeBlob(
    { mediaType: MediaType.ImageConfig, digest: sha256Digest(configBytes), size: configBytes.byteLength },
    async function* () {
      yield configBytes;
    },
  );

  const layers = [
    ...base.layers.map((l) => l.descriptor),
    ...modelLayers,
    ...(signatureLayer ? [signatureLayer] : []),
  ];
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
    modelLayers,
    ...(signatureLayer && { signatureLayer }),
    ...(base.digest ? { baseDigest: base.digest } : {}),
    size: descriptor.size + configDescriptor.size + layers.reduce((sum, l) => sum + l.size, 0),
    reusedLayers,
    tags: plan.tags,
    plan,
  };
}

/**
 * The signature into its own layer, from the bytes that were verified (never the file again, which
 * could have been replaced since).
 */
async function writeSignatureLayer(
  input: BuildInput,
  plan: ImagePlan,
  sourceDateEpoch: number,
  sink: ImageSink,
): Promise<Descriptor | undefined> {
  const signature = input.signature;
  if (!signature || !plan.signatureLayer) return undefined;
  const bytes = signature.bytes;
  return writeTarLayer(
    plan.signatureLayer,
    {
      sourceDateEpoch,
      openFile: async () =>
        (async function* () {
          yield bytes;
        })(),
    },
    sink,
  );
}

function layerDescriptor(
  known: LayerDigest,
  annotations: Readonly<Record<string, string>> | undefined,
): Descriptor {
  const descriptor = { mediaType: MediaType.Layer, digest: known.digest, size: known.size };
  return annotations ? { ...descriptor, annotations } : descriptor;
}
