/**
 * A client for one registry, following the OCI distribution spec: `/v2/` ping, manifests (GET,
 * HEAD, PUT), blobs (HEAD, GET), with authorization, retries and errors that name the registry,
 * the object and the credential tried. Uploads live in upload.ts on top of `send`.
 */
import { createHash } from 'node:crypto';
import { type Logger, silentLogger } from '../../logger.js';
import { type Digest, sha256Digest } from '../digest.js';
import { MediaType } from '../media-types.js';
import type { Descriptor } from '../types.js';
import { Authenticator, credentialHint } from './auth.js';
import { repositoryScope } from './challenge.js';
import { ANONYMOUS, type CredentialProvider } from './credentials.js';
import { isLoopback, registryOrigin } from './reference.js';
import {
  describeErrorBody,
  parseErrorBody,
  OciRegistryError,
  type OciRegistryErrorCode,
} from './remote-error.js';
import {
  DEFAULT_RETRY,
  isNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  RetriesExhausted,
  type RetryPolicy,
  TransientFailure,
  withRetry,
} from '../../retry.js';
import {
  BodyTooLargeError,
  type HttpRequest,
  type HttpResponse,
  nodeTransport,
  type RequestBody,
  type Transport,
} from './transport.js';

/** What a manifest GET accepts: docker-registry 2.8 serves OCI manifests only to a matching Accept. */
export const MANIFEST_ACCEPT = [
  MediaType.ImageManifest,
  MediaType.ImageIndex,
  MediaType.DockerManifest,
  MediaType.DockerManifestList,
].join(', ');
/** The spec's floor for what registries accept; we read no larger manifest. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface RegistryClientOptions {
  /** `ghcr.io`, `127.0.0.1:5000`, `docker.io` */
  readonly registry: string;
  readonly credentials?: CredentialProvider;
  /** Plain HTTP to a registry that is not on loopback. */
  readonly insecure?: boolean;
  readonly logger?: Logger;
  readonly transport?: Transport;
  readonly retry?: RetryPolicy;
  readonly mask?: (secret: string) => void;
}

export interface SendOptions {
  readonly method: HttpRequest['method'];
  /** A path on the registry (`/v2/...`) or an absolute URL (an upload Location). */
  readonly url: string | URL;
  readonly headers?: Readonly<Record<string, string>>;
  /** Bytes, or a stream sent once: a 401 to a stream is not retried with a fresh token. */
  readonly body?: RequestBody;
  readonly scopes: readonly string[];
  /** Names the step in messages: `pushing blob sha256:... to HOST/REPO`. */
  readonly what: string;
  /** Statuses handed back as they are; any other fails. */
  readonly expect: readonly number[];
  /** False for steps whose caller reconciles state itself (PATCH); default true. */
  readonly retry?: boolean;
  readonly onBodyBytes?: (bytes: number) => void;
}

/** A 404 for an upload session: the registry lost or cancelled it; the upload starts over. */
export class UploadLost extends Error {
  override readonly name = 'UploadLost';
}

export interface PushedManifest {
  readonly digest: Digest;
  /** `OCI-Subject`: the registry lists this manifest among its subject's referrers itself. */
  readonly subject?: string;
}

export interface FetchedManifest {
  readonly mediaType: string;
  readonly digest: Digest;
  readonly bytes: Uint8Array;
}

export class RegistryClient {
  readonly registry: string;
  readonly origin: string;
  readonly logger: Logger;
  readonly retry: RetryPolicy;
  private readonly transport: Transport;
  private readonly auth: Authenticator;
  private pinged: Promise<void> | undefined;

  constructor(options: RegistryClientOptions) {
    this.registry = options.registry;
    this.origin = registryOrigin(options.registry, options.insecure);
    this.logger = options.logger ?? silentLogger;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.transport = options.transport ?? nodeTransport();
    const credentials = options.credentials;
    this.auth = new Authenticator({
      registry: options.registry,
      transport: this.transport,
      credential: credentials ? () => credentials(options.registry) : () => Promise.resolve(ANONYMOUS),
      logger: this.logger,
      retry: this.retry,
      ...(options.mask ? { mask: options.mask } : {}),
    });
    if (options.insecure && !isLoopback(options.registry)) {
      this.logger.warn(`talking to ${options.registry} over plain HTTP (insecure is set)`);
    }
  }

  /** `GET /v2/`: checks the registry answers and learns how it wants to be authorized. */
  ping(): Promise<void> {
    this.pinged ??= this.doPing().catch((error: unknown) => {
      this.pinged = undefined;
      throw error;
    });
    return this.pinged;
  }

  private async doPing(): Promise<void> {
    const what = `reaching ${this.registry}`;
    const options: SendOptions = { method: 'GET', url: '/v2/', scopes: [], what, expect: [200, 401, 404] };
    let response: HttpResponse;
    try {
      response = await withRetry(what, this.retry, this.logger, () => this.attempt(options, false));
    } catch (error) {
      throw this.finalError(error, what);
    }
    await response.discard();
    if (response.status === 404) {
      throw new OciRegistryError(
        'usage',
        'registry-response-invalid',
        `${this.origin}/v2/ answered 404: ${this.registry} does not speak the OCI distribution API`,
        'check the registry name (for Docker Hub write docker.io)',
      );
    }
    if (response.status === 401) this.auth.learn(response.header('www-authenticate'));
  }

  async headManifest(repository: string, reference: string): Promise<Descriptor | undefined> {
    const response = await this.send({
      method: 'HEAD',
      url: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [repositoryScope(repository, false)],
      what: `looking up ${this.registry}/${repository}:${reference}`,
      expect: [200, 404],
    });
    await response.discard();
    if (response.status === 404) return undefined;
    const digest = response.header('docker-content-digest');
    const mediaType = response.header('content-type')?.split(';')[0]?.trim();
    const size = Number(response.header('content-length'));
    if (!digest || !mediaType || !Number.isSafeInteger(size)) return undefined;
    return { mediaType, digest, size };
  }

  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const name = `${this.registry}/${repository}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`;
    const response = await this.send({
      method: 'GET',
      url: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [repositoryScope(repository, false)],
      what: `reading manifest ${name}`,
      expect: [200, 404],
    });
    if (response.status === 404) {
      const body = await response.text();
      throw new OciRegistryError(
        'usage',
        'manifest-unknown',
        `manifest ${name} is not in the registry (${describeErrorBody(body)})`,
        `check the tag or digest exists: skopeo inspect docker://${name.replace('@', '@')}`,
      );
    }
    let bytes: Buffer;
    try {
      bytes = await response.bytes(MAX_MANIFEST_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        throw new OciRegistryError(
          'failed',
          'manifest-too-large',
          `manifest ${name} is larger than ${MAX_MANIFEST_BYTES} bytes`,
          undefined,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
    const digest = sha256Digest(bytes);
    const claimed = response.header('docker-content-digest');
    if (
      (reference.startsWith('sha256:') && reference !== digest) ||
      (claimed?.startsWith('sha256:') && claimed !== digest)
    ) {
      throw new OciRegistryError(
        'failed',
        'digest-mismatch',
        `manifest ${name} has digest ${digest}, the registry said ${claimed ?? reference}`,
        'the registry or a proxy changed the bytes: try again, or report it to the registry operator',
      );
    }
    const mediaType = response.header('content-type')?.split(';')[0]?.trim() ?? mediaTypeInside(bytes);
    return { mediaType, digest, bytes };
  }

  /** PUT a manifest by tag or digest with its exact bytes; checks the digest the registry returns. */
  async putManifest(
    repository: string,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
    what = 'manifest',
  ): Promise<PushedManifest> {
    const digest = sha256Digest(bytes);
    const name = `${this.registry}/${repository}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`;
    const response = await this.send({
      method: 'PUT',
      url: `/v2/${repository}/manifests/${reference}`,
      headers: { 'content-type': mediaType },
      body: bytes,
      scopes: [repositoryScope(repository, true)],
      what: `pushing ${what} ${name}`,
      expect: [201],
    });
    await response.discard();
    checkStoredDigest(
      response,
      digest,
      `pushing ${what} ${name}`,
      'the registry rewrote the manifest; push by digest to a registry that keeps bytes as sent',
    );
    const subject = response.header('oci-subject');
    return { digest, ...(subject !== undefined && { subject }) };
  }

  /** The blob's size when the repository has it, else undefined. */
  async headBlob(repository: string, digest: string, push = false): Promise<number | undefined> {
    const response = await this.send({
      method: 'HEAD',
      url: `/v2/${repository}/blobs/${digest}`,
      scopes: [repositoryScope(repository, push)],
      what: `looking for blob ${digest} in ${this.registry}/${repository}`,
      expect: [200, 404],
    });
    await response.discard();
    if (response.status === 404) return undefined;
    const size = Number(response.header('content-length'));
    return Number.isSafeInteger(size) ? size : undefined;
  }

  /** Streams a blob (following redirects to storage without our credentials); checks its digest at the end. */
  async *openBlob(repository: string, digest: string): AsyncIterable<Uint8Array> {
    const what = `reading blob ${digest} from ${this.registry}/${repository}`;
    yield* this.checkedBlob(await this.getBlob(repository, digest, what), digest, what);
  }

  /**
   * Bytes `start` to `end` (inclusive) of a blob: a Range request. A registry that answers 206 sends
   * that range only, whose digest cannot be checked here: the caller's own check of the bytes has
   * to cover it (a resumed upload's does: the target registry refuses a blob whose bytes do not give
   * the digest the first, checked, pass computed). A registry that ignores Range answers 200 with the
   * whole blob: its bytes before `start` and after `end` are read and dropped, and the digest is
   * checked at the end as for openBlob, so no byte is ever taken from an unchecked whole blob.
   */
  async *openBlobRange(
    repository: string,
    digest: string,
    start: number,
    end: number,
  ): AsyncIterable<Uint8Array> {
    const what = `reading bytes ${start}-${end} of blob ${digest} from ${this.registry}/${repository}`;
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
      throw new RangeError(`${what}: not a byte range`);
    }
    const response = await this.getBlob(repository, digest, what, `bytes=${start}-${end}`);
    if (response.status === 200) {
      this.logger.debug(
        `${what}: the registry ignored the Range and sent the whole blob; skipping to byte ${start}`,
      );
      let at = 0;
      for await (const chunk of this.checkedBlob(response, digest, what)) {
        const from = Math.max(start - at, 0);
        const to = Math.min(end + 1 - at, chunk.byteLength);
        at += chunk.byteLength;
        if (from < to) yield chunk.subarray(from, to);
      }
      if (at <= end) throw shortRange(what, Math.max(at - start, 0), end - start + 1);
      return;
    }
    const contentRange = response.header('content-range') ?? '';
    const served = /^bytes (\d+)-(\d+)\/(?:\d+|\*)$/.exec(contentRange.trim());
    if (!served || Number(served[1]) !== start || Number(served[2]) !== end) {
      await response.discard();
      throw new OciRegistryError(
        'failed',
        'registry-response-invalid',
        `${what}: the registry answered 206 with ${contentRange ? `Content-Range ${JSON.stringify(contentRange)}` : 'no Content-Range'}`,
        'the registry or a proxy serves other ranges than asked: the blob is read again from its start',
      );
    }
    let read = 0;
    for await (const chunk of response.stream() as AsyncIterable<Buffer>) {
      read += chunk.byteLength;
      if (read > end - start + 1) break;
      yield chunk;
    }
    if (read !== end - start + 1) throw shortRange(what, read, end - start + 1);
  }

  /** GET of a blob, following redirects to storage (without our credentials), `range` on each hop. */
  private async getBlob(
    repository: string,
    digest: string,
    what: string,
    range?: string,
  ): Promise<HttpResponse> {
    const ok = range === undefined ? [200] : [200, 206];
    const expect = [...ok, 301, 302, 303, 307, 308];
    const headers = range === undefined ? undefined : { range };
    let response = await this.send({
      method: 'GET',
      url: `/v2/${repository}/blobs/${digest}`,
      ...(headers && { headers }),
      scopes: [repositoryScope(repository, false)],
      what,
      expect,
    });
    for (let hops = 0; !ok.includes(response.status); hops++) {
      const location = response.header('location');
      await response.discard();
      if (!location || hops >= 5)
        throw new OciRegistryError('failed', 'registry-response-invalid', `${what}: too many redirects`);
      response = await this.send({
        method: 'GET',
        url: new URL(location, response.url),
        ...(headers && { headers }),
        scopes: [],
        what,
        expect,
      });
    }
    return response;
  }

  /** The response's bytes, hashed as they pass; a digest other than `digest` fails at the end. */
  private async *checkedBlob(response: HttpResponse, digest: string, what: string): AsyncIterable<Buffer> {
    const hash = createHash('sha256');
    for await (const chunk of response.stream() as AsyncIterable<Buffer>) {
      hash.update(chunk);
      yield chunk;
    }
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== digest) {
      throw new OciRegistryError(
        'failed',
        'digest-mismatch',
        `${what}: got ${actual}`,
        'the registry or a proxy corrupted the blob: try again',
      );
    }
  }

  /** One request with authorization, retried (unless `retry: false`) on 408, 429, 5xx and reset connections. */
  async send(options: SendOptions): Promise<HttpResponse> {
    await this.ping();
    if (options.retry === false) return this.attempt(options, true);
    try {
      return await withRetry(options.what, this.retry, this.logger, () => this.attempt(options, true));
    } catch (error) {
      throw this.finalError(error, options.what);
    }
  }

  /** Maps what is left after the retries to a OciRegistryError naming the count; anything else passes through. */
  finalError(error: unknown, what: string, triesSoFar = 1): unknown {
    const count = error instanceof RetriesExhausted ? error.tries : triesSoFar;
    const tries = count > 1 ? `, after ${count} tries` : '';
    const last = error instanceof RetriesExhausted ? error.cause : error;
    if (last instanceof TransientFailure) {
      return new OciRegistryError(
        'failed',
        'registry-error',
        `${what}: ${last.message}${count > 1 ? `, still failing after ${count} tries` : ''}`,
        `the registry ${this.registry} is failing or overloaded: try again later`,
        { cause: error },
      );
    }
    if (isNetworkError(last) || isDnsError(last)) {
      const code =
        (last as NodeJS.ErrnoException).code ?? (last instanceof Error ? last.message : String(last));
      return new OciRegistryError(
        'failed',
        'registry-unreachable',
        `${what}: cannot reach ${this.origin} (${code})${tries}`,
        `check the registry name and that ${this.registry} is up and reachable from here${isLoopback(this.registry) ? '' : ' over HTTPS (set insecure for a plain-HTTP registry)'}`,
        { cause: error },
      );
    }
    return last;
  }

  private async attempt(options: SendOptions, authorize: boolean): Promise<HttpResponse> {
    const url = new URL(options.url, this.origin);
    const sameOrigin = url.origin === new URL(this.origin).origin;
    let fresh = false;
    for (;;) {
      const authorization =
        authorize && sameOrigin ? await this.auth.header(options.scopes, fresh) : undefined;
      const response = await this.transport({
        method: options.method,
        url,
        headers: { ...options.headers, ...(authorization ? { authorization } : {}) },
        ...(options.body ? { body: options.body } : {}),
        ...(options.onBodyBytes ? { onBodyBytes: options.onBodyBytes } : {}),
      });
      if (
        response.status === 401 &&
        authorize &&
        sameOrigin &&
        !fresh &&
        !(options.body && !(options.body instanceof Uint8Array)) &&
        this.auth.learn(response.header('www-authenticate'))
      ) {
        await response.discard();
        fresh = true;
        continue;
      }
      if (options.expect.includes(response.status)) return response;
      const body = options.method === 'HEAD' ? '' : await response.text(64 * 1024).catch(() => '');
      if (isRetryableStatus(response.status)) {
        throw new TransientFailure(
          `${response.status} from ${url.host}${body ? ` (${describeErrorBody(body)})` : ''}`,
          response.status,
          parseRetryAfter(response.header('retry-after')),
        );
      }
      throw await this.statusError(response.status, body, options, url);
    }
  }

  private async statusError(status: number, body: string, options: SendOptions, url: URL): Promise<Error> {
    const codes = parseErrorBody(body).map((e) => e.code);
    const detail = body ? `: ${describeErrorBody(body)}` : '';
    // olareg answers 400, not the spec's 404, for a session it dropped (after a refused final PUT).
    const lost =
      (status === 404 && codes.some((c) => c === 'BLOB_UPLOAD_UNKNOWN' || c === 'BLOB_UPLOAD_INVALID')) ||
      (status === 400 && codes.includes('BLOB_UPLOAD_UNKNOWN'));
    if (lost) {
      return new UploadLost(
        `${options.what}: the registry lost the upload session (${describeErrorBody(body)})`,
      );
    }
    const error = (kind: 'failed' | 'usage', code: OciRegistryErrorCode, message: string, hint?: string) =>
      new OciRegistryError(kind, code, message, hint);
    if (status === 401 || status === 403) {
      return error(
        'failed',
        status === 401 ? 'registry-unauthorized' : 'registry-denied',
        `${options.what}: ${status} from ${this.registry}: ${await this.auth.describe(options.scopes)}${detail}`,
        credentialHint(this.registry, options.scopes),
      );
    }
    if (status === 413) {
      const blob = url.pathname.includes('/blobs/');
      return error(
        'failed',
        blob ? 'blob-too-large' : 'manifest-too-large',
        `${options.what}: 413 from ${this.registry}, too large${detail}`,
        blob
          ? 'the registry (or a proxy in front of it) limits the size of an upload: raise its body-size limit'
          : 'the registry limits manifest size: make the manifest smaller, or raise the limit',
      );
    }
    if (status === 400 || status === 415) {
      const digestProblem = codes.some((c) => c === 'DIGEST_INVALID' || c === 'SIZE_INVALID');
      return error(
        'failed',
        digestProblem ? 'digest-mismatch' : 'manifest-rejected',
        `${options.what}: ${status} from ${this.registry}${detail}`,
        codes.includes('SIZE_INVALID')
          ? 'the registry received another size than was sent: push again; if it repeats, check for a proxy in front of the registry that cuts large request bodies'
          : digestProblem
            ? 'the bytes changed while they were sent: push again'
            : codes.includes('MANIFEST_BLOB_UNKNOWN')
              ? 'a blob the manifest names is missing: push the blobs before the manifest'
              : 'the registry does not accept this media type or manifest: check it supports OCI image manifests',
      );
    }
    if (status === 404) {
      return error(
        'usage',
        codes.includes('BLOB_UNKNOWN') ? 'blob-unknown' : 'manifest-unknown',
        `${options.what}: 404 from ${this.registry}${detail}`,
        'check the repository name and reference',
      );
    }
    return error(
      'failed',
      'registry-error',
      `${options.what}: unexpected ${status} from ${this.registry}${detail}`,
    );
  }
}

/** Fails when the registry says (`Docker-Content-Digest`) it stored other bytes than were sent. */
export function checkStoredDigest(response: HttpResponse, sent: string, what: string, hint: string): void {
  const returned = response.header('docker-content-digest');
  if (returned !== undefined && returned !== sent) {
    throw new OciRegistryError(
      'failed',
      'digest-mismatch',
      `${what}: the registry stored ${returned}, the bytes sent are ${sent}`,
      hint,
    );
  }
}

function isDnsError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ECONNREFUSED';
}

function mediaTypeInside(bytes: Uint8Array): string {
  try {
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as { mediaType?: unknown };
    return typeof value.mediaType === 'string' ? value.mediaType : MediaType.ImageManifest;
  } catch {
    return MediaType.ImageManifest;
  }
}

function shortRange(what: string, got: number, wanted: number): OciRegistryError {
  return new OciRegistryError(
    'failed',
    'registry-response-invalid',
    `${what}: the registry sent ${got > wanted ? 'more than' : 'only'} ${Math.min(got, wanted)} of the ${wanted} bytes asked for`,
    'the connection broke or the registry serves another blob: the blob is read again from its start',
  );
}
