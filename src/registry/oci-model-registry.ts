/**
 * `--registry oci://HOST/REPO`: model versions stored as CNCF ModelPack artifacts in an OCI
 * registry (see modelpack.ts for the format and the label mapping).
 *
 *   version   a tag of the repository (the manifest's `org.opencontainers.image.version`, when set,
 *             names the concrete version; `latest`, when no such tag exists, is the highest
 *             numeric tag)
 *   aliases   the other tags pointing at the same manifest
 *   signature the OMS bundle attached as a referrer (artifactType
 *             application/vnd.dev.sigstore.bundle.v0.3+json), or a `model.sig` file in the artifact
 *   history   promotion entries attached as referrers of the version
 *             (artifactType application/vnd.model-promote.promotion.v1+json)
 *
 * The repository is REPO when its last segment is the model's name, else REPO/MODEL: both
 * `oci://ghcr.io/org/models/sentiment --model sentiment` and `oci://ghcr.io/org/models --model
 * sentiment` read ghcr.io/org/models/sentiment. Files stream through the download cache, or
 * straight into the image (resolveListed), then resume from an offset where the layer allows
 * (modelpack-range.ts).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { stableJson } from '../oci/json.js';
import { MediaType } from '../oci/media-types.js';
import { RegistryClient } from '../oci/remote/client.js';
import { type CredentialProvider, credentialProvider } from '../oci/remote/credentials.js';
import { attachReferrer, listReferrers, SIGSTORE_BUNDLE_TYPE } from '../oci/remote/referrers.js';
import type { LayerBlob } from '../oci/layer-blob.js';
import type { Descriptor } from '../oci/types.js';
import { parseManifest } from '../oci/types.js';
import { expectedDigests } from '../signing/listed-digests.js';
import { DownloadCache, type RemoteFile } from './download-cache.js';
import { compareVersions, SIGNATURE_FILE } from './folder-registry.js';
import type {
  ListedVersion,
  ModelRegistry,
  ModelVersion,
  PromotionHistoryEntry,
  VersionInfo,
  VersionListing,
} from './model-version.js';
import { heldToSize } from './signed-download.js';
import { configLabels, type ModelPackFile, parseModelPackManifest } from './modelpack.js';
import { ModelPackError } from './modelpack-error.js';
import { fileFromLayer } from './modelpack-layer.js';
import { layerFileFrom } from './modelpack-range.js';
import {
  digestsOfTags,
  isReferrersTag,
  listTags,
  MAX_SMALL_BLOB,
  readSmallBlob,
  tagsOf,
} from './modelpack-reads.js';
import { RegistryError } from './registry-error.js';

export const PROMOTION_ARTIFACT_TYPE = 'application/vnd.model-promote.promotion.v1+json';

export interface OciModelRegistryOptions {
  readonly logger?: Logger;
  /** Where files are downloaded; default DownloadCache.defaultRoot(env). */
  readonly cache?: DownloadCache;
  readonly credentials?: CredentialProvider;
  /** Plain HTTP to a registry that is not on loopback. */
  readonly insecure?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly mask?: (secret: string) => void;
  /** Retries of a broken file download (default 3). */
  readonly retries?: number;
  /** For tests: the client to use (any registry). */
  readonly client?: RegistryClient;
}

/** A model version read from an OCI registry: also names its manifest, the subject of its referrers. */
export interface OciModelVersion extends ModelVersion {
  readonly manifest: Descriptor;
  readonly repository: string;
}

export interface OciLocation {
  /** `ghcr.io`, `127.0.0.1:5000` */
  readonly registry: string;
  /** Path under the host, as written (`models/sentiment`), or '' */
  readonly path: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::[0-9]+)?$/;

/** `oci://HOST[/PATH]` -> host and path; refuses tags, digests and bad names. */
export function parseOciLocation(location: string): OciLocation {
  const rest = location.replace(/^oci:\/\//i, '').replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  const registry = slash < 0 ? rest : rest.slice(0, slash);
  const repoPath = slash < 0 ? '' : rest.slice(slash + 1);
  const bad = (problem: string) =>
    new ModelPackError(
      'usage',
      'registry-uri-invalid',
      `registry ${location} ${problem}`,
      'write it as oci://HOST/REPO (e.g. oci://ghcr.io/org/models), without tag or digest',
    );
  if (!HOST.test(registry)) throw bad(`has an invalid host ${JSON.stringify(registry)}`);
  if (repoPath.includes(':') || repoPath.includes('@'))
    throw bad('names a tag or digest; --version names the tag');
  if (repoPath !== '' && !repoPath.split('/').every((s) => COMPONENT.test(s))) {
    throw bad(`has an invalid repository ${JSON.stringify(repoPath)} (lower-case letters, digits, . _ -)`);
  }
  return { registry, path: repoPath };
}

/** The repository of `model`: the path itself when it ends with the model's name, else PATH/MODEL. */
export function modelRepository(location: OciLocation, model: string): string {
  const segments = location.path === '' ? [] : location.path.split('/');
  if (segments.at(-1) === model) return location.path;
  if (!COMPONENT.test(model)) {
    throw new RegistryError(
      'usage',
      'unknown-model',
      `model name "${model}" cannot be an OCI repository name`,
      'use lower-case letters, digits, ".", "_" and "-", or name the repository in --registry oci://HOST/REPO',
    );
  }
  return [...segments, model].join('/');
}

export class OciModelRegistry implements ModelRegistry {
  readonly location: OciLocation;
  private readonly logger: Logger;
  private readonly cache: DownloadCache;
  private clientInstance: RegistryClient | undefined;

  constructor(
    readonly uri: string,
    private readonly options: OciModelRegistryOptions = {},
  ) {
    this.location = parseOciLocation(uri);
    this.logger = options.logger ?? silentLogger;
    this.cache = options.cache ?? new DownloadCache(DownloadCache.defaultRoot(options.env ?? process.env));
  }

  get client(): RegistryClient {
    this.clientInstance ??=
      this.options.client ??
      new RegistryClient({
        registry: this.location.registry,
        credentials:
          this.options.credentials ??
          credentialProvider({
            ...(this.options.env && { env: this.options.env }),
            ...(this.options.mask && { mask: this.options.mask }),
          }),
        insecure: this.options.insecure ?? false,
        logger: this.logger,
      });
    return this.clientInstance;
  }

  async resolve(model: string, versionOrAlias: string): Promise<OciModelVersion> {
    const found = await this.locate(model, versionOrAlias);
    const { parsed, layerFile } = found;
    const { signature, inArtifact } = await this.signatureOf(found);
    const signatureFile: RemoteFile = {
      path: SIGNATURE_FILE,
      size: signature.byteLength,
      sha256: createHash('sha256').update(signature).digest('hex'),
      open: async () =>
        (async function* () {
          yield signature;
        })(),
    };
    const files = [...parsed.files.filter((f) => f !== inArtifact).map(layerFile), signatureFile];
    const materialized = await this.cache.materialize(
      `oci/${this.location.registry}/${found.repository}@${found.descriptor.digest}`,
      files,
      {
        logger: this.logger,
        label: found.label,
        expected: expectedDigests(signature),
        ...(this.options.retries !== undefined && { retries: this.options.retries }),
      },
    );
    return {
      ...this.versionInfo(model, versionOrAlias, found),
      directory: materialized.directory,
      signaturePath: path.join(materialized.directory, SIGNATURE_FILE),
      knownDigests: materialized.hashed,
      manifest: found.descriptor,
      repository: found.repository,
    };
  }

  /** What a resolved version is, however its files are then read. */
  private versionInfo(
    model: string,
    requested: string,
    found: Awaited<ReturnType<OciModelRegistry['locate']>>,
  ): VersionInfo {
    const { version, aliases, labels } = found;
    return { registry: this.uri, model, version, requested, aliases, labels, signatureName: SIGNATURE_FILE };
  }

  /** The signature: a file of the artifact, else a referrer of it. */
  private async signatureOf(found: Awaited<ReturnType<OciModelRegistry['locate']>>) {
    const { parsed, layerFile, what } = found;
    const inArtifact = parsed.files.find((f) => f.path === SIGNATURE_FILE);
    const signature = inArtifact
      ? await this.readSignatureFile(inArtifact, layerFile, what)
      : await this.readSignatureReferrer(found.repository, found.descriptor, what);
    return { signature, inArtifact };
  }

  async resolveListed(model: string, versionOrAlias: string): Promise<ListedVersion> {
    const found = await this.locate(model, versionOrAlias);
    const { signature, inArtifact } = await this.signatureOf(found);
    return {
      ...this.versionInfo(model, versionOrAlias, found),
      label: found.label,
      files: found.parsed.files
        .filter((f) => f !== inArtifact)
        .map((f) => heldToSize(found.layerFile(f), found.label, this.logger)),
      signature,
    };
  }

  async listVersion(model: string, versionOrAlias: string): Promise<VersionListing> {
    const { version, label, parsed, layerFile } = await this.locate(model, versionOrAlias);
    return {
      version,
      label,
      files: parsed.files.filter((f) => f.path !== SIGNATURE_FILE).map(layerFile),
      signatureName: SIGNATURE_FILE,
    };
  }

  /** The version's manifest, config labels, aliases, and its files as layers to stream. */
  private async locate(model: string, versionOrAlias: string) {
    const repository = modelRepository(this.location, model);
    const name = `${this.location.registry}/${repository}`;
    const client = this.client;
    let tags: string[] | undefined;
    const allTags = async () => (tags ??= await this.tagsOrUnknown(repository, model));

    let reference = versionOrAlias;
    if ((await client.headManifest(repository, reference)) === undefined) {
      const versions = (await allTags()).filter((t) => !isReferrersTag(t));
      const numeric = versions.filter((t) => /^v?\d/.test(t)).sort(compareVersions);
      if (versionOrAlias === 'latest' && numeric.length > 0) reference = numeric.at(-1)!;
      else {
        throw new RegistryError(
          'usage',
          'unknown-version',
          `${name} has no version or alias "${versionOrAlias}"`,
          versions.length
            ? `use one of: ${versions.sort(compareVersions).join(', ')}`
            : `${name} has no tags yet`,
        );
      }
    }
    const what = `${name}:${reference}`;
    const fetched = await client.getManifest(repository, reference);
    const parsed = parseModelPackManifest(fetched.mediaType, fetched.bytes, what);
    const manifest = parseManifest(fetched.bytes, what);
    const descriptor: Descriptor = {
      mediaType: fetched.mediaType,
      digest: fetched.digest,
      size: fetched.bytes.byteLength,
    };

    const configBytes = await readSmallBlob(client, repository, manifest.config.digest, `config of ${what}`);
    const labels = { ...configLabels(configBytes), ...parsed.annotationLabels };
    const otherTags = (await allTags()).filter((t) => t !== reference && !isReferrersTag(t));
    const sameDigest = await tagsOf(client, repository, otherTags, fetched.digest);
    const version = parsed.version ?? reference;
    const aliases = [...new Set([...sameDigest, ...(reference !== version ? [reference] : [])])]
      .filter((tag) => tag !== version)
      .sort();

    const label = `oci ${what}`;
    const layerFile = (file: ModelPackFile): RemoteFile => {
      const openFrom = layerFileFrom(client, repository, file, `${what} ${file.layer.digest}`);
      return {
        path: file.path,
        ...(file.size !== undefined && { size: file.size }),
        ...(file.sha256 !== undefined && { sha256: file.sha256 }),
        open: async () =>
          fileFromLayer(
            client.openBlob(repository, file.layer.digest),
            file.format,
            file.path,
            `${what} ${file.layer.digest}`,
            file.prefix,
          ),
        ...(openFrom && { openFrom }),
        ...(file.format !== 'raw' && { layer: layerBlob(client, repository, file) }),
      };
    };
    return { repository, what, label, parsed, descriptor, version, aliases, labels, layerFile };
  }

  async recordPromotion(version: VersionInfo, entry: PromotionHistoryEntry): Promise<void> {
    const repository = modelRepository(this.location, version.model);
    const name = `${this.location.registry}/${repository}`;
    try {
      const subject =
        (version as Partial<OciModelVersion>).manifest ??
        (await this.client.headManifest(repository, version.version)) ??
        missing(`${name}:${version.version}`);
      await attachReferrer(this.client, repository, subject, {
        artifactType: PROMOTION_ARTIFACT_TYPE,
        mediaType: PROMOTION_ARTIFACT_TYPE,
        bytes: stableJson(entry),
        annotations: {
          'org.opencontainers.image.created': entry.time,
          'dev.model-promote.promotion.environment': entry.environment,
          'dev.model-promote.promotion.status': entry.status,
        },
      });
    } catch (error) {
      throw new RegistryError(
        'failed',
        'history-write-failed',
        `writing the promotion history of ${name}:${version.version}: ${error instanceof Error ? error.message : String(error)}`,
        'give the registry credentials push rights on the model repository',
        { cause: error },
      );
    }
  }

  async history(model: string): Promise<PromotionHistoryEntry[]> {
    const repository = modelRepository(this.location, model);
    const client = this.client;
    const tags = (await listTags(client, repository)) ?? [];
    const subjects = await digestsOfTags(
      client,
      repository,
      tags.filter((t) => !isReferrersTag(t)),
    );
    const entries: PromotionHistoryEntry[] = [];
    for (const digest of subjects.keys()) {
      for (const referrer of await listReferrers(client, repository, digest, PROMOTION_ARTIFACT_TYPE)) {
        const what = `promotion entry ${referrer.digest} of ${this.location.registry}/${repository}@${digest}`;
        const artifact = parseManifest((await client.getManifest(repository, referrer.digest)).bytes, what);
        const layer = artifact.layers[0];
        if (!layer || layer.size > MAX_SMALL_BLOB) continue;
        const bytes = await readSmallBlob(client, repository, layer.digest, what);
        try {
          entries.push(JSON.parse(bytes.toString('utf8')) as PromotionHistoryEntry);
        } catch {
          this.logger.warn(`${what} is not JSON: skipped`);
        }
      }
    }
    return entries.sort((a, b) => a.time.localeCompare(b.time));
  }

  private async tagsOrUnknown(repository: string, model: string): Promise<string[]> {
    const tags = await listTags(this.client, repository);
    if (tags === undefined) {
      throw new RegistryError(
        'usage',
        'unknown-model',
        `model "${model}" is not in ${this.location.registry}: repository ${repository} does not exist`,
        `publish a version first (model-promote publish DIR --registry oci://${this.location.registry}/${repository} --model ${model} --version 1)`,
      );
    }
    return tags;
  }

  private async readSignatureFile(
    file: ModelPackFile,
    layerFile: (file: ModelPackFile) => RemoteFile,
    what: string,
  ): Promise<Buffer> {
    if ((file.size ?? 0) > MAX_SMALL_BLOB || file.layer.size > MAX_SMALL_BLOB + 64 * 1024) {
      throw notASignature(`${what}: its ${SIGNATURE_FILE} is larger than ${MAX_SMALL_BLOB} bytes`);
    }
    const chunks: Uint8Array[] = [];
    for await (const chunk of await layerFile(file).open()) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  private async readSignatureReferrer(
    repository: string,
    subject: Descriptor,
    what: string,
  ): Promise<Buffer> {
    const client = this.client;
    const referrers = await listReferrers(client, repository, subject.digest, SIGSTORE_BUNDLE_TYPE);
    const latest = referrers.at(-1);
    if (!latest) {
      throw new RegistryError(
        'refused',
        'signature-missing',
        `${what} has no signature: no ${SIGSTORE_BUNDLE_TYPE} referrer and no ${SIGNATURE_FILE} in the artifact`,
        `sign the model and publish it with its model.sig (model-promote publish DIR --registry oci://${this.location.registry}/${repository} ...)`,
      );
    }
    if (referrers.length > 1)
      this.logger.info(`${what} has ${referrers.length} signatures; using the newest, ${latest.digest}`);
    const sigWhat = `signature ${latest.digest} of ${what}`;
    const fetched = await client.getManifest(repository, latest.digest);
    if (fetched.mediaType !== MediaType.ImageManifest)
      throw notASignature(`${sigWhat} is a ${fetched.mediaType}`);
    const layer = parseManifest(fetched.bytes, sigWhat).layers[0];
    if (!layer) throw notASignature(`${sigWhat} has no layer`);
    if (layer.size > MAX_SMALL_BLOB) throw notASignature(`${sigWhat} is larger than ${MAX_SMALL_BLOB} bytes`);
    return readSmallBlob(client, repository, layer.digest, sigWhat);
  }
}

/** A file's tar layer as the manifest describes it (a streamed build may mount it: image/layer-mount.ts). */
function layerBlob(client: RegistryClient, repository: string, file: ModelPackFile): LayerBlob {
  return {
    registry: client.registry,
    repository,
    digest: file.layer.digest,
    size: file.layer.size,
    uncompressedTar: file.format === 'tar',
    ...(file.prefix !== undefined && { prefix: file.prefix }),
    ...(file.sourceDateEpoch !== undefined && { sourceDateEpoch: file.sourceDateEpoch }),
    open: () => client.openBlob(repository, file.layer.digest),
  };
}

function notASignature(message: string): RegistryError {
  return new RegistryError(
    'refused',
    'signature-missing',
    message,
    'attach the OMS bundle (model.sig) as the referrer layer',
  );
}

function missing(name: string): never {
  throw new RegistryError('usage', 'unknown-version', `${name} is not in the registry any more`);
}
