/**
 * Which model file goes into which layer (pure). Big files get a layer each, so a new model version
 * that changes one weight file re-uses the others' layers; small files share one layer.
 */
import { posix } from 'node:path';
import { ImageError } from './image-error.js';
import type { LayerEntry, LayerFile } from '../oci/tar-layer.js';

/** Files of at least this size get their own layer. */
export const OWN_LAYER_THRESHOLD = 64 * 1024 * 1024;

/** A verified model file, as the plan places it into a layer. */
export type ModelFile = LayerFile;
export type { LayerEntry };

export interface PlannedLayer {
  /** `shared`: the small files together; `file`: one big file; `signature`: the model's OMS signature. */
  readonly kind: 'shared' | 'file' | 'signature';
  /** Tar entries in order: parent directories before their children, byte order of names. */
  readonly entries: readonly LayerEntry[];
  readonly files: readonly ModelFile[];
  /** Sum of the file sizes (not the tar size). */
  readonly bytes: number;
}

/** Byte order of the UTF-8 names: the same on every machine and locale. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** `/models/` -> `models`; `/` -> ``. Throws for `..` or an empty segment. */
export function tarPrefix(modelPath: string): string {
  const trimmed = modelPath.replace(/^\/+|\/+$/g, '');
  if (!modelPath.startsWith('/') || (trimmed !== '' && !isCleanRelative(trimmed))) {
    throw new ImageError(
      'usage',
      'model-path-invalid',
      `image modelPath ${JSON.stringify(modelPath)} is not a clean absolute path`,
      'write it like /models (no "..", ".", or "//")',
    );
  }
  return trimmed;
}

function isCleanRelative(path: string): boolean {
  return path.split('/').every((s) => s !== '' && s !== '.' && s !== '..') && !path.includes('\0');
}

export function checkModelFiles(files: readonly ModelFile[]): void {
  if (files.length === 0) {
    throw new ImageError('failed', 'model-empty', 'the model has no files to put in the image');
  }
  const seen = new Set<string>();
  for (const file of files) {
    if (!isCleanRelative(file.path) || posix.normalize(file.path) !== file.path) {
      throw new ImageError(
        'failed',
        'model-path-invalid',
        `model file path ${JSON.stringify(file.path)} is not a clean relative POSIX path`,
      );
    }
    if (!Number.isSafeInteger(file.size) || file.size < 0) {
      throw new ImageError(
        'failed',
        'model-path-invalid',
        `model file ${file.path} has invalid size ${file.size}`,
      );
    }
    if (seen.has(file.path)) {
      throw new ImageError('failed', 'model-path-invalid', `model file ${file.path} is listed twice`);
    }
    seen.add(file.path);
  }
  for (const path of seen) {
    for (let dir = posix.dirname(path); dir !== '.'; dir = posix.dirname(dir)) {
      if (seen.has(dir)) {
        throw new ImageError(
          'failed',
          'model-path-invalid',
          `model file ${dir} is also the folder of ${path}`,
        );
      }
    }
  }
}

function layerOf(kind: PlannedLayer['kind'], files: readonly ModelFile[], prefix: string): PlannedLayer {
  const entries = new Map<string, LayerEntry>();
  for (const file of files) {
    const name = prefix ? `${prefix}/${file.path}` : file.path;
    const segments = name.split('/');
    for (let i = 1; i < segments.length; i++) {
      const dir = `${segments.slice(0, i).join('/')}/`;
      entries.set(dir, { kind: 'directory', name: dir });
    }
    entries.set(name, { kind: 'file', name, file });
  }
  const sorted = [...entries.values()].sort((a, b) => compareNames(a.name, b.name));
  return {
    kind,
    entries: sorted,
    files: sorted.flatMap((e) => (e.kind === 'file' ? [e.file] : [])),
    bytes: files.reduce((sum, f) => sum + f.size, 0),
  };
}

/**
 * One file's layer of its own under `modelPath`: the prefix's folders, then `PREFIX/path`. What a
 * big file gets in the image, and what `model-promote publish` writes for every file, so a ModelPack
 * layer of a big file is, byte for byte, the image's layer of it (a streamed build mounts it).
 */
export function fileLayer(file: ModelFile, modelPath: string): PlannedLayer {
  checkModelFiles([file]);
  return layerOf('file', [file], tarPrefix(modelPath));
}

/** The layers for the model's files under `modelPath`: the shared small-file layer first, then big files by path. */
export function planLayers(
  files: readonly ModelFile[],
  modelPath: string,
  threshold: number = OWN_LAYER_THRESHOLD,
): PlannedLayer[] {
  checkModelFiles(files);
  const prefix = tarPrefix(modelPath);
  const small = files.filter((f) => f.size < threshold);
  const big = files.filter((f) => f.size >= threshold).sort((a, b) => compareNames(a.path, b.path));
  return [
    ...(small.length > 0 ? [layerOf('shared', small, prefix)] : []),
    ...big.map((f) => layerOf('file', [f], prefix)),
  ];
}

/**
 * The signature's name in the image, beside the model files: where upstream's `model_signing sign`
 * writes it and the registry folder keeps it, so `model_signing verify` (and the
 * model-validation-operator's init container) finds it and leaves it out of the files it hashes.
 */
export const SIGNATURE_NAME = 'model.sig';

/** `/models` -> `/models/model.sig`; `/` -> `/model.sig`. */
export function signatureImagePath(modelPath: string): string {
  const prefix = tarPrefix(modelPath);
  return `/${prefix ? `${prefix}/` : ''}${SIGNATURE_NAME}`;
}

/**
 * The signature's own layer, after the model's: the model layers hold the files alone, so their
 * digests (and the layer keys that skip re-sending them) do not change when only the signature
 * does, as when a model is signed again. `source` is the signature file's name in its folder.
 */
export function planSignatureLayer(
  signature: { readonly source: string; readonly size: number },
  modelPath: string,
  files: readonly ModelFile[],
): PlannedLayer {
  if (files.some((f) => f.path === SIGNATURE_NAME)) {
    throw new ImageError(
      'usage',
      'model-path-invalid',
      `the model has a file named ${SIGNATURE_NAME}, where the image keeps the model's signature`,
      `rename that file, or keep the signature as ${SIGNATURE_NAME} inside the model folder (then it is not a model file)`,
    );
  }
  const prefix = tarPrefix(modelPath);
  const file: ModelFile = { path: signature.source, size: signature.size };
  const entries: LayerEntry[] = [
    ...prefix
      .split('/')
      .flatMap((_, i, segments): LayerEntry[] =>
        prefix ? [{ kind: 'directory', name: `${segments.slice(0, i + 1).join('/')}/` }] : [],
      ),
    { kind: 'file', name: signatureImagePath(modelPath).slice(1), file },
  ];
  return { kind: 'signature', entries, files: [file], bytes: signature.size };
}
