/**
 * Pushes a local, signed model version to an OCI registry as a CNCF ModelPack artifact: one
 * deterministic tar layer per file (the image builder's tar writer: fixed mtime, root owner, 0644),
 * each file at `MODEL_PATH/path` with the folders above it, as the image holds a big file
 * (layer-plan.ts fileLayer): a promotion into the same registry mounts such a layer instead of
 * uploading it again. The prefix is annotated on each layer (`dev.model-promote.layer.prefix`);
 * the ModelPack config, the manifest by digest, the OMS signature attached as a referrer, and only
 * then the tags (version, then aliases), so no tag ever names an unsigned version. The same folder
 * and epoch always give the same manifest digest; blobs the registry has are not sent again.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileLayer, tarPrefix } from '../image/layer-plan.js';
import { writeTarLayer } from '../oci/tar-layer.js';
import type { Logger } from '../logger.js';
import { sha256Digest } from '../oci/digest.js';
import { stableJson } from '../oci/json.js';
import { MediaType } from '../oci/media-types.js';
import type { RegistryClient } from '../oci/remote/client.js';
import { attachReferrer, SIGSTORE_BUNDLE_TYPE } from '../oci/remote/referrers.js';
import { RegistrySink, type PushStats } from '../oci/remote/registry-sink.js';
import { expectedDigests } from '../signing/listed-digests.js';
import { listModelFiles } from '../signing/serialize.js';
import { SIGNATURE_FILE } from './folder-registry.js';
import { type BuiltLayer, buildConfig, buildManifest, MODELPACK_CONFIG_TYPE } from './modelpack.js';
import { RegistryError } from './registry-error.js';

export interface PublishOptions {
  /** The model folder: exactly the model's files, plus its signature unless `signaturePath` says otherwise. */
  readonly directory: string;
  readonly client: RegistryClient;
  readonly repository: string;
  readonly model: string;
  readonly version: string;
  readonly aliases?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  /** Default DIRECTORY/model.sig. */
  readonly signaturePath?: string;
  /** The ModelPack config's `config.format` (onnx, safetensors, ...). */
  readonly format?: string;
  /** mtime of every tar entry, in seconds; default 0. */
  readonly sourceDateEpoch?: number;
  /**
   * Where the files sit in each layer's tar, as an image's `modelPath` (default `/models`, the
   * catalog's default): the pools with this modelPath mount the big files' layers.
   */
  readonly modelPath?: string;
  readonly logger: Logger;
}

/** The catalog's default `image.modelPath` (catalog-schema.ts). */
export const DEFAULT_MODEL_PATH = '/models';

export interface Published {
  /** `HOST/REPO@sha256:...` */
  readonly reference: string;
  readonly digest: string;
  readonly tags: readonly string[];
  readonly files: number;
  readonly bytes: number;
  readonly signature: string;
  readonly stats: PushStats;
}

export async function publishModel(options: PublishOptions): Promise<Published> {
  const { client, repository, logger } = options;
  const name = `${client.registry}/${repository}`;
  const signaturePath = options.signaturePath ?? path.join(options.directory, SIGNATURE_FILE);
  const signature = await readFile(signaturePath).catch((error: unknown) => {
    throw new RegistryError(
      'usage',
      'signature-missing',
      `${options.model} version ${options.version} has no signature: ${signaturePath} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      `sign the model first (model-promote sign ${options.directory} --private-key KEY)`,
    );
  });
  const files = await listModelFiles(
    options.directory,
    { allowSymlinks: false, ignorePaths: [] },
    { signatureName: path.relative(options.directory, signaturePath) || SIGNATURE_FILE },
  );
  warnIfUnsigned(files, expectedDigests(signature), logger);

  const sourceDateEpoch = options.sourceDateEpoch ?? 0;
  const modelPath = options.modelPath ?? DEFAULT_MODEL_PATH;
  const prefix = tarPrefix(modelPath);
  const sink = new RegistrySink(client, repository, { logger });
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const layers: BuiltLayer[] = await Promise.all(
    sorted.map(async (file) => {
      const descriptor = await writeTarLayer(
        fileLayer(file, modelPath),
        { directory: options.directory, sourceDateEpoch },
        sink,
      );
      return {
        path: file.path,
        size: file.size,
        digest: descriptor.digest,
        layerSize: descriptor.size,
        sourceDateEpoch,
        prefix,
      };
    }),
  );
  const configBytes = stableJson(buildConfig(options.model, options.version, layers, options.format));
  const config = await sink.writeBlob(
    { mediaType: MODELPACK_CONFIG_TYPE, digest: sha256Digest(configBytes), size: configBytes.byteLength },
    async function* () {
      yield configBytes;
    },
  );
  const manifest = buildManifest({ config, layers, version: options.version, labels: options.labels ?? {} });
  const manifestBytes = stableJson(manifest);
  const subject = await sink.writeManifest(manifestBytes, MediaType.ImageManifest, []);
  const attached = await attachReferrer(client, repository, subject, {
    artifactType: SIGSTORE_BUNDLE_TYPE,
    mediaType: SIGSTORE_BUNDLE_TYPE,
    bytes: signature,
  });
  const tags = [options.version, ...(options.aliases ?? []).filter((a) => a !== options.version)];
  for (const tag of tags) await client.putManifest(repository, tag, manifestBytes, MediaType.ImageManifest);
  logger.info(
    `published ${options.model} v${options.version} to ${name}@${subject.digest} (tags ${tags.join(', ')})`,
  );
  return {
    reference: `${name}@${subject.digest}`,
    digest: subject.digest,
    tags,
    files: files.length,
    bytes: files.reduce((sum, f) => sum + f.size, 0),
    signature: attached.digest,
    stats: sink.stats,
  };
}

/** The signature is checked when the version is promoted; a folder it does not cover is worth a word now. */
function warnIfUnsigned(
  files: readonly { path: string }[],
  expected: ReadonlyMap<string, string>,
  logger: Logger,
): void {
  if (expected.size === 0) return;
  const listed = new Set(files.map((f) => f.path));
  const unsigned = [...listed].filter((p) => !expected.has(p));
  const absent = [...expected.keys()].filter((p) => !listed.has(p));
  if (unsigned.length || absent.length) {
    logger.warn(
      `the signature does not match the folder (not signed: ${unsigned.join(', ') || 'none'}; signed but absent: ${absent.join(', ') || 'none'}): promotions of this version will be refused`,
    );
  }
}
