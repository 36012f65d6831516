import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  silentLogger
} from "./chunk-WPYXZ6I6.js";
import {
  MediaType,
  sha256Digest
} from "./chunk-BPKCH6W6.js";
import {
  ANONYMOUS,
  isAnonymous
} from "./chunk-6U5D3XBS.js";
import {
  OciRegistryError,
  describeErrorBody,
  isLoopback,
  parseErrorBody,
  registryOrigin
} from "./chunk-36Q42R3Y.js";

// src/oci/remote/client.ts
import { createHash } from "node:crypto";

// src/oci/remote/challenge.ts
function parseChallenges(header) {
  const challenges = [];
  let i = 0;
  const skip = (pattern) => {
    while (i < header.length && pattern.test(header[i])) i++;
  };
  while (i < header.length) {
    skip(/[\s,]/);
    const scheme = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/.exec(header.slice(i))?.[0];
    if (!scheme) break;
    i += scheme.length;
    const params = {};
    for (; ; ) {
      skip(/[\s,]/);
      const name = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*/.exec(header.slice(i));
      if (!name?.[1]) break;
      i += name[0].length;
      let value = "";
      if (header[i] === '"') {
        i++;
        while (i < header.length && header[i] !== '"') {
          if (header[i] === "\\" && i + 1 < header.length) i++;
          value += header[i];
          i++;
        }
        i++;
      } else {
        const token = /^[^\s,]*/.exec(header.slice(i))?.[0] ?? "";
        value = token;
        i += token.length;
      }
      params[name[1].toLowerCase()] = value;
    }
    challenges.push({ scheme: scheme.toLowerCase(), params });
  }
  return challenges;
}
function repositoryScope(repository, push) {
  return `repository:${repository}:${push ? "pull,push" : "pull"}`;
}

// src/retry.ts
var DEFAULT_RETRY = {
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 3e4,
  jitter: true
};
var TransientFailure = class extends Error {
  constructor(message, status, retryAfterMs, options) {
    super(message, options);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
  status;
  retryAfterMs;
  name = "TransientFailure";
};
var RetriesExhausted = class extends Error {
  constructor(what, tries, cause) {
    super(`${what}: ${describeCause(cause)}, still failing after ${tries} tries`, { cause });
    this.what = what;
    this.tries = tries;
    this.cause = cause;
  }
  what;
  tries;
  cause;
  name = "RetriesExhausted";
};
function isRetryableStatus(status) {
  return status === 408 || status === 429 || status >= 500 && status <= 599 && status !== 501 && status !== 505;
}
var NETWORK_CODES = /* @__PURE__ */ new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ERR_STREAM_PREMATURE_CLOSE",
  "HPE_INVALID_CONSTANT",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT"
]);
function isNetworkError(error) {
  for (let e = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    const code = e.code;
    if (code && NETWORK_CODES.has(code)) return true;
    if (/socket hang up|premature close|aborted/i.test(messageOf(e))) return true;
  }
  return false;
}
function isTransient(error) {
  if (error instanceof RetriesExhausted) return false;
  return error instanceof TransientFailure || isNetworkError(error);
}
var HTTP_DATE_START = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;
function parseRetryAfter(value, now = Date.now()) {
  const text = value?.trim();
  if (!text) return void 0;
  if (/^\d+$/.test(text)) return Number(text) * 1e3;
  if (!HTTP_DATE_START.test(text)) return void 0;
  const date = Date.parse(/ \d{4}$/.test(text) ? `${text} GMT` : text);
  return Number.isNaN(date) ? void 0 : Math.max(0, date - now);
}
function backoffDelay(attempt, policy, retryAfterMs) {
  if (retryAfterMs !== void 0) return Math.min(retryAfterMs, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return policy.jitter ? Math.round((policy.random ?? Math.random)() * ceiling) : ceiling;
}
async function withRetry(what, policy, logger, step, signal) {
  const transient = policy.isTransient ?? isTransient;
  const sleep = retrySleep(policy);
  for (let attempt = 1; ; attempt++) {
    try {
      return await step(attempt);
    } catch (error) {
      if (signal?.aborted || !transient(error)) throw error;
      if (attempt >= policy.attempts) {
        if (attempt === 1) throw error;
        throw new RetriesExhausted(what, attempt, error);
      }
      const delay = backoffDelay(
        attempt,
        policy,
        error instanceof TransientFailure ? error.retryAfterMs : void 0
      );
      logger.warn(
        `${what}: ${describeCause(error)}; try ${attempt + 1} of ${policy.attempts} in ${delay} ms`
      );
      await sleep(delay, signal);
      if (signal?.aborted) throw error;
    }
  }
}
function describeCause(error) {
  const message = messageOf(error);
  const cause = error?.cause;
  const inner = cause === void 0 ? void 0 : messageOf(cause);
  return inner && !message.includes(inner) ? `${message} (${inner})` : message;
}
function messageOf(error) {
  const message = error?.message;
  return typeof message === "string" ? message : String(error);
}
function retrySleep(policy) {
  return policy.sleep ?? abortableSleep;
}
function abortableSleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

// src/oci/remote/auth.ts
var EXPIRY_SLACK_MS = 1e4;
var DEFAULT_TOKEN_SECONDS = 60;
var Authenticator = class {
  constructor(options) {
    this.options = options;
  }
  options;
  /** Undefined until a challenge is seen: requests go anonymous until the registry asks. */
  challenge;
  tokens = /* @__PURE__ */ new Map();
  pending = /* @__PURE__ */ new Map();
  /** Where the credential came from and the scopes asked, for 401/403 messages. */
  async describe(scopes) {
    const credential = await this.options.credential();
    return `tried ${credential.source}, scope ${scopes.join(" ") || "(none)"}`;
  }
  /** Learns the scheme from a 401's `WWW-Authenticate`; false when there is none to learn. */
  learn(header) {
    if (!header) return false;
    const challenge = parseChallenges(header).find((c) => c.scheme === "bearer") ?? parseChallenges(header).find((c) => c.scheme === "basic");
    if (!challenge) return false;
    this.challenge = challenge;
    return true;
  }
  /** The Authorization header for a request needing `scopes`, or undefined (anonymous). */
  async header(scopes, fresh = false) {
    const challenge = this.challenge;
    if (!challenge) return void 0;
    const credential = await this.options.credential();
    if (challenge.scheme === "basic") {
      if (isAnonymous(credential) || credential.password === void 0) return void 0;
      return `Basic ${Buffer.from(`${credential.username ?? ""}:${credential.password}`).toString("base64")}`;
    }
    if (challenge.scheme !== "bearer") return void 0;
    const key = [...scopes].sort().join(" ");
    const now = (this.options.now ?? Date.now)();
    const cached = this.tokens.get(key);
    if (!fresh && cached && cached.expiresAt > now) return `Bearer ${cached.token}`;
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.fetchToken(challenge, scopes, credential).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    const token = await pending;
    this.tokens.set(key, token);
    return `Bearer ${token.token}`;
  }
  async fetchToken(challenge, scopes, credential) {
    const realm = challenge.params.realm;
    if (!realm) {
      throw new OciRegistryError(
        "failed",
        "registry-response-invalid",
        `${this.options.registry} asked for a Bearer token but named no realm`
      );
    }
    let url;
    try {
      url = new URL(realm);
    } catch {
      throw new OciRegistryError(
        "failed",
        "registry-response-invalid",
        `${this.options.registry} named token realm ${JSON.stringify(realm)}, not a URL`
      );
    }
    const service = challenge.params.service;
    const what = `token for ${scopes.join(" ") || this.options.registry} from ${url.host}`;
    const started = (this.options.now ?? Date.now)();
    const text = await withRetry(what, this.options.retry ?? DEFAULT_RETRY, this.options.logger, async () => {
      const response = credential.identityToken ? await this.options.transport({
        method: "POST",
        url,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: Buffer.from(
          new URLSearchParams({
            grant_type: "refresh_token",
            refresh_token: credential.identityToken,
            client_id: "model-promote",
            ...service ? { service } : {},
            ...scopes.length ? { scope: scopes.join(" ") } : {}
          }).toString()
        )
      }) : await this.options.transport({
        method: "GET",
        url: tokenUrl(url, service, scopes),
        headers: basicHeader(credential)
      });
      const body = await response.text(1024 * 1024);
      if (response.status === 200) return body;
      if (isRetryableStatus(response.status)) {
        throw new TransientFailure(
          `${response.status} from ${url.host}`,
          response.status,
          parseRetryAfter(response.header("retry-after"))
        );
      }
      throw new OciRegistryError(
        "failed",
        response.status === 403 ? "registry-denied" : "registry-unauthorized",
        `${response.status} from token server ${url.host} for ${this.options.registry}: ${describeErrorBody(body)}; ${await this.describe(scopes)}`,
        credentialHint(this.options.registry, scopes)
      );
    });
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new OciRegistryError(
        "failed",
        "registry-response-invalid",
        `token server ${url.host} did not answer JSON`
      );
    }
    const token = parsed.token ?? parsed.access_token;
    if (!token)
      throw new OciRegistryError(
        "failed",
        "registry-response-invalid",
        `token server ${url.host} answered no token`
      );
    this.options.mask?.(token);
    const seconds = typeof parsed.expires_in === "number" && parsed.expires_in > 0 ? parsed.expires_in : DEFAULT_TOKEN_SECONDS;
    return { token, expiresAt: started + seconds * 1e3 - Math.min(EXPIRY_SLACK_MS, seconds * 1e3 / 2) };
  }
};
function tokenUrl(realm, service, scopes) {
  const url = new URL(realm);
  if (service) url.searchParams.set("service", service);
  for (const scope of scopes) url.searchParams.append("scope", scope);
  return url;
}
function basicHeader(credential) {
  if (credential.password === void 0) return {};
  return {
    authorization: `Basic ${Buffer.from(`${credential.username ?? ""}:${credential.password}`).toString("base64")}`
  };
}
function credentialHint(registry, scopes) {
  const push = scopes.some((s) => s.endsWith(":pull,push") || s.endsWith(":push"));
  return `give credentials that can ${push ? "push to" : "pull from"} ${registry}: the registry-username/registry-password inputs, docker login ${registry}, or GITHUB_TOKEN with packages: write for ghcr.io`;
}

// src/oci/remote/transport.ts
import http from "node:http";
import https from "node:https";
var BodyTooLargeError = class extends Error {
  name = "BodyTooLargeError";
};
function nodeTransport(options = {}) {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 8 };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const idle = options.idleTimeoutMs ?? 6e4;
  const userAgent = options.userAgent ?? "model-promote";
  return (request) => new Promise((resolve, reject) => {
    const secure = request.url.protocol === "https:";
    const headers = { "user-agent": userAgent, ...request.headers };
    if (request.body instanceof Uint8Array) headers["content-length"] ??= String(request.body.byteLength);
    else if (request.body === void 0 && ["POST", "PUT", "PATCH"].includes(request.method)) {
      headers["content-length"] ??= "0";
    }
    const req = (secure ? https : http).request(request.url, {
      method: request.method,
      headers,
      agent: secure ? httpsAgent : httpAgent
    });
    let settled = false;
    const fail = (error) => {
      if (!settled) {
        settled = true;
        reject(error);
      }
    };
    req.setTimeout(idle, () => {
      const error = Object.assign(new Error(`no bytes for ${idle} ms from ${request.url.host}`), {
        code: "ETIMEDOUT"
      });
      req.destroy(error);
    });
    req.on("error", fail);
    req.on("response", (res) => {
      settled = true;
      res.setTimeout(idle, () => {
        res.destroy(Object.assign(new Error(`response stalled for ${idle} ms`), { code: "ETIMEDOUT" }));
      });
      resolve(wrapResponse(res, request.url, request.method === "HEAD"));
    });
    writeBody(req, request).catch((error) => {
      req.destroy(error instanceof Error ? error : new Error(String(error)));
      fail(error instanceof Error ? error : new Error(String(error)));
    });
  });
}
async function writeBody(req, request) {
  const { body, onBodyBytes } = request;
  if (body === void 0) {
    req.end();
    return;
  }
  if (body instanceof Uint8Array) {
    req.end(body, () => onBodyBytes?.(body.byteLength));
    return;
  }
  for await (const chunk of body) {
    if (req.destroyed) return;
    await new Promise((resolve, reject) => {
      const closed = () => reject(Object.assign(new Error("connection closed while sending"), { code: "ECONNRESET" }));
      req.once("close", closed);
      req.write(chunk, (error) => {
        req.off("close", closed);
        if (error) reject(error);
        else resolve();
      });
    });
    onBodyBytes?.(chunk.byteLength);
  }
  req.end();
}
function wrapResponse(res, url, head) {
  let consumed = false;
  const take = () => {
    if (consumed) throw new Error(`body of ${url.pathname} already read`);
    consumed = true;
    return res;
  };
  const bytes = async (maxBytes) => {
    const stream = take();
    const chunks = [];
    let total = 0;
    for await (const chunk of stream) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        stream.destroy();
        throw new BodyTooLargeError(
          `response from ${url.host}${url.pathname} is larger than ${maxBytes} bytes`
        );
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  };
  return {
    status: res.statusCode ?? 0,
    url,
    header(name) {
      const value = res.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(", ") : value;
    },
    bytes,
    async text(maxBytes = 1024 * 1024) {
      return (await bytes(maxBytes)).toString("utf8");
    },
    stream: take,
    async discard() {
      if (consumed || head) {
        res.resume();
        return;
      }
      consumed = true;
      res.resume();
      await new Promise((resolve) => {
        if (res.readableEnded || res.destroyed) resolve();
        res.once("end", resolve);
        res.once("close", resolve);
        res.once("error", () => resolve());
      });
    }
  };
}

// src/oci/remote/client.ts
var MANIFEST_ACCEPT = [
  MediaType.ImageManifest,
  MediaType.ImageIndex,
  MediaType.DockerManifest,
  MediaType.DockerManifestList
].join(", ");
var MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
var UploadLost = class extends Error {
  name = "UploadLost";
};
var RegistryClient = class {
  registry;
  origin;
  logger;
  retry;
  transport;
  auth;
  pinged;
  constructor(options) {
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
      ...options.mask ? { mask: options.mask } : {}
    });
    if (options.insecure && !isLoopback(options.registry)) {
      this.logger.warn(`talking to ${options.registry} over plain HTTP (insecure is set)`);
    }
  }
  /** `GET /v2/`: checks the registry answers and learns how it wants to be authorized. */
  ping() {
    this.pinged ??= this.doPing().catch((error) => {
      this.pinged = void 0;
      throw error;
    });
    return this.pinged;
  }
  async doPing() {
    const what = `reaching ${this.registry}`;
    const options = { method: "GET", url: "/v2/", scopes: [], what, expect: [200, 401, 404] };
    let response;
    try {
      response = await withRetry(what, this.retry, this.logger, () => this.attempt(options, false));
    } catch (error) {
      throw this.finalError(error, what);
    }
    await response.discard();
    if (response.status === 404) {
      throw new OciRegistryError(
        "usage",
        "registry-response-invalid",
        `${this.origin}/v2/ answered 404: ${this.registry} does not speak the OCI distribution API`,
        "check the registry name (for Docker Hub write docker.io)"
      );
    }
    if (response.status === 401) this.auth.learn(response.header("www-authenticate"));
  }
  async headManifest(repository, reference) {
    const response = await this.send({
      method: "HEAD",
      url: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [repositoryScope(repository, false)],
      what: `looking up ${this.registry}/${repository}:${reference}`,
      expect: [200, 404]
    });
    await response.discard();
    if (response.status === 404) return void 0;
    const digest = response.header("docker-content-digest");
    const mediaType = response.header("content-type")?.split(";")[0]?.trim();
    const size = Number(response.header("content-length"));
    if (!digest || !mediaType || !Number.isSafeInteger(size)) return void 0;
    return { mediaType, digest, size };
  }
  async getManifest(repository, reference) {
    const name = `${this.registry}/${repository}${reference.startsWith("sha256:") ? "@" : ":"}${reference}`;
    const response = await this.send({
      method: "GET",
      url: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [repositoryScope(repository, false)],
      what: `reading manifest ${name}`,
      expect: [200, 404]
    });
    if (response.status === 404) {
      const body = await response.text();
      throw new OciRegistryError(
        "usage",
        "manifest-unknown",
        `manifest ${name} is not in the registry (${describeErrorBody(body)})`,
        `check the tag or digest exists: skopeo inspect docker://${name.replace("@", "@")}`
      );
    }
    let bytes;
    try {
      bytes = await response.bytes(MAX_MANIFEST_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        throw new OciRegistryError(
          "failed",
          "manifest-too-large",
          `manifest ${name} is larger than ${MAX_MANIFEST_BYTES} bytes`,
          void 0,
          {
            cause: error
          }
        );
      }
      throw error;
    }
    const digest = sha256Digest(bytes);
    const claimed = response.header("docker-content-digest");
    if (reference.startsWith("sha256:") && reference !== digest || claimed?.startsWith("sha256:") && claimed !== digest) {
      throw new OciRegistryError(
        "failed",
        "digest-mismatch",
        `manifest ${name} has digest ${digest}, the registry said ${claimed ?? reference}`,
        "the registry or a proxy changed the bytes: try again, or report it to the registry operator"
      );
    }
    const mediaType = response.header("content-type")?.split(";")[0]?.trim() ?? mediaTypeInside(bytes);
    return { mediaType, digest, bytes };
  }
  /** PUT a manifest by tag or digest with its exact bytes; checks the digest the registry returns. */
  async putManifest(repository, reference, bytes, mediaType, what = "manifest") {
    const digest = sha256Digest(bytes);
    const name = `${this.registry}/${repository}${reference.startsWith("sha256:") ? "@" : ":"}${reference}`;
    const response = await this.send({
      method: "PUT",
      url: `/v2/${repository}/manifests/${reference}`,
      headers: { "content-type": mediaType },
      body: bytes,
      scopes: [repositoryScope(repository, true)],
      what: `pushing ${what} ${name}`,
      expect: [201]
    });
    await response.discard();
    checkStoredDigest(
      response,
      digest,
      `pushing ${what} ${name}`,
      "the registry rewrote the manifest; push by digest to a registry that keeps bytes as sent"
    );
    const subject = response.header("oci-subject");
    return { digest, ...subject !== void 0 && { subject } };
  }
  /** The blob's size when the repository has it, else undefined. */
  async headBlob(repository, digest, push = false) {
    const response = await this.send({
      method: "HEAD",
      url: `/v2/${repository}/blobs/${digest}`,
      scopes: [repositoryScope(repository, push)],
      what: `looking for blob ${digest} in ${this.registry}/${repository}`,
      expect: [200, 404]
    });
    await response.discard();
    if (response.status === 404) return void 0;
    const size = Number(response.header("content-length"));
    return Number.isSafeInteger(size) ? size : void 0;
  }
  /** Streams a blob (following redirects to storage without our credentials); checks its digest at the end. */
  async *openBlob(repository, digest) {
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
  async *openBlobRange(repository, digest, start, end) {
    const what = `reading bytes ${start}-${end} of blob ${digest} from ${this.registry}/${repository}`;
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
      throw new RangeError(`${what}: not a byte range`);
    }
    const response = await this.getBlob(repository, digest, what, `bytes=${start}-${end}`);
    if (response.status === 200) {
      this.logger.debug(
        `${what}: the registry ignored the Range and sent the whole blob; skipping to byte ${start}`
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
    const contentRange = response.header("content-range") ?? "";
    const served = /^bytes (\d+)-(\d+)\/(?:\d+|\*)$/.exec(contentRange.trim());
    if (!served || Number(served[1]) !== start || Number(served[2]) !== end) {
      await response.discard();
      throw new OciRegistryError(
        "failed",
        "registry-response-invalid",
        `${what}: the registry answered 206 with ${contentRange ? `Content-Range ${JSON.stringify(contentRange)}` : "no Content-Range"}`,
        "the registry or a proxy serves other ranges than asked: the blob is read again from its start"
      );
    }
    let read = 0;
    for await (const chunk of response.stream()) {
      read += chunk.byteLength;
      if (read > end - start + 1) break;
      yield chunk;
    }
    if (read !== end - start + 1) throw shortRange(what, read, end - start + 1);
  }
  /** GET of a blob, following redirects to storage (without our credentials), `range` on each hop. */
  async getBlob(repository, digest, what, range) {
    const ok = range === void 0 ? [200] : [200, 206];
    const expect = [...ok, 301, 302, 303, 307, 308];
    const headers = range === void 0 ? void 0 : { range };
    let response = await this.send({
      method: "GET",
      url: `/v2/${repository}/blobs/${digest}`,
      ...headers && { headers },
      scopes: [repositoryScope(repository, false)],
      what,
      expect
    });
    for (let hops = 0; !ok.includes(response.status); hops++) {
      const location = response.header("location");
      await response.discard();
      if (!location || hops >= 5)
        throw new OciRegistryError("failed", "registry-response-invalid", `${what}: too many redirects`);
      response = await this.send({
        method: "GET",
        url: new URL(location, response.url),
        ...headers && { headers },
        scopes: [],
        what,
        expect
      });
    }
    return response;
  }
  /** The response's bytes, hashed as they pass; a digest other than `digest` fails at the end. */
  async *checkedBlob(response, digest, what) {
    const hash = createHash("sha256");
    for await (const chunk of response.stream()) {
      hash.update(chunk);
      yield chunk;
    }
    const actual = `sha256:${hash.digest("hex")}`;
    if (actual !== digest) {
      throw new OciRegistryError(
        "failed",
        "digest-mismatch",
        `${what}: got ${actual}`,
        "the registry or a proxy corrupted the blob: try again"
      );
    }
  }
  /** One request with authorization, retried (unless `retry: false`) on 408, 429, 5xx and reset connections. */
  async send(options) {
    await this.ping();
    if (options.retry === false) return this.attempt(options, true);
    try {
      return await withRetry(options.what, this.retry, this.logger, () => this.attempt(options, true));
    } catch (error) {
      throw this.finalError(error, options.what);
    }
  }
  /** Maps what is left after the retries to a OciRegistryError naming the count; anything else passes through. */
  finalError(error, what, triesSoFar = 1) {
    const count = error instanceof RetriesExhausted ? error.tries : triesSoFar;
    const tries = count > 1 ? `, after ${count} tries` : "";
    const last = error instanceof RetriesExhausted ? error.cause : error;
    if (last instanceof TransientFailure) {
      return new OciRegistryError(
        "failed",
        "registry-error",
        `${what}: ${last.message}${count > 1 ? `, still failing after ${count} tries` : ""}`,
        `the registry ${this.registry} is failing or overloaded: try again later`,
        { cause: error }
      );
    }
    if (isNetworkError(last) || isDnsError(last)) {
      const code = last.code ?? (last instanceof Error ? last.message : String(last));
      return new OciRegistryError(
        "failed",
        "registry-unreachable",
        `${what}: cannot reach ${this.origin} (${code})${tries}`,
        `check the registry name and that ${this.registry} is up and reachable from here${isLoopback(this.registry) ? "" : " over HTTPS (set insecure for a plain-HTTP registry)"}`,
        { cause: error }
      );
    }
    return last;
  }
  async attempt(options, authorize) {
    const url = new URL(options.url, this.origin);
    const sameOrigin = url.origin === new URL(this.origin).origin;
    let fresh = false;
    for (; ; ) {
      const authorization = authorize && sameOrigin ? await this.auth.header(options.scopes, fresh) : void 0;
      const response = await this.transport({
        method: options.method,
        url,
        headers: { ...options.headers, ...authorization ? { authorization } : {} },
        ...options.body ? { body: options.body } : {},
        ...options.onBodyBytes ? { onBodyBytes: options.onBodyBytes } : {}
      });
      if (response.status === 401 && authorize && sameOrigin && !fresh && !(options.body && !(options.body instanceof Uint8Array)) && this.auth.learn(response.header("www-authenticate"))) {
        await response.discard();
        fresh = true;
        continue;
      }
      if (options.expect.includes(response.status)) return response;
      const body = options.method === "HEAD" ? "" : await response.text(64 * 1024).catch(() => "");
      if (isRetryableStatus(response.status)) {
        throw new TransientFailure(
          `${response.status} from ${url.host}${body ? ` (${describeErrorBody(body)})` : ""}`,
          response.status,
          parseRetryAfter(response.header("retry-after"))
        );
      }
      throw await this.statusError(response.status, body, options, url);
    }
  }
  async statusError(status, body, options, url) {
    const codes = parseErrorBody(body).map((e) => e.code);
    const detail = body ? `: ${describeErrorBody(body)}` : "";
    const lost = status === 404 && codes.some((c) => c === "BLOB_UPLOAD_UNKNOWN" || c === "BLOB_UPLOAD_INVALID") || status === 400 && codes.includes("BLOB_UPLOAD_UNKNOWN");
    if (lost) {
      return new UploadLost(
        `${options.what}: the registry lost the upload session (${describeErrorBody(body)})`
      );
    }
    const error = (kind, code, message, hint) => new OciRegistryError(kind, code, message, hint);
    if (status === 401 || status === 403) {
      return error(
        "failed",
        status === 401 ? "registry-unauthorized" : "registry-denied",
        `${options.what}: ${status} from ${this.registry}: ${await this.auth.describe(options.scopes)}${detail}`,
        credentialHint(this.registry, options.scopes)
      );
    }
    if (status === 413) {
      const blob = url.pathname.includes("/blobs/");
      return error(
        "failed",
        blob ? "blob-too-large" : "manifest-too-large",
        `${options.what}: 413 from ${this.registry}, too large${detail}`,
        blob ? "the registry (or a proxy in front of it) limits the size of an upload: raise its body-size limit" : "the registry limits manifest size: make the manifest smaller, or raise the limit"
      );
    }
    if (status === 400 || status === 415) {
      const digestProblem = codes.some((c) => c === "DIGEST_INVALID" || c === "SIZE_INVALID");
      return error(
        "failed",
        digestProblem ? "digest-mismatch" : "manifest-rejected",
        `${options.what}: ${status} from ${this.registry}${detail}`,
        codes.includes("SIZE_INVALID") ? "the registry received another size than was sent: push again; if it repeats, check for a proxy in front of the registry that cuts large request bodies" : digestProblem ? "the bytes changed while they were sent: push again" : codes.includes("MANIFEST_BLOB_UNKNOWN") ? "a blob the manifest names is missing: push the blobs before the manifest" : "the registry does not accept this media type or manifest: check it supports OCI image manifests"
      );
    }
    if (status === 404) {
      return error(
        "usage",
        codes.includes("BLOB_UNKNOWN") ? "blob-unknown" : "manifest-unknown",
        `${options.what}: 404 from ${this.registry}${detail}`,
        "check the repository name and reference"
      );
    }
    return error(
      "failed",
      "registry-error",
      `${options.what}: unexpected ${status} from ${this.registry}${detail}`
    );
  }
};
function checkStoredDigest(response, sent, what, hint) {
  const returned = response.header("docker-content-digest");
  if (returned !== void 0 && returned !== sent) {
    throw new OciRegistryError(
      "failed",
      "digest-mismatch",
      `${what}: the registry stored ${returned}, the bytes sent are ${sent}`,
      hint
    );
  }
}
function isDnsError(error) {
  const code = error?.code;
  return code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "ECONNREFUSED";
}
function mediaTypeInside(bytes) {
  try {
    const value = JSON.parse(Buffer.from(bytes).toString("utf8"));
    return typeof value.mediaType === "string" ? value.mediaType : MediaType.ImageManifest;
  } catch {
    return MediaType.ImageManifest;
  }
}
function shortRange(what, got, wanted) {
  return new OciRegistryError(
    "failed",
    "registry-response-invalid",
    `${what}: the registry sent ${got > wanted ? "more than" : "only"} ${Math.min(got, wanted)} of the ${wanted} bytes asked for`,
    "the connection broke or the registry serves another blob: the blob is read again from its start"
  );
}

export {
  repositoryScope,
  DEFAULT_RETRY,
  TransientFailure,
  RetriesExhausted,
  isRetryableStatus,
  isNetworkError,
  isTransient,
  parseRetryAfter,
  backoffDelay,
  withRetry,
  describeCause,
  retrySleep,
  MANIFEST_ACCEPT,
  MAX_MANIFEST_BYTES,
  UploadLost,
  RegistryClient,
  checkStoredDigest
};
