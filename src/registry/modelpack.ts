/**
 * CNCF ModelPack artifacts (github.com/modelpack/model-spec, docs/spec.md, annotations.md,
 * config.md), as plain data: building the manifest and config of a model version, and reading one
 * back into the files, labels and signature location a model registry needs. No I/O here.
 *
 * Labels, lowest precedence first:
 *   config `config.{format,architecture,precision,quantization,paramSize}` and `descriptor.family`
 *     -> `format`, `architecture`, `precision`, `quantization`, `param-size`, `family`;
 *   manifest annotations `org.cncf.model.<key>` -> `<key>` (layer-level keys such as
 *     `org.cncf.model.filepath` are not labels);
 *   manifest annotations `dev.model-promote.label.<key>` -> `<key>` (what `publish --label` writes).
 */
import { posix } from 'node:path';
import { MediaType } from '../oci/media-types.js';
import type { Descriptor, ImageManifest } from '../oci/types.js';
import { ModelPackError } from './modelpack-error.js';

export { ModelPackError, type ModelPackErrorCode } from './modelpack-error.js';

export const MODELPACK_ARTIFACT_TYPE = 'application/vnd.cncf.model.manifest.v1+json';
export const MODELPACK_CONFIG_TYPE = 'application/vnd.cncf.model.config.v1+json';
/** KitOps ModelKits (recognised only to say plainly that they are not read). */
export const KITOPS_CONFIG_TYPE = 'application/vnd.kitops.modelkit.config.v1+json';

export const Annotation = {
  FilePath: 'org.cncf.model.filepath',
  FileMetadata: 'org.cncf.model.file.metadata+json',
  MediaTypeUntested: 'org.cncf.model.file.mediatype.untested',
  Version: 'org.opencontainers.image.version',
  Title: 'org.opencontainers.image.title',
  /**
   * Ours: the folder the layer's tar holds its file under (`models` for `models/PATH`, '' for
   * `PATH`), with that folder's entries before it. Absent: the file is at PATH.
   */
  LayerPrefix: 'dev.model-promote.layer.prefix',
} as const;
export const LABEL_PREFIX = 'dev.model-promote.label.';
export const MODELPACK_PREFIX = 'org.cncf.model.';

export type LayerKind = 'weight' | 'weight.config' | 'doc' | 'code' | 'dataset';
export type LayerFormat = 'tar' | 'tar+gzip' | 'tar+zstd' | 'raw';
const KINDS: readonly LayerKind[] = ['weight', 'weight.config', 'doc', 'code', 'dataset'];
const FORMATS: readonly LayerFormat[] = ['raw', 'tar', 'tar+gzip', 'tar+zstd'];

export function layerMediaType(kind: LayerKind, format: LayerFormat = 'tar'): string {
  return `application/vnd.cncf.model.${kind}.v1.${format}`;
}

/** `application/vnd.cncf.model.weight.v1.tar` -> weight, tar; anything else -> undefined. */
export function parseLayerMediaType(mediaType: string): { kind: LayerKind; format: LayerFormat } | undefined {
  const match = /^application\/vnd\.cncf\.model\.([a-z.]+)\.v1\.(raw|tar|tar\+gzip|tar\+zstd)$/.exec(
    mediaType,
  );
  const kind = match?.[1] as LayerKind | undefined;
  const format = match?.[2] as LayerFormat | undefined;
  if (!kind || !format || !KINDS.includes(kind) || !FORMATS.includes(format)) return undefined;
  return { kind, format };
}

const WEIGHT =
  /\.(safetensors|bin|pt|pth|ckpt|onnx|gguf|ggml|h5|keras|pb|tflite|msgpack|npz|npy|joblib|pkl|pickle|mlmodel|engine|plan|params|ot)$/i;
const CODE = /\.(py|ipynb|sh|js|ts|go|rs|java|c|cc|cpp|h|hpp|cu|r|jl|lua|rb)$/i;
const DOC = /(^|\/)(readme|license|licence|notice|copying|model[-_]?card)([.][^/]*)?$|\.(md|rst|pdf|html)$/i;

/** The layer kind of a model file, from its name (the spec leaves the choice to the packager). */
export function classifyFile(path: string): { kind: LayerKind; untested: boolean } {
  if (WEIGHT.test(path)) return { kind: 'weight', untested: false };
  if (DOC.test(path)) return { kind: 'doc', untested: false };
  if (CODE.test(path)) return { kind: 'code', untested: false };
  if (/\.(json|ya?ml|txt|model|vocab|toml|cfg|ini|tiktoken)$/i.test(path))
    return { kind: 'weight.config', untested: false };
  return { kind: 'weight.config', untested: true };
}

/** The value of `org.cncf.model.file.metadata+json` (annotations.md, "File Metadata Annotation Value"). */
export interface FileMetadata {
  readonly name: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime: string;
  /** tar typeflag as a byte: 48 (`'0'`) for a regular file. */
  readonly typeflag: number;
}

/** The config blob (`application/vnd.cncf.model.config.v1+json`), as config.md defines it. */
export interface ModelPackConfig {
  readonly descriptor: {
    readonly name?: string;
    readonly version?: string;
    readonly family?: string;
    readonly createdAt?: string;
    readonly [other: string]: unknown;
  };
  readonly modelfs: { readonly type: 'layers'; readonly diffIds: readonly string[] };
  readonly config: {
    readonly format?: string;
    readonly architecture?: string;
    readonly precision?: string;
    readonly quantization?: string;
    readonly paramSize?: string;
    readonly [other: string]: unknown;
  };
}

export interface ModelPackManifest extends ImageManifest {
  readonly artifactType?: string;
  readonly subject?: Descriptor;
}

/** One layer of a model version being built: a file packed into a tar layer (one file each). */
export interface BuiltLayer {
  readonly path: string;
  readonly size: number;
  /** The tar layer's digest and size, as written. */
  readonly digest: string;
  readonly layerSize: number;
  readonly sourceDateEpoch: number;
  /** The folder the file is under in the tar (layer-plan.ts tarPrefix of the model path). */
  readonly prefix: string;
}

/** The config of a version; `diffIds` are the layer digests (uncompressed tar: digest == diff id). */
export function buildConfig(
  model: string,
  version: string,
  layers: readonly BuiltLayer[],
  format?: string,
): ModelPackConfig {
  return {
    descriptor: { name: model, version },
    modelfs: { type: 'layers', diffIds: layers.map((l) => l.digest) },
    config: format ? { format } : {},
  };
}

/** The manifest of a version: one tar layer per file, in path order, the labels as annotations. */
export function buildManifest(options: {
  readonly config: Descriptor;
  readonly layers: readonly BuiltLayer[];
  readonly version: string;
  readonly labels: Readonly<Record<string, string>>;
}): ModelPackManifest {
  const annotations: Record<string, string> = { [Annotation.Version]: options.version };
  for (const [key, value] of Object.entries(options.labels)) annotations[`${LABEL_PREFIX}${key}`] = value;
  return {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    artifactType: MODELPACK_ARTIFACT_TYPE,
    config: { mediaType: MODELPACK_CONFIG_TYPE, digest: options.config.digest, size: options.config.size },
    layers: options.layers.map((layer) => {
      const { kind, untested } = classifyFile(layer.path);
      const metadata: FileMetadata = {
        name: layer.path,
        mode: 0o644,
        uid: 0,
        gid: 0,
        size: layer.size,
        mtime: new Date(layer.sourceDateEpoch * 1000).toISOString(),
        typeflag: 48,
      };
      return {
        mediaType: layerMediaType(kind),
        digest: layer.digest,
        size: layer.layerSize,
        annotations: {
          [Annotation.FilePath]: layer.path,
          [Annotation.FileMetadata]: JSON.stringify(metadata),
          [Annotation.LayerPrefix]: layer.prefix,
          ...(untested ? { [Annotation.MediaTypeUntested]: 'true' } : {}),
        },
      };
    }),
    annotations,
  };
}

/** A file of a version as its manifest lists it. */
export interface ModelPackFile {
  readonly path: string;
  readonly layer: Descriptor;
  readonly format: LayerFormat;
  /** From the file metadata annotation (tar layers) or the layer size (raw layers). */
  readonly size?: number;
  /** Known only for raw layers, whose digest is the file's. */
  readonly sha256?: string;
  /** Tar layers annotated with Annotation.LayerPrefix: the file is at `PREFIX/path` in the tar. */
  readonly prefix?: string;
  /** The entries' mtime, in seconds, from the file metadata annotation. */
  readonly sourceDateEpoch?: number;
}

export interface ParsedModelPack {
  readonly files: readonly ModelPackFile[];
  /** The manifest's version annotation, when it has one. */
  readonly version?: string;
  readonly annotationLabels: Readonly<Record<string, string>>;
}

/**
 * Reads a manifest as a ModelPack model version; anything else is refused with what it is instead
 * (`what` names it: `127.0.0.1:5000/models/sentiment:2`).
 */
export function parseModelPackManifest(mediaType: string, bytes: Uint8Array, what: string): ParsedModelPack {
  let manifest: ModelPackManifest & { manifests?: unknown };
  try {
    manifest = JSON.parse(Buffer.from(bytes).toString('utf8')) as typeof manifest;
  } catch {
    throw notModelPack(what, 'its manifest is not JSON');
  }
  if (
    mediaType !== MediaType.ImageManifest ||
    manifest.schemaVersion !== 2 ||
    !Array.isArray(manifest.layers)
  ) {
    const kind = Array.isArray(manifest.manifests) ? 'an image index' : `a ${mediaType}`;
    throw notModelPack(what, `it is ${kind}, not an OCI image manifest`);
  }
  const configType = manifest.config?.mediaType;
  if (configType === KITOPS_CONFIG_TYPE) {
    throw new ModelPackError(
      'usage',
      'not-modelpack',
      `${what} is a KitOps ModelKit, which model-promote does not read`,
      'push the model as a CNCF ModelPack artifact (model-promote publish, or modctl)',
    );
  }
  if (manifest.artifactType !== MODELPACK_ARTIFACT_TYPE && configType !== MODELPACK_CONFIG_TYPE) {
    const type = manifest.artifactType ?? configType ?? 'no type';
    throw notModelPack(what, `its artifact type is ${type}`);
  }
  const files: ModelPackFile[] = [];
  manifest.layers.forEach((layer, i) => {
    const layerType = parseLayerMediaType(layer.mediaType);
    if (!layerType) {
      throw new ModelPackError(
        'refused',
        'layer-unsupported',
        `${what}: layer ${i} has media type ${layer.mediaType}, not a ModelPack layer type`,
        'a ModelPack model has weight, weight.config, doc, code and dataset layers (.tar, .tar+gzip, .tar+zstd or .raw)',
      );
    }
    const annotated = layer.annotations?.[Annotation.FilePath];
    if (!annotated) {
      throw new ModelPackError(
        'refused',
        'layer-unsupported',
        `${what}: layer ${i} (${layer.digest}) has no ${Annotation.FilePath} annotation`,
        'model-promote reads layers holding one file each, named by that annotation',
      );
    }
    const path = cleanPath(annotated, `${what}: layer ${i}`);
    const metadata = fileMetadata(layer.annotations?.[Annotation.FileMetadata]);
    const raw = layerType.format === 'raw';
    const prefix = raw
      ? undefined
      : layerPrefix(layer.annotations?.[Annotation.LayerPrefix], `${what}: layer ${i}`);
    files.push({
      path,
      layer,
      format: layerType.format,
      ...(raw ? { size: layer.size, sha256: layer.digest.replace(/^sha256:/, '') } : {}),
      ...(!raw && metadata.size !== undefined ? { size: metadata.size } : {}),
      ...(prefix !== undefined && { prefix }),
      ...(metadata.sourceDateEpoch !== undefined && { sourceDateEpoch: metadata.sourceDateEpoch }),
    });
  });
  const version = manifest.annotations?.[Annotation.Version];
  return {
    files,
    ...(version ? { version } : {}),
    annotationLabels: annotationLabels(manifest.annotations ?? {}),
  };
}

/** Layer-level keys that can appear on a manifest too, but describe files, not the model. */
const FILE_KEYS: ReadonlySet<string> = new Set([
  Annotation.FilePath,
  Annotation.FileMetadata,
  Annotation.MediaTypeUntested,
]);

export function annotationLabels(annotations: Readonly<Record<string, string>>): Record<string, string> {
  const modelpack: Record<string, string> = {};
  const ours: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(LABEL_PREFIX) && key.length > LABEL_PREFIX.length)
      ours[key.slice(LABEL_PREFIX.length)] = value;
    else if (key.startsWith(MODELPACK_PREFIX) && !FILE_KEYS.has(key))
      modelpack[key.slice(MODELPACK_PREFIX.length)] = value;
  }
  return { ...modelpack, ...ours };
}

/** Labels from a config blob (unknown shapes give none). */
export function configLabels(bytes: Uint8Array): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return {};
  }
  const object = (v: unknown) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {});
  const config = object(object(value).config);
  const descriptor = object(object(value).descriptor);
  const labels: Record<string, string> = {};
  const take = (key: string, from: unknown) => {
    if (typeof from === 'string' && from !== '') labels[key] = from;
  };
  take('format', config.format);
  take('architecture', config.architecture);
  take('precision', config.precision);
  take('quantization', config.quantization);
  take('param-size', config.paramSize);
  take('family', descriptor.family);
  return labels;
}

/** Size and mtime (whole seconds) from the file metadata annotation; what is not readable is left out. */
function fileMetadata(text: string | undefined): { size?: number; sourceDateEpoch?: number } {
  if (!text) return {};
  let value: { size?: unknown; mtime?: unknown };
  try {
    value = JSON.parse(text) as typeof value;
  } catch {
    return {};
  }
  const { size, mtime } = value ?? {};
  const millis = typeof mtime === 'string' ? Date.parse(mtime) : NaN;
  return {
    ...(typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 && { size }),
    ...(Number.isSafeInteger(millis) && millis % 1000 === 0 && { sourceDateEpoch: millis / 1000 }),
  };
}

/** The layer's tar prefix annotation: '' or a clean relative folder; anything else is refused. */
function layerPrefix(value: string | undefined, what: string): string | undefined {
  if (value === undefined || value === '') return value;
  return cleanPath(value, `${what}: ${Annotation.LayerPrefix}`);
}

/** `./a/b` -> `a/b`; refuses absolute paths, `..` and empty segments. */
export function cleanPath(path: string, what: string): string {
  const trimmed = path.replace(/^(\.\/)+/, '');
  if (
    trimmed === '' ||
    trimmed.startsWith('/') ||
    trimmed.includes('\\') ||
    trimmed.includes('\0') ||
    posix.normalize(trimmed) !== trimmed ||
    trimmed.split('/').some((s) => s === '..' || s === '.' || s === '')
  ) {
    throw new ModelPackError(
      'refused',
      'layer-unsupported',
      `${what}: file path ${JSON.stringify(path)} is not a clean relative path`,
      'the artifact names a file outside the model folder: fix the artifact',
    );
  }
  return trimmed;
}

function notModelPack(what: string, problem: string): ModelPackError {
  return new ModelPackError(
    'usage',
    'not-modelpack',
    `${what} is not a ModelPack model artifact: ${problem}`,
    `push model versions as CNCF ModelPack artifacts (artifactType ${MODELPACK_ARTIFACT_TYPE}), e.g. with model-promote publish`,
  );
}
