import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  RetriesExhausted,
  TransientFailure,
  UploadLost,
  backoffDelay,
  checkStoredDigest,
  describeCause,
  isTransient,
  repositoryScope,
  retrySleep,
  withRetry
} from "./chunk-5ZVCNGR2.js";
import {
  DigestCounter
} from "./chunk-BPKCH6W6.js";
import {
  OciRegistryError,
  describeErrorBody
} from "./chunk-36Q42R3Y.js";

// src/oci/json.ts
function stableJson(value) {
  return Buffer.from(JSON.stringify(sortKeys(value)), "utf8");
}
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const sorted = {};
    for (const key of Object.keys(value).sort()) {
      const member = value[key];
      if (member !== void 0) sorted[key] = sortKeys(member);
    }
    return sorted;
  }
  return value;
}

// src/oci/remote/upload.ts
var MiB = 1024 * 1024;
var DEFAULT_CHUNK = 6 * MiB;
async function uploadBlob(client, repository, blob, source, options = {}) {
  const name = `${blob.digest ? `blob ${blob.digest}` : "a blob"} to ${client.registry}/${repository}`;
  const what = `pushing ${name}`;
  let bytesSent = 0;
  const counted = (bytes) => {
    bytesSent += bytes;
    options.onBytes?.(bytes);
  };
  let session;
  if (blob.digest) {
    for (const from of options.mountFrom ?? []) {
      if (from === repository) continue;
      const mounted = await startSession(client, repository, what, { digest: blob.digest, from });
      if (mounted === "mounted") {
        client.logger.debug(`mounted ${blob.digest} into ${client.registry}/${repository} from ${from}`);
        return {
          digest: blob.digest,
          size: blob.size ?? await client.headBlob(repository, blob.digest, true) ?? 0,
          bytesSent: 0,
          mountedFrom: from,
          restarts: 0
        };
      }
      session = mounted;
      break;
    }
  }
  const restartable = {
    ...client.retry,
    isTransient: (e) => e instanceof UploadLost || isTransient(e)
  };
  try {
    return await withRetry(
      `${what} (starting the blob over)`,
      restartable,
      client.logger,
      async (attempt) => {
        try {
          session ??= await startSession(client, repository, what);
          const monolithic = blob.digest !== void 0 && blob.size !== void 0 && blob.size <= (options.monolithicMaxBytes ?? 4 * MiB);
          const upload = { client, repository, session, blob, source, what, counted };
          const result = monolithic ? await putWhole(upload, blob) : await putLarge(upload, options);
          return { ...result, bytesSent, restarts: attempt - 1 };
        } catch (error) {
          session = void 0;
          throw error;
        }
      }
    );
  } catch (error) {
    const last = error instanceof RetriesExhausted ? error.cause : error;
    if (last instanceof UploadLost) {
      const tries = error instanceof RetriesExhausted ? error.tries : 1;
      throw new OciRegistryError(
        "failed",
        "blob-upload-failed",
        `${last.message.startsWith(what) ? last.message : `${what}: ${last.message}`}, after ${tries} tries`,
        "the registry keeps dropping the upload: try again later",
        { cause: error }
      );
    }
    throw client.finalError(error, what);
  }
}
async function startSession(client, repository, what, mount) {
  const query = mount ? `?mount=${encodeURIComponent(mount.digest)}&from=${encodeURIComponent(mount.from)}` : "";
  const response = await client.send({
    method: "POST",
    url: `/v2/${repository}/blobs/uploads/${query}`,
    scopes: mount ? [repositoryScope(repository, true), repositoryScope(mount.from, false)] : [repositoryScope(repository, true)],
    what,
    expect: mount ? [201, 202] : [202]
  });
  await response.discard();
  if (response.status === 201) return "mounted";
  const location = response.header("location");
  if (!location)
    throw new OciRegistryError(
      "failed",
      "registry-response-invalid",
      `${what}: the registry started an upload without a Location`
    );
  const minChunk = Number(response.header("oci-chunk-min-length") ?? 0);
  return {
    location: new URL(location, response.url),
    minChunk: Number.isSafeInteger(minChunk) ? minChunk : 0
  };
}
async function putWhole(upload, blob) {
  const { source, what } = upload;
  const parts = [];
  const counter = new DigestCounter();
  for await (const chunk of source()) {
    counter.update(chunk);
    if (counter.size > blob.size) break;
    parts.push(Buffer.from(chunk));
  }
  const bytes = Buffer.concat(parts);
  checkBytes(what, blob, counter.digest(), counter.size);
  await complete(upload, blob.digest, bytes);
  return { digest: blob.digest, size: bytes.byteLength };
}
async function putLarge(upload, options) {
  const { client, repository, session, what } = upload;
  const chunked = () => putChunked(upload, options.chunkSize ?? DEFAULT_CHUNK);
  if ((options.mode ?? "stream") === "chunked" || streamRefused.has(client)) return chunked();
  try {
    return await putStreamed(upload);
  } catch (error) {
    if (!(error instanceof StreamRefused)) throw error;
    streamRefused.add(client);
    client.logger.info(
      `${client.registry} refused a streamed upload (${error.message}): sending ${(options.chunkSize ?? DEFAULT_CHUNK) / MiB} MiB chunks from now on`
    );
    Object.assign(session, await startSession(client, repository, what));
    return chunked();
  }
}
var streamRefused = /* @__PURE__ */ new WeakSet();
var StreamRefused = class extends Error {
  name = "StreamRefused";
};
async function putStreamed(upload) {
  const { client, repository, session, blob, source, what, counted } = upload;
  let held = 0;
  let whole;
  for (let attempt = 1; ; attempt++) {
    const counter = new DigestCounter();
    const read = { ended: false };
    const tail = whole && held > 0 ? source.resume?.(held, whole.size) : void 0;
    const size = whole?.size ?? blob.size;
    const range = size === void 0 ? {} : { "content-range": `${held}-${size - 1}`, "content-length": String(size - held) };
    try {
      if (whole && held === whole.size) {
        await complete(upload, whole.digest);
        return whole;
      }
      if (tail) client.logger.info(`${what}: resuming at byte ${held} of ${whole.size} from the source`);
      const response = await client.send({
        method: "PATCH",
        url: session.location,
        headers: { "content-type": "application/octet-stream", ...range },
        body: tail ?? unsentBytes(source(), held, counter, blob.size, what, read),
        scopes: [repositoryScope(repository, true)],
        what,
        expect: [202, ...STREAM_REFUSALS],
        retry: false,
        onBodyBytes: counted
      });
      if (response.status !== 202) {
        const refusal = `${response.status} to a streamed PATCH (${describeErrorBody(await response.text(64 * 1024).catch(() => ""))})`;
        if (attempt === 1 && held === 0) throw new StreamRefused(refusal);
        if (response.status === 416) throw new TransientFailure(`${refusal} at byte ${held}`);
        throw new OciRegistryError("failed", "blob-upload-failed", `${what}: ${refusal} at byte ${held}`);
      }
      await response.discard();
      session.location = new URL(response.header("location") ?? session.location.href, response.url);
      const sent = tail ? whole.size : counter.size;
      const reported = rangeEnd(response.header("range"));
      if (reported !== void 0 && reported !== sent && !(reported === 0 && sent === 1)) {
        throw new UploadLost(`${what}: the registry holds ${reported} bytes, ${sent} were sent`);
      }
      const done = tail ? whole : { digest: counter.digest(), size: counter.size };
      whole = done;
      checkBytes(what, blob, done.digest, done.size);
      await complete(upload, done.digest);
      return done;
    } catch (error) {
      const before = tail ? whole.size : counter.size;
      if (!tail && read.ended) whole ??= { digest: counter.digest(), size: counter.size };
      if (tail && !isTransient(error) && !(error instanceof UploadLost)) {
        client.logger.warn(
          `${what}: resuming from the source failed (${describeCause(error)}); reading it again`
        );
        whole = void 0;
      } else await backOff(upload, error, attempt, `after ${tail ? held : counter.size} bytes`);
      held = await uploadOffset(upload);
      if (held > before) {
        throw new UploadLost(`the registry holds ${held} bytes, more than the ${before} sent`);
      }
    }
  }
}
var STREAM_REFUSALS = [400, 411, 413, 415, 416];
async function* unsentBytes(source, skip, counter, size, what, read) {
  for await (const chunk of source) {
    const start = counter.size;
    counter.update(chunk);
    if (size !== void 0 && counter.size > size) break;
    if (counter.size <= skip) continue;
    yield start >= skip ? chunk : chunk.subarray(skip - start);
  }
  if (size !== void 0 && counter.size !== size) {
    throw new OciRegistryError(
      "failed",
      "digest-mismatch",
      `${what}: the source gave ${counter.size > size ? "more than" : "only"} ${Math.min(counter.size, size)} of the expected ${size} bytes`,
      "the source changed or is corrupt: build or fetch it again"
    );
  }
  read.ended = true;
}
async function putChunked(upload, chunkSize) {
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
          method: "PATCH",
          url: session.location,
          headers: { "content-type": "application/octet-stream", "content-range": `${offset}-${end - 1}` },
          body: chunk.subarray(offset - start),
          scopes: [repositoryScope(repository, true)],
          what,
          expect: [202, 416],
          retry: false,
          onBodyBytes: counted
        });
        await response.discard();
        if (response.status === 416)
          throw new TransientFailure(
            `416 from ${client.registry}: range ${offset}-${end - 1} not where the upload is`
          );
        session.location = new URL(response.header("location") ?? session.location.href, response.url);
        const reported = rangeEnd(response.header("range"));
        offset = reported === void 0 || reported === 0 && end === 1 ? end : reported;
        if (offset > end)
          throw new UploadLost(`${what}: the registry holds ${offset} bytes, more than the ${end} sent`);
      } catch (error) {
        await backOff(upload, error, attempt, `at byte ${offset}`);
        offset = await uploadOffset(upload);
        if (offset < start || offset > end) {
          throw new UploadLost(
            `the registry holds ${offset} bytes, outside the chunk ${start}-${end - 1} still in memory`
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
async function backOff(upload, error, attempt, where) {
  const { client, what } = upload;
  if (!isTransient(error) || attempt >= client.retry.attempts) throw error;
  const delay = backoffDelay(
    attempt,
    client.retry,
    error instanceof TransientFailure ? error.retryAfterMs : void 0
  );
  client.logger.warn(
    `${what}: ${error instanceof Error ? error.message : String(error)} ${where}; asking the registry where the upload stands in ${delay} ms`
  );
  await retrySleep(client.retry)(delay);
}
async function uploadOffset({ client, repository, session, what }) {
  const response = await client.send({
    method: "GET",
    url: session.location,
    scopes: [repositoryScope(repository, true)],
    what: `${what} (upload status)`,
    expect: [204]
  });
  await response.discard();
  session.location = new URL(response.header("location") ?? session.location.href, response.url);
  return rangeEnd(response.header("range")) ?? 0;
}
async function complete(upload, digest, body) {
  const { client, repository, session, what, counted } = upload;
  const url = new URL(session.location);
  url.searchParams.set("digest", digest);
  let response;
  try {
    response = await client.send({
      method: "PUT",
      url,
      headers: { "content-type": "application/octet-stream" },
      ...body ? { body } : {},
      scopes: [repositoryScope(repository, true)],
      what,
      expect: [201],
      retry: false,
      onBodyBytes: counted
    });
  } catch (error) {
    if (isTransient(error) && await client.headBlob(repository, digest, true).catch(() => void 0) !== void 0)
      return;
    throw error;
  }
  await response.discard();
  checkStoredDigest(
    response,
    digest,
    what,
    "push again; if it repeats, the registry or a proxy changes bytes"
  );
}
function checkBytes(what, blob, digest, size) {
  if (blob.digest !== void 0 && blob.digest !== digest || blob.size !== void 0 && blob.size !== size) {
    throw new OciRegistryError(
      "failed",
      "digest-mismatch",
      `${what}: the source gave ${digest} (${size} bytes), expected ${blob.digest ?? digest} (${blob.size ?? size} bytes)`,
      "the source changed or is corrupt: build or fetch it again"
    );
  }
}
function rangeEnd(header) {
  const match = header ? /^(?:bytes=)?(\d+)-(\d+)$/.exec(header.trim()) : null;
  if (!match) return void 0;
  const end = Number(match[2]);
  return end === 0 ? 0 : end + 1;
}
async function* fixedChunks(source, size) {
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

export {
  stableJson,
  uploadBlob
};
