/**
 * Streamed promotion: which promotions stream their model from the registry into the image (pure),
 * and where a stage finds the model's bytes either way. See ARCHITECTURE.md, "Streaming promotion".
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BuildInput } from './image/build.js';
import type { RemoteFile } from './registry/download-cache.js';
import { createContentCheck, type ContentCheck } from './signing/serialize.js';
import type { ModelManifest } from './signing/statement.js';

/** How the fetch stage gets the model: a folder (the download cache or the registry's own) or a stream. */
export type FetchMode = 'stream' | 'folder';

export interface FetchModeInput {
  /** The registry can list a version and hand over its signature alone (resolveListed). */
  readonly registryStreams: boolean;
  /** `image-repository` given: the image goes to a registry, not to an OCI layout folder. */
  readonly imageRepository: boolean;
  /** `cache-dir` given: the user asked for the download cache. */
  readonly cacheDir: boolean;
  /** Some pool of the environment builds from a Containerfile, which copies a folder into its context. */
  readonly containerfileBuilder: boolean;
}

/**
 * Streams by default from a remote registry to an image registry; a folder otherwise: the user asked
 * for the cache, the image goes to a layout folder, or a Containerfile build may need the files.
 */
export function fetchMode(input: FetchModeInput): FetchMode {
  return input.registryStreams && input.imageRepository && !input.cacheDir && !input.containerfileBuilder
    ? 'stream'
    : 'folder';
}

/** Where the model's bytes are for the build and the later stages. */
export type ModelSource =
  | {
      readonly kind: 'folder';
      /** Holds exactly the model's files, verified. */
      readonly directory: string;
      readonly signaturePath: string;
    }
  | {
      readonly kind: 'stream';
      /** Names the version in messages. */
      readonly label: string;
      /** The model's files by path, each held to its listed size; the build checks their bytes. */
      readonly files: ReadonlyMap<string, RemoteFile>;
      /** The signature's bytes, as verified. */
      readonly signature: Uint8Array;
    };

/** A small file of the model (an input example), or undefined when the model has none. */
export async function readSmallFile(
  source: ModelSource,
  file: string,
  maxBytes: number,
): Promise<Buffer | undefined> {
  if (source.kind === 'folder') {
    return readFile(path.join(source.directory, file)).catch(() => undefined);
  }
  const remote = source.files.get(file);
  if (!remote || (remote.size ?? 0) > maxBytes) return undefined;
  const chunks: Uint8Array[] = [];
  for await (const chunk of await remote.open()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * Where the image build reads the files: the folder, or each file's stream from the registry; and,
 * streaming into a registry (`targetRegistry`), the files' own layers there, which it may mount.
 */
export function buildBytes(
  source: ModelSource,
  targetRegistry?: string,
): Pick<BuildInput, 'directory' | 'openFile' | 'openFileFrom' | 'mount'> {
  if (source.kind === 'folder') return { directory: source.directory };
  const { files, label } = source;
  const find = (path: string) => {
    const remote = files.get(path);
    if (!remote) throw new Error(`${label} lists no file ${path}`);
    return remote;
  };
  return {
    openFile: (file) => find(file.path).open(),
    openFileFrom: (file, start) => {
      const remote = find(file.path);
      return remote.openFrom
        ? remote.openFrom(start)
        : Promise.reject(new Error(`${label} serves no ranges`));
    },
    ...(targetRegistry !== undefined && {
      mount: { registry: targetRegistry, blobOf: (file) => files.get(file.path)?.layer },
    }),
  };
}

/**
 * The check of each file's bytes as the build reads them: a second look at a verified folder, or
 * the verification itself when the files stream.
 */
export function contentCheck(
  manifest: ModelManifest,
  source: ModelSource,
): (file: string, size: number) => Promise<ContentCheck> {
  const streaming = source.kind === 'stream';
  return (file, size) => createContentCheck(manifest, file, size, { streaming });
}

/** The signature's bytes, as verified. */
export async function signatureBytes(source: ModelSource): Promise<Uint8Array> {
  return source.kind === 'folder' ? readFile(source.signaturePath) : source.signature;
}
