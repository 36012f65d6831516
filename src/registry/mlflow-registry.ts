/**
 * MLflow Model Registry (and GitLab's, which speaks the MLflow REST API) as a ModelRegistry.
 *
 *   --registry mlflow+https://mlflow.example.com
 *   --registry mlflow+https://gitlab.example.com/api/v4/projects/42/ml/mlflow
 *
 * resolve: the version by number (`model-versions/get`), by alias (`registered-models/alias`) or
 * `latest` (the highest version number); labels are the registered model's tags overlaid with the
 * version's; the files are listed through the artifact proxy (from `get-download-uri`) and streamed
 * into the download cache, model.sig first so cached files are found by their signed digests.
 * recordPromotion: version tags `model_promote.<env>.*` and, on success, the alias `<env>`.
 * history: read back from those tags. GitLab lacks some endpoints: see mlflow-gitlab.ts.
 */
import type { RemoteFile } from './download-cache.js';
import { listSigned, materializeSigned } from './signed-download.js';
import {
  artifactProxyPath,
  MlflowApiError,
  MlflowClient,
  type MlflowModelVersion,
  type MlflowRegisteredModel,
  type MlflowTag,
} from './mlflow-client.js';
import { MlflowError } from './mlflow-error.js';
import { gitlabDisplayVersion, isGitlabBase, type MlflowDialect } from './mlflow-gitlab.js';
import { historyFromTags, promotionTags } from './mlflow-history.js';
import type {
  HistoryKeeps,
  ListedVersion,
  ModelRegistry,
  ModelVersion,
  PromotionHistoryEntry,
  RemoteRegistryOptions,
  VersionInfo,
  VersionListing,
} from './model-version.js';
import { RegistryError } from './registry-error.js';

export const SIGNATURE_FILE = 'model.sig';
/** Tags written by this tool; never labels. */
export const TAG_PREFIX = 'model_promote.';
const MAX_FILES = 100_000;

/** `mlflow+https://HOST[/PATH]` -> the registry; `mlflow+http://` for plain HTTP. */
export function openMlflowRegistry(location: string, options: RemoteRegistryOptions): MlflowRegistry {
  const match = /^mlflow\+(https?):\/\/(.+)$/i.exec(location);
  let base: URL | undefined;
  try {
    base = match ? new URL(`${match[1]!.toLowerCase()}://${match[2]}`) : undefined;
  } catch {
    base = undefined;
  }
  if (!base || base.search || base.hash || base.username || base.password) {
    throw new MlflowError(
      'usage',
      'registry-uri-invalid',
      `registry "${location}" is not an MLflow tracking URI`,
      'write mlflow+https://HOST[/PATH] (GitLab: mlflow+https://GITLAB/api/v4/projects/ID/ml/mlflow); credentials go in MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD',
    );
  }
  const tracking = base.toString().replace(/\/+$/, '');
  const dialect: MlflowDialect = isGitlabBase(base) ? 'gitlab' : 'mlflow';
  const client = new MlflowClient(tracking, {
    logger: options.logger,
    headers: authHeaders(options.env, dialect, options.mask),
    ...(options.fetch && { fetch: options.fetch }),
    ...(options.retries !== undefined && { retries: options.retries }),
    ...(options.retryDelayMs !== undefined && { retryDelayMs: options.retryDelayMs }),
  });
  return new MlflowRegistry(location, client, dialect, options);
}

/** Bearer from MLFLOW_TRACKING_TOKEN (GitLab: or GITLAB_TOKEN), else Basic from USERNAME/PASSWORD; masked. */
export function authHeaders(
  env: NodeJS.ProcessEnv,
  dialect: MlflowDialect,
  mask?: (secret: string) => void,
): Record<string, string> {
  const token = env.MLFLOW_TRACKING_TOKEN || (dialect === 'gitlab' ? env.GITLAB_TOKEN : undefined);
  if (token) {
    mask?.(token);
    return { authorization: `Bearer ${token}` };
  }
  const username = env.MLFLOW_TRACKING_USERNAME;
  const password = env.MLFLOW_TRACKING_PASSWORD;
  if (username && password) {
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    mask?.(password);
    mask?.(basic);
    return { authorization: `Basic ${basic}` };
  }
  return {};
}

export class MlflowRegistry implements ModelRegistry {
  private warnedNoWriteBack = false;
  readonly historyKeeps: HistoryKeeps;

  constructor(
    readonly location: string,
    private readonly client: MlflowClient,
    readonly dialect: MlflowDialect,
    private readonly options: RemoteRegistryOptions,
  ) {
    // GitLab's API takes no tags, so nothing is written back; MLflow's tags hold one per version.
    this.historyKeeps = dialect === 'gitlab' ? 'nothing' : 'latest-per-version';
  }

  async resolve(model: string, versionOrAlias: string): Promise<ModelVersion> {
    const { registered, found, version, files } = await this.locate(model, versionOrAlias);
    const signature = this.signatureOf(model, version, files);
    const materialized = await materializeSigned(
      this.options.cache,
      `mlflow/${this.client.base}/${model}/${found.version}`,
      files,
      signature,
      {
        logger: this.options.logger,
        label: `${model} v${version} from ${this.client.base}`,
        ...(this.options.retries !== undefined && { retries: this.options.retries }),
      },
    );
    return {
      ...this.versionInfo(model, version, versionOrAlias, registered, found),
      directory: materialized.directory,
      signaturePath: `${materialized.directory}/${SIGNATURE_FILE}`,
      knownDigests: materialized.hashed,
    };
  }

  async resolveListed(model: string, versionOrAlias: string): Promise<ListedVersion> {
    const { registered, found, version, files } = await this.locate(model, versionOrAlias);
    const label = `${model} v${version} from ${this.client.base}`;
    const listed = await listSigned(
      files,
      this.signatureOf(model, version, files),
      label,
      this.options.logger,
    );
    return {
      ...this.versionInfo(model, version, versionOrAlias, registered, found),
      label,
      ...listed,
    };
  }

  private signatureOf(model: string, version: string, files: readonly RemoteFile[]): RemoteFile {
    const signature = files.find((file) => file.path === SIGNATURE_FILE);
    if (!signature) {
      throw new RegistryError(
        'refused',
        'signature-missing',
        `${model} version ${version} in ${this.location} has no ${SIGNATURE_FILE} among its artifacts`,
        `sign the model folder (model-promote sign DIR) and log ${SIGNATURE_FILE} with the model's artifacts`,
      );
    }
    return signature;
  }

  async listVersion(model: string, versionOrAlias: string): Promise<VersionListing> {
    const { version, files } = await this.locate(model, versionOrAlias);
    return {
      version,
      label: `${model} v${version} from ${this.client.base}`,
      files,
      signatureName: SIGNATURE_FILE,
    };
  }

  /** What a resolved version is, however its files are then read. */
  private versionInfo(
    model: string,
    version: string,
    requested: string,
    registered: MlflowRegisteredModel,
    found: MlflowModelVersion,
  ): VersionInfo {
    return {
      registry: this.location,
      model,
      version,
      requested,
      aliases: aliasesOf(found, registered),
      labels: labelsOf(registered, found),
      signatureName: SIGNATURE_FILE,
    };
  }

  private async locate(model: string, versionOrAlias: string) {
    const registered = await this.registeredModel(model);
    const found = await this.findVersion(model, versionOrAlias, registered);
    checkReady(found);
    const version = this.dialect === 'gitlab' ? gitlabDisplayVersion(found, versionOrAlias) : found.version;
    const files = await this.listFiles(model, version, found);
    return { registered, found, version, files };
  }

  async recordPromotion(version: VersionInfo, entry: PromotionHistoryEntry): Promise<void> {
    if (this.dialect === 'gitlab') {
      this.warnNoWriteBack();
      return;
    }
    for (const tag of promotionTags(entry)) {
      await this.call(`writing tag ${tag.key} on ${version.model} v${version.version}`, () =>
        this.client.post('model-versions/set-tag', {
          name: version.model,
          version: version.version,
          key: tag.key,
          value: tag.value,
        }),
      );
    }
    if (entry.status === 'succeeded') {
      await this.call(`setting alias ${entry.environment} of ${version.model} to v${version.version}`, () =>
        this.client.post('registered-models/alias', {
          name: version.model,
          alias: entry.environment,
          version: version.version,
        }),
      );
    }
  }

  async history(model: string): Promise<PromotionHistoryEntry[]> {
    if (this.dialect === 'gitlab') return [];
    const versions = await this.allVersions(model);
    return historyFromTags(versions);
  }

  private warnNoWriteBack(): void {
    if (this.warnedNoWriteBack) return;
    this.warnedNoWriteBack = true;
    this.options.logger.warn(
      `${this.location}: GitLab's MLflow API cannot set model version tags or aliases, so the promotion is not written back (see docs/registries.md)`,
    );
  }

  private async registeredModel(model: string): Promise<MlflowRegisteredModel> {
    const body = await this.call(`reading model ${model}`, () =>
      this.client.get<{ registered_model?: MlflowRegisteredModel }>('registered-models/get', { name: model }),
    ).catch((error: unknown) => {
      if (isNotFound(error)) {
        throw new RegistryError(
          'usage',
          'unknown-model',
          `model "${model}" is not in registry ${this.location}`,
          'check the model name (registered model names are case-sensitive)',
        );
      }
      throw error;
    });
    if (!body.registered_model)
      throw invalid(`registered-models/get for ${model} returned no registered_model`);
    return body.registered_model;
  }

  private async findVersion(
    model: string,
    versionOrAlias: string,
    registered: MlflowRegisteredModel,
  ): Promise<MlflowModelVersion> {
    if (versionOrAlias === 'latest' && !registered.aliases?.some((a) => a.alias === 'latest'))
      return this.latest(model);
    const looksLikeVersion =
      this.dialect === 'gitlab'
        ? /^\d+(\.\d+)*([-+].*)?$/.test(versionOrAlias)
        : /^\d+$/.test(versionOrAlias);
    if (looksLikeVersion) {
      try {
        const body = await this.call(`reading ${model} version ${versionOrAlias}`, () =>
          this.client.get<{ model_version?: MlflowModelVersion }>('model-versions/get', {
            name: model,
            version: versionOrAlias,
          }),
        );
        if (!body.model_version)
          throw invalid(`model-versions/get for ${model} v${versionOrAlias} returned no model_version`);
        return body.model_version;
      } catch (error) {
        if (!isNotFound(error) && !isInvalidParameter(error)) throw error;
      }
    }
    try {
      const body = await this.call(`reading alias ${versionOrAlias} of ${model}`, () =>
        this.client.get<{ model_version?: MlflowModelVersion }>('registered-models/alias', {
          name: model,
          alias: versionOrAlias,
        }),
      );
      if (body.model_version) return body.model_version;
    } catch (error) {
      if (!isNotFound(error) && !isInvalidParameter(error)) throw error;
    }
    const aliases = (registered.aliases ?? []).map((a) => a.alias).sort();
    throw new RegistryError(
      'usage',
      'unknown-version',
      `${model} has no version or alias "${versionOrAlias}" in ${this.location}`,
      aliases.length
        ? `use a version number, latest, or one of the aliases: ${aliases.join(', ')}`
        : 'use a version number or latest',
    );
  }

  private async latest(model: string): Promise<MlflowModelVersion> {
    const versions =
      this.dialect === 'gitlab'
        ? ((
            await this.call(`reading the latest version of ${model}`, () =>
              this.client.post<{ model_versions?: MlflowModelVersion[] }>(
                'registered-models/get-latest-versions',
                { name: model },
              ),
            )
          ).model_versions ?? [])
        : await this.allVersions(model);
    const highest = [...versions].sort((a, b) => compareVersionNumbers(a.version, b.version)).at(-1);
    if (!highest)
      throw new RegistryError(
        'usage',
        'unknown-version',
        `${model} has no versions in ${this.location}`,
        'register a version of the model first',
      );
    return highest;
  }

  /** Every version of the model (`model-versions/search`, all pages). */
  private async allVersions(model: string): Promise<MlflowModelVersion[]> {
    const versions: MlflowModelVersion[] = [];
    let pageToken: string | undefined;
    do {
      const params: Record<string, string> = {
        filter: `name=${quoteFilter(model)}`,
        max_results: '1000',
        ...(pageToken && { page_token: pageToken }),
      };
      const body = await this.call(`searching versions of ${model}`, () =>
        this.client.get<{ model_versions?: MlflowModelVersion[]; next_page_token?: string }>(
          'model-versions/search',
          params,
        ),
      );
      versions.push(...(body.model_versions ?? []));
      pageToken = body.next_page_token || undefined;
    } while (pageToken);
    return versions;
  }

  /** Every file of the version through the artifact proxy, as RemoteFiles relative to the model root. */
  private async listFiles(model: string, version: string, found: MlflowModelVersion): Promise<RemoteFile[]> {
    const body = await this.call(`reading the download URI of ${model} v${version}`, () =>
      this.client.get<{ artifact_uri?: string }>('model-versions/get-download-uri', {
        name: model,
        version: found.version,
      }),
    );
    const uri = body.artifact_uri ?? '';
    const root = artifactProxyPath(uri);
    if (root === undefined) {
      throw new MlflowError(
        'usage',
        'artifact-uri-unsupported',
        `${model} v${version} is stored at "${uri}", which ${this.client.base} does not serve through its artifact proxy`,
        'run the MLflow server with artifact serving (mlflow server --serve-artifacts, the default since MLflow 2.0) so versions have mlflow-artifacts: URIs',
      );
    }
    const files: RemoteFile[] = [];
    const pending: string[] = [''];
    while (pending.length > 0) {
      const relative = pending.shift()!;
      const folder = [root, relative].filter(Boolean).join('/');
      const entries = await this.call(`listing the artifacts of ${model} v${version}`, () =>
        this.client.listArtifacts(folder),
      );
      for (const entry of entries) {
        const name = entryPath(folder, entry.path);
        const path = [relative, name].filter(Boolean).join('/');
        if (entry.is_dir) pending.push(path);
        else files.push(this.remoteFile(root, path, entry.file_size));
        if (files.length + pending.length > MAX_FILES)
          throw invalid(`${model} v${version} lists more than ${MAX_FILES} artifacts`);
      }
    }
    if (files.length === 0) {
      throw new MlflowError(
        'refused',
        'artifact-missing',
        `${model} v${version} has no artifacts at ${uri}`,
        'log the model files (and model.sig) with the version',
      );
    }
    return files.sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  private remoteFile(root: string, path: string, size: number | string | undefined): RemoteFile {
    const bytes = size === undefined || size === '' ? undefined : Number(size);
    const full = [root, path].filter(Boolean).join('/');
    return {
      path,
      ...(bytes !== undefined && Number.isSafeInteger(bytes) && { size: bytes }),
      open: () => this.openArtifact(full),
      openFrom: (start) => this.openArtifact(full, start),
    };
  }

  private async openArtifact(full: string, start?: number): Promise<AsyncIterable<Uint8Array>> {
    try {
      return await this.client.openArtifact(full, start);
    } catch (error) {
      if (error instanceof MlflowApiError) {
        throw new MlflowError(
          'failed',
          'artifact-missing',
          `${error.message}`,
          "check the version's artifacts in the registry",
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Runs a request; MLflow's own errors become MlflowError with the server's words. */
  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof MlflowApiError && !isNotFound(error) && !isInvalidParameter(error)) {
        throw new MlflowError(
          'failed',
          'registry-error',
          `${what}: ${error.message}`,
          "check the registry's health; this is the server's answer",
          { cause: error },
        );
      }
      throw error;
    }
  }
}

function checkReady(version: MlflowModelVersion): void {
  const status = version.status ?? 'READY';
  if (status === 'READY') return;
  const pending = status === 'PENDING_REGISTRATION';
  throw new MlflowError(
    'refused',
    'version-not-ready',
    `${version.name} version ${version.version} is ${status}${version.status_message ? ` (${version.status_message})` : ''}: only READY versions are promoted`,
    pending
      ? 'wait until the registration finishes, then promote again'
      : 'register the model again; a failed registration has no usable files',
  );
}

function aliasesOf(version: MlflowModelVersion, registered: MlflowRegisteredModel): string[] {
  const fromModel = (registered.aliases ?? [])
    .filter((a) => a.version === version.version)
    .map((a) => a.alias);
  return [...new Set([...(version.aliases ?? []), ...fromModel])].sort();
}

/** Registered model tags, then version tags over them; system (`mlflow.`) and our own tags are not labels. */
export function labelsOf(
  registered: MlflowRegisteredModel,
  version: MlflowModelVersion,
): Record<string, string> {
  const labels: Record<string, string> = {};
  const add = (tags: readonly MlflowTag[] | undefined) => {
    for (const tag of tags ?? []) {
      if (tag.key.startsWith('mlflow.') || tag.key.startsWith(TAG_PREFIX) || tag.key.startsWith('gitlab.'))
        continue;
      labels[tag.key] = tag.value ?? '';
    }
  };
  add(registered.tags);
  add(version.tags);
  return labels;
}

/** A listed entry relative to `folder`: MLflow lists base names; some servers list full paths. */
function entryPath(folder: string, listed: string): string {
  if (folder && listed.startsWith(`${folder}/`)) return listed.slice(folder.length + 1);
  return listed.replace(/^\/+/, '');
}

function compareVersionNumbers(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** A string literal for MLflow's filter grammar. */
function quoteFilter(value: string): string {
  return value.includes("'") ? `"${value.replace(/"/g, '\\"')}"` : `'${value}'`;
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof MlflowApiError &&
    (error.errorCode === 'RESOURCE_DOES_NOT_EXIST' || (error.status === 404 && error.errorCode === undefined))
  );
}

function isInvalidParameter(error: unknown): boolean {
  return error instanceof MlflowApiError && error.errorCode === 'INVALID_PARAMETER_VALUE';
}

function invalid(message: string): MlflowError {
  return new MlflowError(
    'failed',
    'invalid-response',
    message,
    'check that --registry names an MLflow tracking server',
  );
}
