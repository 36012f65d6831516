/**
 * Blob uploads per the distribution spec: cross-repository mount when another repository of the
 * registry has the blob; monolithic POST+PUT for small blobs; large ones in one pass over the
 * source, hashed as they are sent, the final PUT naming the digest computed (the spec allows it
 * only there), so a blob of unknown digest is read once.
 *
 * Large blobs go up as one streamed PATCH by default (as skopeo, containerd and go-containerregistry
 * do): a blob of known size is one spec chunk (`Content-Range 0-(size-1)` with its length), one of
 * unknown size a chunked-encoding body. Against fixed-size chunks that saves a round trip and a
 * registry-side state save per chunk (about 340 for 2 GiB in 6 MiB chunks), and holds no chunk
 * buffer. A registry that refuses a streamed PATCH at its first byte gets fixed-size chunks instead,
 * from then on (`chunked` mode, also selectable).
 *
 * After a broken PATCH the client asks the session's offset (GET, `Range`) and sends the rest from
 * there: a streamed upload re-opens its source and hashes its way past the bytes the registry holds,
 * a chunked one resends the rest of the chunk in memory. docker-registry 2.8 appends whatever a
 * PATCH carries (it ignores Content-Range) and cancels a session whose stored size no longer
 * matches its signed offset (any PATCH that broke after some bytes landed): such a lost session,
 * like any 404 for it, starts the blob over from its source, a bounded number of times.
 */
import type { Digest } from '../digest.js';
import { DigestCounter } from '../digest.js';
import type { BlobSource } from '../sink.js';
import { repositoryScope } from './challenge.js';
import { checkStoredDigest, type RegistryClient, UploadLost } from './client.js';
import { describeErrorBody, OciRegistryError } from './remote-error.js';
import {
  backoffDelay,
  describeCause,
  isTransient,
  RetriesExhausted,
  retrySleep,
  TransientFailure,
  withRetry,
} from '../../retry.js';

export interface UploadOptions {
  /**
   * How blobs above `monolithicMaxBytes` are sent: `stream` (default) in one PATCH, `chunked` in
   * PATCHes of `chunkSize`. A registry that refuses a stream gets chunks anyway.
   */
  readonly mode?: UploadMode;
  /**
   * PATCH size; raised to the registry's `OCI-Chunk-Min-Length`. Default 6 MiB: each upload holds one
   * chunk (3 at once by default), and the peak RSS of a 2 GiB push stays under 200 MiB; it stays
   * above the 5 MiB minimum part size some registries (ECR) have for all but the last chunk.
   */
  readonly chunkSize?: number;
  /** Known-size blobs up to this go in one PUT. Default 4 MiB. */
  readonly monolithicMaxBytes?: number;
  /** Repositories of the same registry to mount the blob from before uploading it. */
  readonly mountFrom?: readonly string[];
  /** Told the size of every body chunk written to the network (retries included). */
  readonly onBytes?: (bytes: number) => void;
}

export interface UploadResult {
  readonly digest: Digest;
  readonly size: number;
  /** Body bytes sent, retries and restarts included (0 when mounted). */
  readonly bytesSent: number;
  readonly mountedFrom?: string;
  /** Times the upload started over from the source. */
  readonly restarts: number;
}

export type UploadMode = 'stream' | 'chunked';

const MiB = 1024 * 1024;
const DEFAULT_CHUNK = 6 * MiB;

interface Session {
  location: URL;
  minChunk: number;
}

/** One blob's upload under way: where it goes, what it is, where its bytes come from. */
interface Upload {
  readonly client: RegistryClient;
  readonly repository: string;
  readonly session: Session;
  readonly blob: { readonly digest?: string; readonly size?: number };
  readonly source: BlobSource;
  /** Names the upload in messages: `pushing blob sha256:... to HOST/REPO`. */
  readonly what: string;
  /** Told the size of every body chunk written. */
  readonly counted: (bytes: number) => void;
}

export async function uploadBlob(
  client: RegistryClient,
  repository: string,
  blob: { readonly digest?: string; readonly size?: number },
  source: BlobSource,
  options: UploadOptions = {},
): Promise<UploadResult> {
  // One-pass uploads learn their digest only at the end.
  const name = `${blob.digest ? `blob ${blob.digest}` : 'a blob'} to ${client.registry}/${repository}`;
  const what = `pushing ${name}`;
  let bytesSent = 0;
  const counted = (bytes: number) => {
    bytesSent += bytes;
    options.onBytes?.(bytes);
  };
  let session: Session | undefined;
  if (blob.digest) {
    for (const from of options.mountFrom ?? []) {
      if (from === repository) continue;
      const mounted = await startSession(client, repository, what, { digest: blob.digest, from });
      if (mounted === 'mounted') {
        client.logger.debug(`mounted ${blob.digest} into ${client.registry}/${repository} from ${from}`);
        return {
          digest: blob.digest as Digest,
          size: blob.size ?? (await client.headBlob(repository, blob.digest, true)) ?? 0,
          bytesSent: 0,
          mountedFrom: from,
          restarts: 0,
        };
      }
      session = mounted;
      break;
    }
  }
  // A lost session or a failed PUT starts the blob over, from a fresh session, under the client's policy.
  const restartable = {
    ...client.retry,
    isTransient: (e: unknown) => e instanceof UploadLost || isTransient(e),
  };
  try {
    return await withRetry(
      `${what} (starting the blob over)`,
      restartable,
      client.logger,
      async (attempt) => {
        try {
          session ??= (await startSession(client, repository, what)) as Session;
          const monolithic =
            blob.digest !== undefined &&
            blob.size !== undefined &&
            blob.size <= (options.monolithicMaxBytes ?? 4 * MiB);
          const upload: Upload = { client, repository, session, blob, source, what, counted };
          const result = monolithic
            ? await putWhole(upload, blob as { digest: string; size: number })
            : await putLarge(upload, options);
          return { ...result, bytesSent, restarts: attempt - 1 };
        } catch (error) {
          session = undefined;
          throw error;
        }
      },
    );
  } catch (error) {
    const last = error instanceof RetriesExhausted ? error.cause : error;
    if (last instanceof UploadLost) {
      const tries = error instanceof RetriesExhausted ? error.tries : 1;
      throw new OciRegistryError(
        'failed',
        'blob-upload-failed',
        `${last.message.startsWith(what) ? last.message : `${what}: ${last.message}`}, after ${tries} tries`,
        'the registry keeps dropping the upload: try again later',
        { cause: error },
      );
    }
    throw client.finalError(error, what);
  }
}

async function startSession(
  client: RegistryClient,
  repository: string,
  what: string,
  mount?: { digest: string; from: string },
): Promise<Session | 'mounted'> {
  const query = mount
    ? `?mount=${encodeURIComponent(mount.digest)}&from=${encodeURIComponent(mount.from)}`
    : '';
  const response = await client.send({
    method: 'POST',
    url: `/v2/${repository}/blobs/uploads/${query}`,
    scopes: mount
      ? [repositoryScope(repository, true), repositoryScope(mount.from, false)]
      : [repositoryScope(repository, true)],
    what,
    expect: mount ? [201, 202] : [202],
  });
  await response.discard();
  if (response.status === 201) return 'mounted';
  const location = response.header('location');
  if (!location)
    throw new OciRegistryError(
      'failed',
      'registry-response-invalid',
      `${what}: the registry started an upload without a Location`,
    );
  const minChunk = Number(response.header('oci-chunk-min-length') ?? 0);
  return {
    location: new URL(location, response.url),
    minChunk: Number.isSafeInteger(minChunk) ? minChunk : 0,
  };
}

/** POST then one PUT with the whole blob (it is small: read into memory). */
async function putWhole(
  upload: Upload,
  blob: { digest: string; size: number },
): Promise<{ digest: Digest; size: number }> {
  const { source, what } = upload;
  const parts: Uint8Array[] = [];
  const counter = new DigestCounter();
  for await (const chunk of source()) {
    counter.update(chunk);
    if (counter.size > blob.size) break;
    parts.push(Buffer.from(chunk)); // kept past the next pull (BlobSource's contract)
  }
  const bytes = Buffer.concat(parts);
  checkBytes(what, blob, counter.digest(), counter.size);
  await complete(upload, blob.digest as Digest, bytes);
  return { digest: blob.digest as Digest, size: bytes.byteLength };
}

/** The streamed PATCH, or chunks when asked for or when the registry turns the stream down. */
async function putLarge(upload: Upload, options: UploadOptions): Promise<{ digest: Digest; size: number }> {
  const { client, repository, session, what } = upload;
  const chunked = () => putChunked(upload, options.chunkSize ?? DEFAULT_CHUNK);
  if ((options.mode ?? 'stream') === 'chunked' || streamRefused.has(client)) return chunked();
  try {
    return await putStreamed(upload);
  } catch (error) {
    if (!(error instanceof StreamRefused)) throw error;
    streamRefused.add(client);
    client.logger.info(
      `${client.registry} refused a streamed upload (${error.message}): sending ${(options.chunkSize ?? DEFAULT_CHUNK) / MiB} MiB chunks from now on`,
    );
    Object.assign(session, (await startSession(client, repository, what)) as Session);
    return chunked();
  }
}

/** Registries (by client) that answered a streamed PATCH with a refusal at byte 0. */
const streamRefused = new WeakSet<RegistryClient>();

class StreamRefused extends Error {
  override readonly name = 'StreamRefused';
}

/**
 * The whole blob as one PATCH, hashed as it goes. On a broken connection: the registry's offset,
 * then a PATCH of the rest, the source re-read from its start and hashed up to that offset unsent.
 */
async function putStreamed(upload: Upload): Promise<{ digest: Digest; size: number }> {
  const { client, repository, session, blob, source, what, counted } = upload;
  let held = 0;
  // Once a pass read the whole source, its digest and size: a later pass may then take the rest
  // from the source's `resume` (a Range request) instead of reading it all again.
  let whole: { digest: Digest; size: number } | undefined;
  for (let attempt = 1; ; attempt++) {
    const counter = new DigestCounter();
    const read = { ended: false };
    const tail = whole && held > 0 ? source.resume?.(held, whole.size) : undefined;
    const size = whole?.size ?? blob.size;
    const range: Record<string, string> =
      size === undefined
        ? {}
        : { 'content-range': `${held}-${size - 1}`, 'content-length': String(size - held) };
    try {
      if (whole && held === whole.size) {
        // The registry holds every byte; only the final PUT was missing.
        await complete(upload, whole.digest);
        return whole;
      }
      if (tail) client.logger.info(`${what}: resuming at byte ${held} of ${whole!.size} from the source`);
      const response = await client.send({
        method: 'PATCH',
        url: session.location,
        headers: { 'content-type': 'application/octet-stream', ...range },
        body: tail ?? unsentBytes(source(), held, counter, blob.size, what, read),
        scopes: [repositoryScope(repository, true)],
        what,
        expect: [202, ...STREAM_REFUSALS],
        retry: false,
        onBodyBytes: counted,
      });
      if (response.status !== 202) {
        const refusal = `${response.status} to a streamed PATCH (${describeErrorBody(await response.text(64 * 1024).catch(() => ''))})`;
        if (attempt === 1 && held === 0) throw new StreamRefused(refusal);
        if (response.status === 416) throw new TransientFailure(`${refusal} at byte ${held}`);
        throw new OciRegistryError('failed', 'blob-upload-failed', `${what}: ${refusal} at byte ${held}`);
      }
      await response.discard();
      session.location = new URL(response.header('location') ?? session.location.href, response.url);
      const sent = tail ? whole!.size : counter.size;
      const reported = rangeEnd(response.header('range'));
      if (reported !== undefined && reported !== sent && !(reported === 0 && sent === 1)) {
        throw new UploadLost(`${what}: the registry holds ${reported} bytes, ${sent} were sent`);
      }
      const done = tail ? whole! : { digest: counter.digest(), size: counter.size };
      whole = done;
      checkBytes(what, blob, done.digest, done.size);
      await complete(upload, done.digest);
      return done;
    } catch (error) {
      const before = tail ? whole!.size : counter.size;
      if (!tail && read.ended) whole ??= { digest: counter.digest(), size: counter.size };
      if (tail && !isTransient(error) && !(error instanceof UploadLost)) {
        // The source would not give its rest (no ranges after all): read it from the start again.
        client.logger.warn(
          `${what}: resuming from the source failed (${describeCause(error)}); reading it again`,
        );
        whole = undefined;
      } else await backOff(upload, error, attempt, `after ${tail ? held : counter.size} bytes`);
      held = await uploadOffset(upload);
      if (held > before) {
        throw new UploadLost(`the registry holds ${held} bytes, more than the ${before} sent`);
      }
    }
  }
}

/** Answers to a streamed PATCH that mean the registry wants spec chunks: 411 is Length Required, 413 a proxy capping request bodies. */
const STREAM_REFUSALS = [400, 411, 413, 415, 416];

/**
 * The source from its start, every byte hashed into `counter`, yielding only those from `skip` on.
 * A known size is enforced here, before the request ends: the request's Content-Length promised it.
 */
async function* unsentBytes(
  source: AsyncIterable<Uint8Array>,
  skip: number,
  counter: DigestCounter,
  size: number | undefined,
  what: string,
  read: { ended: boolean },
): AsyncIterable<Uint8Array> {
  for await (const chunk of source) {
    const start = counter.size;
    counter.update(chunk);
    if (size !== undefined && counter.size > size) break;
    if (counter.size <= skip) continue;
    // No copy: the transport is done with a chunk before it pulls the next (transport.ts).
    yield start >= skip ? chunk : chunk.subarray(skip - start);
  }
  if (size !== undefined && counter.size !== size) {
    throw new OciRegistryError(
      'failed',
      'digest-mismatch',
      `${what}: the source gave ${counter.size > size ? 'more than' : 'only'} ${Math.min(counter.size, size)} of the expected ${size} bytes`,
      'the source changed or is corrupt: build or fetch it again',
    );
  }
  read.ended = true;
}

async function putChunked(upload: Upload, chunkSize: number): Promise<{ digest: Digest; size: number }> {
  const { client, repository, session, blob, source, what, counted } = upload;
  const counter = new DigestCounter();
  let offset = 0;
  for await (const chunk of fixedChunks(source(), Math.max(chunkSize, session.minChunk))) {
    counter.update(chunk);
    const start = offset;
    const end = start + chunk.byteLength;
    for (let attempt = 1; offset < end; attempt++) {
      try {
        const response = await client.send({
          method: 'PATCH',
          url: session.location,
          headers: { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${end - 1}` },
          body: chunk.subarray(offset - start),
          scopes: [repositoryScope(repository, true)],
          what,
          expect: [202, 416],
          retry: false,
          onBodyBytes: counted,
        });
        await response.discard();
        if (response.status === 416)
          throw new TransientFailure(
            `416 from ${client.registry}: range ${offset}-${end - 1} not where the upload is`,
          );
        session.location = new URL(response.header('location') ?? session.location.href, response.url);
        const reported = rangeEnd(response.header('range'));
        offset = reported === undefined || (reported === 0 && end === 1) ? end : reported;
        if (offset > end)
          throw new UploadLost(`${what}: the registry holds ${offset} bytes, more than the ${end} sent`);
      } catch (error) {
        await backOff(upload, error, attempt, `at byte ${offset}`);
        offset = await uploadOffset(upload);
        if (offset < start || offset > end) {
          throw new UploadLost(
            `the registry holds ${offset} bytes, outside the chunk ${start}-${end - 1} still in memory`,
          );
        }
      }
    }
  }
  const digest = counter.digest();
  checkBytes(what, blob, digest, counter.size);
  await complete(upload, digest);
  return { digest, size: counter.size };
}

/**
 * After a PATCH failed: rethrows what asking again cannot fix (or the last try's failure), else logs
 * and waits the backoff, before the caller asks the registry where the upload stands.
 */
async function backOff(upload: Upload, error: unknown, attempt: number, where: string): Promise<void> {
  const { client, what } = upload;
  if (!isTransient(error) || attempt >= client.retry.attempts) throw error;
  const delay = backoffDelay(
    attempt,
    client.retry,
    error instanceof TransientFailure ? error.retryAfterMs : undefined,
  );
  client.logger.warn(
    `${what}: ${error instanceof Error ? error.message : String(error)} ${where}; asking the registry where the upload stands in ${delay} ms`,
  );
  await retrySleep(client.retry)(delay);
}

/** GET on the upload URL: the offset from `Range`; a fresh Location. 404 means the session is gone. */
async function uploadOffset({ client, repository, session, what }: Upload): Promise<number> {
  const response = await client.send({
    method: 'GET',
    url: session.location,
    scopes: [repositoryScope(repository, true)],
    what: `${what} (upload status)`,
    expect: [204],
  });
  await response.discard();
  session.location = new URL(response.header('location') ?? session.location.href, response.url);
  return rangeEnd(response.header('range')) ?? 0;
}

/** The final PUT `?digest=`; checks the returned Docker-Content-Digest. */
async function complete(upload: Upload, digest: Digest, body?: Uint8Array): Promise<void> {
  const { client, repository, session, what, counted } = upload;
  const url = new URL(session.location);
  url.searchParams.set('digest', digest);
  let response;
  try {
    response = await client.send({
      method: 'PUT',
      url,
      headers: { 'content-type': 'application/octet-stream' },
      ...(body ? { body } : {}),
      scopes: [repositoryScope(repository, true)],
      what,
      expect: [201],
      retry: false,
      onBodyBytes: counted,
    });
  } catch (error) {
    // The PUT may have landed before the connection broke: the blob is there, then all is well.
    if (
      isTransient(error) &&
      (await client.headBlob(repository, digest, true).catch(() => undefined)) !== undefined
    )
      return;
    throw error;
  }
  await response.discard();
  checkStoredDigest(
    response,
    digest,
    what,
    'push again; if it repeats, the registry or a proxy changes bytes',
  );
}

function checkBytes(
  what: string,
  blob: { readonly digest?: string; readonly size?: number },
  digest: string,
  size: number,
): void {
  if (
    (blob.digest !== undefined && blob.digest !== digest) ||
    (blob.size !== undefined && blob.size !== size)
  ) {
    throw new OciRegistryError(
      'failed',
      'digest-mismatch',
      `${what}: the source gave ${digest} (${size} bytes), expected ${blob.digest ?? digest} (${blob.size ?? size} bytes)`,
      'the source changed or is corrupt: build or fetch it again',
    );
  }
}

/** `0-1234` or `bytes=0-1234` -> 1235 (the next offset); undefined when absent or unreadable. */
export function rangeEnd(header: string | undefined): number | undefined {
  const match = header ? /^(?:bytes=)?(\d+)-(\d+)$/.exec(header.trim()) : null;
  if (!match) return undefined;
  const end = Number(match[2]);
  // distribution writes `0-0` for an empty upload as for a one-byte one: read it as empty.
  return end === 0 ? 0 : end + 1;
}

/**
 * Regroups a stream into chunks of exactly `size` bytes (the last may be shorter). One buffer is
 * allocated and refilled for every chunk: a chunk is valid only until the next one is asked for, so
 * the reader must be done with it (sent, retries included) before pulling again. A fresh buffer per
 * chunk would leave a trail of chunk-sized garbage per upload for the collector to find, which is what
 * drove the push's peak RSS.
 */
export async function* fixedChunks(source: AsyncIterable<Uint8Array>, size: number): AsyncIterable<Buffer> {
  const buffer = Buffer.allocUnsafe(size);
  let filled = 0;
  for await (const piece of source) {
    let at = 0;
    while (at < piece.byteLength) {
      const take = Math.min(size - filled, piece.byteLength - at);
      buffer.set(piece.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === size) {
        yield buffer;
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}
