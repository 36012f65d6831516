/** What would be built, without reading a byte of the model (pure): for `--dry-run` and for the build itself. */
import type { Pool } from '../environments/catalog-schema.js';
import { checkRefName } from '../oci/layout-sink.js';
import { Annotation } from '../oci/media-types.js';
import type { BaseImage } from './base-image.js';
import { type ConfigChanges, configChanges, type ModelIdentity } from './image-config.js';
import { basename } from 'node:path';
import {
  type ModelFile,
  type PlannedLayer,
  planLayers,
  planSignatureLayer,
  signatureImagePath,
} from './layer-plan.js';

export interface ImagePlanInput {
  /** The verified model files, relative POSIX paths. */
  readonly files: readonly ModelFile[];
  readonly pool: Pool;
  readonly base: BaseImage;
  readonly model: ModelIdentity;
  /** Seconds since the epoch for every timestamp; default 0. */
  readonly sourceDateEpoch?: number;
  readonly tags: readonly string[];
  /** Source repository URL, for `org.opencontainers.image.source`. */
  readonly source?: string;
  /** The verified signature (VerifiedModel.signatureFile): its bytes go into a layer of their own. */
  readonly signature?: VerifiedSignature;
}

/** A signature's bytes as they were verified; `name` says where they came from. */
export interface VerifiedSignature {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface ImageLayerPlan extends PlannedLayer {
  /** The history line, e.g. `model-promote: COPY model files (3 files) /models`. */
  readonly createdBy: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ImagePlan {
  readonly platform: string;
  readonly modelPath: string;
  readonly tags: readonly string[];
  readonly base: {
    readonly reference: string;
    readonly digest?: string;
    readonly layers: number;
    /** Stored (possibly compressed) size of the base layers. */
    readonly bytes: number;
  };
  /** The model layers, in order. */
  readonly layers: readonly ImageLayerPlan[];
  /** The signature's layer, after the model layers (absent when the input names no signature). */
  readonly signatureLayer?: ImageLayerPlan;
  /** Where the signature is in the image, e.g. `/models/model.sig`. */
  readonly signaturePath?: string;
  readonly config: ConfigChanges;
  /** Sum of the model file sizes. */
  readonly modelBytes: number;
}

function createdBy(layer: PlannedLayer, modelPath: string): string {
  if (layer.kind === 'signature') {
    return `model-promote: COPY model signature ${signatureImagePath(modelPath)}`;
  }
  if (layer.kind === 'file') {
    const file = layer.files[0]!;
    return `model-promote: COPY ${file.path} ${modelPath.replace(/\/+$/, '')}/${file.path}`;
  }
  const n = layer.files.length;
  return `model-promote: COPY model files (${n} file${n === 1 ? '' : 's'}) ${modelPath}`;
}

export function planImage(input: ImagePlanInput): ImagePlan {
  input.tags.forEach(checkRefName);
  const { pool, base } = input;
  const modelPath = pool.image.modelPath;
  const layers = planLayers(input.files, modelPath).map((layer) => ({
    ...layer,
    createdBy: createdBy(layer, modelPath),
    ...(layer.kind === 'file' ? { annotations: { [Annotation.Title]: layer.files[0]!.path } } : {}),
  }));
  const signature = input.signature;
  const signatureLayer =
    signature &&
    planSignatureLayer(
      { source: basename(signature.name), size: signature.bytes.byteLength },
      modelPath,
      input.files,
    );
  const signaturePath = signature && signatureImagePath(modelPath);
  return {
    platform: pool.image.platform,
    modelPath,
    tags: [...input.tags],
    base: {
      reference: base.reference,
      ...(base.digest ? { digest: base.digest } : {}),
      layers: base.layers.length,
      bytes: base.layers.reduce((sum, l) => sum + l.descriptor.size, 0),
    },
    layers,
    ...(signatureLayer && {
      signatureLayer: { ...signatureLayer, createdBy: createdBy(signatureLayer, modelPath) },
      signaturePath,
    }),
    config: configChanges({
      pool,
      model: input.model,
      modelPath,
      ...(signaturePath && { signaturePath }),
      base,
      sourceDateEpoch: input.sourceDateEpoch ?? 0,
      ...(input.source ? { source: input.source } : {}),
    }),
    modelBytes: layers.reduce((sum, l) => sum + l.bytes, 0),
  };
}
