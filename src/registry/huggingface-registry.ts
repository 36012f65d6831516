/**
 * A Hugging Face Hub (huggingface.co or a private hub) as a ModelRegistry, through @huggingface/hub.
 *
 *   --registry hf://ORG                                   models ORG/MODEL on huggingface.co
 *   --registry hf://ORG?endpoint=https://hub.example.com  a private hub (or env HF_ENDPOINT)
 *
 * A version is a git revision: a commit, a tag or a branch (`latest` is `main`). It is pinned to its
 * commit before anything is read, so a branch that moves meanwhile cannot mix two versions' files.
 * Aliases are the tags and branches pointing at that commit; labels come from the model card
 * metadata (scalar `cardData` fields, and a `labels:` map in it) over the repo's `key:value` tags.
 * Files are listed with their LFS sha256 (so the download cache checks them while writing) and
 * streamed into the cache, or listed for a streamed promotion (resolveListed: the signature alone
 * is read; a file resumes from an offset with a Range request). The Hub has no place to write a promotion without a commit or a pull
 * request, so recordPromotion writes nothing (a warning says so) and the history is empty.
 * Token: HF_TOKEN (or HUGGING_FACE_HUB_TOKEN), masked.
 */
import { downloadFile, HubApiError, listFiles, modelInfo } from '@huggingface/hub';
import type { RemoteFile } from './download-cache.js';
import { listSigned, materializeSigned } from './signed-download.js';
import { HubError } from './huggingface-error.js';
import { describeFetchFailure, retryingFetch } from './registry-fetch.js';
import type {
  ListedVersion,
  ModelRegistry,
  ModelVersion,
  PromotionHistoryEntry,
  RemoteRegistryOptions,
  VersionInfo,
} from './model-version.js';
import { RegistryError } from './registry-error.js';

export const SIGNATURE_FILE = 'model.sig';
const DEFAULT_HUB = 'https://huggingface.co';
const COMMIT = /^[0-9a-f]{40}$/;

interface HubRef {
  readonly name: string;
  readonly ref?: string;
  readonly targetCommit: string;
}

interface HubRefs {
  readonly branches?: readonly HubRef[];
  readonly tags?: readonly HubRef[];
}

/** A revision pinned to its commit, with what the Hub says of it. */
interface Located {
  readonly repo: string;
  readonly commit: string;
  readonly refs: HubRefs;
  readonly cardData: unknown;
  readonly tags: unknown;
  readonly files: RemoteFile[];
}

export function openHuggingFaceRegistry(
  location: string,
  options: RemoteRegistryOptions,
): HuggingFaceRegistry {
  let url: URL | undefined;
  try {
    url = new URL(location);
  } catch {
    url = undefined;
  }
  const endpoint = url?.searchParams.get('endpoint') || options.env.HF_ENDPOINT || DEFAULT_HUB;
  const valid =
    url !== undefined &&
    url.protocol === 'hf:' &&
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(url.host) &&
    (url.pathname === '' || url.pathname === '/') &&
    [...url.searchParams.keys()].every((key) => key === 'endpoint') &&
    /^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(endpoint);
  if (!valid) {
    throw new HubError(
      'usage',
      'registry-uri-invalid',
      `registry "${location}" is not a Hugging Face organisation URI`,
      'write hf://ORG (models are ORG/MODEL), with ?endpoint=https://HUB for a private hub (or set HF_ENDPOINT)',
    );
  }
  const token = options.env.HF_TOKEN || options.env.HUGGING_FACE_HUB_TOKEN || undefined;
  if (token) options.mask?.(token);
  if (token && !token.startsWith('hf_')) {
    // @huggingface/hub throws a TypeError for any other token, which would read as a network failure.
    throw new HubError(
      'usage',
      'registry-unauthorized',
      'HF_TOKEN is not a Hugging Face access token (they start with hf_)',
      'set HF_TOKEN (or HUGGING_FACE_HUB_TOKEN) to a user access token from the hub settings',
    );
  }
  return new HuggingFaceRegistry(location, url!.host, endpoint.replace(/\/+$/, ''), token, options);
}

export class HuggingFaceRegistry implements ModelRegistry {
  readonly historyKeeps = 'nothing';
  private warned = false;
  private readonly fetch: typeof fetch;

  constructor(
    readonly location: string,
    readonly organisation: string,
    readonly hubUrl: string,
    private readonly token: string | undefined,
    private readonly options: RemoteRegistryOptions,
  ) {
    this.fetch = retryingFetch({
      logger: options.logger,
      ...(options.fetch && { fetch: options.fetch }),
      ...(options.retries !== undefined && { retries: options.retries }),
      ...(options.retryDelayMs !== undefined && { retryDelayMs: options.retryDelayMs }),
    });
  }

  async resolve(model: string, versionOrAlias: string): Promise<ModelVersion> {
    const located = await this.locate(model, versionOrAlias);
    const { repo, commit, files } = located;
    const materialized = await materializeSigned(
      this.options.cache,
      `hf/${this.hubUrl}/${repo}/${commit}`,
      files,
      this.signatureOf(located),
      {
        logger: this.options.logger,
        label: this.label(repo, commit),
        ...(this.options.retries !== undefined && { retries: this.options.retries }),
      },
    );
    return {
      ...this.versionInfo(model, versionOrAlias, located),
      directory: materialized.directory,
      signaturePath: `${materialized.directory}/${SIGNATURE_FILE}`,
      knownDigests: materialized.hashed,
    };
  }

  /** The version listed and its signature read, no model byte: the promotion streams the files. */
  async resolveListed(model: string, versionOrAlias: string): Promise<ListedVersion> {
    const located = await this.locate(model, versionOrAlias);
    const label = this.label(located.repo, located.commit);
    const listed = await listSigned(located.files, this.signatureOf(located), label, this.options.logger);
    return { ...this.versionInfo(model, versionOrAlias, located), label, ...listed };
  }

  private label(repo: string, commit: string): string {
    return `${repo}@${commit.slice(0, 12)} from ${this.hubUrl}`;
  }

  /** The revision pinned to its commit, its model info and its files; nothing downloaded. */
  private async locate(model: string, versionOrAlias: string): Promise<Located> {
    const repo = `${this.organisation}/${model}`;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(model)) {
      throw new RegistryError(
        'usage',
        'unknown-model',
        `model name "${model}" is not a Hub repository name`,
        'name a model repository of the organisation (letters, digits, ".", "_", "-")',
      );
    }
    const refs = await this.refs(repo);
    const revision = versionOrAlias === 'latest' ? 'main' : versionOrAlias;
    const named = [...(refs.branches ?? []), ...(refs.tags ?? [])].find((ref) => ref.name === revision);
    const commit = named?.targetCommit ?? (COMMIT.test(revision) ? revision : undefined);
    if (!commit) {
      const choices = [...(refs.tags ?? []), ...(refs.branches ?? [])].map((ref) => ref.name);
      throw new RegistryError(
        'usage',
        'unknown-version',
        `${repo} has no revision "${versionOrAlias}" on ${this.hubUrl}`,
        choices.length ? `use a commit id or one of: ${choices.join(', ')}` : 'use a commit id',
      );
    }
    const info = await this.hub(`reading ${repo}@${commit.slice(0, 12)}`, repo, versionOrAlias, () =>
      modelInfo({
        name: repo,
        revision: commit,
        additionalFields: ['cardData', 'tags', 'sha'],
        ...this.common(),
      }).catch((error: unknown) => {
        // A commit id that is not in the repository: the Hub answers 404 RevisionNotFound.
        if (error instanceof HubApiError && error.statusCode === 404 && !named) {
          throw new RegistryError(
            'usage',
            'unknown-version',
            `${repo} has no commit "${versionOrAlias}" on ${this.hubUrl}`,
            'use a commit id of the repository, a tag or a branch',
          );
        }
        throw error;
      }),
    );
    const files = await this.listFiles(repo, commit, versionOrAlias);
    return { repo, commit, refs, cardData: info.cardData, tags: info.tags, files };
  }

  private signatureOf({ repo, commit, files }: Located): RemoteFile {
    const signature = files.find((file) => file.path === SIGNATURE_FILE);
    if (!signature) {
      throw new RegistryError(
        'refused',
        'signature-missing',
        `${repo}@${commit.slice(0, 12)} on ${this.hubUrl} has no ${SIGNATURE_FILE}`,
        `sign the model folder (model-promote sign DIR) and commit ${SIGNATURE_FILE} with it`,
      );
    }
    return signature;
  }

  /** What a resolved version is, however its files are then read. */
  private versionInfo(model: string, requested: string, located: Located): VersionInfo {
    const { refs, commit } = located;
    const aliases = [...(refs.branches ?? []), ...(refs.tags ?? [])]
      .filter((ref) => ref.targetCommit === commit)
      .map((ref) => ref.name);
    return {
      registry: this.location,
      model,
      version: commit,
      requested,
      aliases: [...new Set(aliases)].sort(),
      labels: hubLabels(located.cardData, located.tags),
      signatureName: SIGNATURE_FILE,
    };
  }

  async recordPromotion(version: VersionInfo): Promise<void> {
    if (this.warned) return;
    this.warned = true;
    this.options.logger.warn(
      `${this.hubUrl}: the Hub takes writes only as commits or pull requests, so the promotion of ${this.organisation}/${version.model} is not written back; the promotion record is the history (see docs/registries.md)`,
    );
  }

  async history(): Promise<PromotionHistoryEntry[]> {
    return [];
  }

  private common(): { hubUrl: string; fetch: typeof fetch; accessToken?: string } {
    return { hubUrl: this.hubUrl, fetch: this.fetch, ...(this.token && { accessToken: this.token }) };
  }

  /** Branches and tags (`GET /api/models/REPO/refs`): also tells an unknown model from an unknown revision. */
  private async refs(repo: string): Promise<HubRefs> {
    const url = `${this.hubUrl}/api/models/${repo}/refs`;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(this.token && { authorization: `Bearer ${this.token}` }),
    };
    let response: Response;
    try {
      // this.fetch retries under the policy already.
      response = await this.fetch(url, { headers });
    } catch (error) {
      throw unreachable(this.hubUrl, `reading the refs of ${repo}`, error);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw this.statusError(
        response.status,
        `reading the refs of ${repo}: ${response.status} ${errorText(text)}`,
        repo,
        undefined,
      );
    }
    return (await response.json()) as HubRefs;
  }

  private async listFiles(repo: string, commit: string, requested: string): Promise<RemoteFile[]> {
    const files: RemoteFile[] = [];
    await this.hub(`listing the files of ${repo}@${commit.slice(0, 12)}`, repo, requested, async () => {
      for await (const entry of listFiles({ repo, revision: commit, recursive: true, ...this.common() })) {
        if (entry.type !== 'file') continue;
        const size = entry.lfs?.size ?? entry.size;
        files.push({
          path: entry.path,
          ...(Number.isSafeInteger(size) && { size }),
          ...(entry.lfs?.oid && /^[0-9a-f]{64}$/.test(entry.lfs.oid) && { sha256: entry.lfs.oid }),
          open: () => this.open(repo, commit, entry.path),
          openFrom: (start: number) => this.openFrom(repo, commit, entry.path, start),
        });
      }
    });
    return files.sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  private async open(repo: string, commit: string, path: string): Promise<AsyncIterable<Uint8Array>> {
    const what = `downloading ${path} of ${repo}@${commit.slice(0, 12)}`;
    const blob = await this.hub(what, repo, commit, () =>
      downloadFile({ repo, path, revision: commit, xet: false, ...this.common() }),
    );
    if (!blob)
      throw new HubError(
        'failed',
        'artifact-missing',
        `${what}: the Hub has no such file`,
        "check the revision's files on the Hub",
      );
    return blob.stream() as unknown as AsyncIterable<Uint8Array>;
  }

  /**
   * The file's bytes from byte `start` on: a Range request on its resolve URL, which the Hub
   * redirects (LFS files) to a store that serves ranges. fetch drops the Authorization header on a
   * redirect to another origin, so the token does not travel to the store.
   */
  private async openFrom(
    repo: string,
    commit: string,
    path: string,
    start: number,
  ): Promise<AsyncIterable<Uint8Array>> {
    const what = `downloading ${path} of ${repo}@${commit.slice(0, 12)} from byte ${start}`;
    const url = `${this.hubUrl}/${repo}/resolve/${commit}/${path.split('/').map(encodeURIComponent).join('/')}`;
    let response: Response;
    try {
      response = await this.fetch(url, {
        headers: { range: `bytes=${start}-`, ...(this.token && { authorization: `Bearer ${this.token}` }) },
      });
    } catch (error) {
      throw unreachable(this.hubUrl, what, error);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw this.statusError(response.status, `${what}: ${response.status} ${errorText(text)}`, repo, commit);
    }
    const range = response.headers.get('content-range') ?? '';
    if (response.status !== 206 || !range.startsWith(`bytes ${start}-`) || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw new HubError(
        'failed',
        'invalid-response',
        `${what}: ${this.hubUrl} answered ${response.status}${range ? ` (${range})` : ''}, not 206 from byte ${start}, to a Range request`,
        'the Hub does not serve this file in ranges: the file is read again from its start',
      );
    }
    return response.body as unknown as AsyncIterable<Uint8Array>;
  }

  /** Runs a @huggingface/hub call; its errors become HubError / RegistryError naming the request. */
  private async hub<T>(what: string, repo: string, requested: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof RegistryError || error instanceof HubError) throw error;
      if (error instanceof HubApiError)
        throw this.statusError(
          error.statusCode,
          `${what}: ${error.statusCode} ${error.message}`,
          repo,
          requested,
        );
      throw unreachable(this.hubUrl, what, error);
    }
  }

  private statusError(status: number, message: string, repo: string, requested: string | undefined): Error {
    if (status === 401 && !this.token) {
      // The Hub answers 401 for a private or missing repository when no token is given.
      return new RegistryError(
        'usage',
        'unknown-model',
        `model ${repo} is not on ${this.hubUrl} or is private (${message})`,
        'check the name, or set HF_TOKEN to a token that may read it',
      );
    }
    if (status === 401)
      return new HubError(
        'failed',
        'registry-unauthorized',
        `${message}`,
        'set HF_TOKEN to a valid token that may read the repository',
      );
    if (status === 403)
      return new HubError(
        'failed',
        'registry-denied',
        `${message}: the token may not read ${repo}`,
        'use a token with read access to the repository (gated models: accept the conditions first)',
      );
    if (status === 404 && requested === undefined) {
      return new RegistryError(
        'usage',
        'unknown-model',
        `model ${repo} is not on ${this.hubUrl}`,
        'check the organisation (hf://ORG) and the model name',
      );
    }
    if (status === 404)
      return new HubError('failed', 'artifact-missing', message, "check the revision's files on the Hub");
    return new HubError('failed', 'registry-error', message, "check the Hub's health; this is its answer");
  }
}

/** Model card metadata and `key:value` tags as labels: tags first, card scalars over them, then `labels:`. */
export function hubLabels(cardData: unknown, tags: unknown): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const tag of Array.isArray(tags) ? tags : []) {
    if (typeof tag !== 'string') continue;
    const colon = tag.indexOf(':');
    if (colon > 0) labels[tag.slice(0, colon)] = tag.slice(colon + 1);
  }
  const card = typeof cardData === 'object' && cardData !== null ? (cardData as Record<string, unknown>) : {};
  for (const [key, value] of Object.entries(card)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      labels[key] = String(value);
  }
  const explicit = card.labels;
  if (typeof explicit === 'object' && explicit !== null && !Array.isArray(explicit)) {
    for (const [key, value] of Object.entries(explicit as Record<string, unknown>)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        labels[key] = String(value);
    }
  }
  return labels;
}

function unreachable(hubUrl: string, what: string, error: unknown): HubError {
  return new HubError(
    'failed',
    'registry-unreachable',
    `${what}: cannot reach ${hubUrl}: ${describeFetchFailure(error)}`,
    'check the hub URL (HF_ENDPOINT or ?endpoint=) and the network',
    { cause: error },
  );
}

function errorText(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') return body.error;
  } catch {
    // not JSON
  }
  return text.slice(0, 200);
}
