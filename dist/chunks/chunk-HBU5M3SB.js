import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  ModelPackError,
  RegistryError,
  SIGNATURE_FILE,
  compareVersions,
  configLabels,
  expectedDigests,
  parseModelPackManifest
} from "./chunk-LNRYJ34N.js";
import {
  SIGSTORE_BUNDLE_TYPE,
  attachReferrer,
  listReferrers
} from "./chunk-QEWPVKDM.js";
import {
  Limiter
} from "./chunk-P4GOECZY.js";
import {
  stableJson
} from "./chunk-CPYVGYKC.js";
import {
  parseManifest
} from "./chunk-2BDLSEHF.js";
import {
  DEFAULT_RETRY,
  RegistryClient,
  RetriesExhausted,
  describeCause,
  isNetworkError,
  repositoryScope,
  withRetry
} from "./chunk-5ZVCNGR2.js";
import {
  silentLogger
} from "./chunk-WPYXZ6I6.js";
import {
  MediaType
} from "./chunk-BPKCH6W6.js";
import {
  credentialProvider
} from "./chunk-6U5D3XBS.js";
import {
  require_tar_stream
} from "./chunk-VUSZPZLG.js";
import {
  OciRegistryError
} from "./chunk-36Q42R3Y.js";
import {
  PromotionError
} from "./chunk-237YPWJV.js";
import {
  __toESM
} from "./chunk-6DG7BXTN.js";

// src/registry/oci-model-registry.ts
import { createHash as createHash2 } from "node:crypto";
import path2 from "node:path";

// src/registry/download-cache.ts
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { chmod, copyFile, link, mkdir, rename, rm, stat, unlink } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { once } from "node:events";

// src/registry/resuming-read.ts
async function openResuming(file, start, options) {
  const first = start === 0 ? await file.open() : await openFrom(file, start);
  return file.openFrom ? resuming(file, first, start, options) : first;
}
function openFrom(file, start) {
  if (!file.openFrom) throw new Error(`${file.path} cannot be read from byte ${start}: no ranges`);
  return file.openFrom(start);
}
async function* resuming(file, first, start, options) {
  const maxResumes = options.maxResumes ?? 3;
  const delayMs = options.delayMs ?? 250;
  let at = start;
  let resumes = 0;
  let iterator = first[Symbol.asyncIterator]();
  try {
    for (; ; ) {
      let next;
      try {
        next = await iterator.next();
      } catch (error) {
        if (!isNetworkError(error) || resumes >= maxResumes) throw error;
        resumes++;
        options.logger?.warn(
          `${options.label}: the connection broke at byte ${at} of ${file.path}${file.size !== void 0 ? ` (${file.size} bytes)` : ""}; reading on from there (resume ${resumes} of ${maxResumes})`
        );
        await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** (resumes - 1)));
        iterator = (await openFrom(file, at))[Symbol.asyncIterator]();
        continue;
      }
      if (next.done) return;
      at += next.value.byteLength;
      yield next.value;
    }
  } finally {
    await iterator.return?.().catch(() => void 0);
  }
}

// src/registry/download-cache-error.ts
var DownloadError = class extends PromotionError {
  name = "DownloadError";
};

// src/registry/download-cache.ts
var HEX64 = /^[a-f0-9]{64}$/;
var DownloadCache = class {
  constructor(root, options = {}) {
    this.root = root;
    this.options = options;
  }
  root;
  options;
  /** The `cache-dir` input, else `$RUNNER_TEMP/model-promote-cache`, else `~/.cache/model-promote`. */
  static defaultRoot(env = process.env, cacheDir) {
    if (cacheDir) return path.resolve(cacheDir);
    if (env.RUNNER_TEMP) return path.join(env.RUNNER_TEMP, "model-promote-cache");
    return path.join(env.XDG_CACHE_HOME || path.join(homedir(), ".cache"), "model-promote");
  }
  blobPath(sha256) {
    return path.join(this.root, "blobs", "sha256", sha256);
  }
  async materialize(versionKey, files, options) {
    checkPaths(files, options.label);
    const versions = path.join(this.root, "versions");
    const staging = path.join(versions, `.tmp-${randomBytes(6).toString("hex")}`);
    await mkdir(staging, { recursive: true });
    await mkdir(path.join(this.root, "tmp"), { recursive: true });
    await mkdir(path.join(this.root, "blobs", "sha256"), { recursive: true });
    try {
      const candidate = (file) => {
        const digest = file.sha256 ?? options.expected?.get(file.path);
        return digest !== void 0 && HEX64.test(digest) ? digest : void 0;
      };
      const lookups = await Promise.all(files.map(async (file) => this.cached(candidate(file), file.size)));
      const expected = options.expected ?? /* @__PURE__ */ new Map();
      const missing2 = (i) => lookups[i] === void 0 && candidate(files[i]) !== void 0;
      if (this.options.persistence && expected.size > 0 && files.some((_, i) => missing2(i))) {
        await this.options.persistence.restore(this.root, expected);
        for (const [i, file] of files.entries()) lookups[i] ??= await this.cached(candidate(file), file.size);
      }
      const hashed = /* @__PURE__ */ new Map();
      let downloadedBytes = 0;
      let reusedFiles = 0;
      const limit = new Limiter(this.options.concurrency ?? 4);
      await Promise.all(
        files.map(
          (file, i) => limit.run(async () => {
            const target = path.join(staging, ...file.path.split("/"));
            await mkdir(path.dirname(target), { recursive: true });
            const blob = lookups[i];
            if (blob !== void 0) {
              await linkOrCopy(blob, target);
              reusedFiles++;
              return;
            }
            const got = await this.download(file, target, options);
            hashed.set(file.path, got.sha256);
            downloadedBytes += got.size;
          })
        )
      );
      const directory = path.join(versions, safeKey(versionKey));
      await replaceDirectory(staging, directory);
      options.logger.info(
        `${options.label}: ${files.length} file(s) in ${directory} (${reusedFiles} from the cache, re-verified; ${downloadedBytes} bytes downloaded)`
      );
      if (this.options.persistence && [...hashed.keys()].some((p) => expected.has(p))) {
        await this.options.persistence.save(this.root, expected);
      }
      return { directory, downloadedBytes, reusedFiles, hashed };
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  }
  /** The blob's path when the cache holds `sha256` (and its size is the one expected), else undefined. */
  async cached(sha256, size) {
    if (sha256 === void 0) return void 0;
    const file = this.blobPath(sha256);
    const found = await stat(file).catch(() => void 0);
    if (!found?.isFile()) return void 0;
    if (size !== void 0 && found.size !== size) {
      await rm(file, { force: true });
      return void 0;
    }
    return file;
  }
  /** Downloads `file` into `target` (and into the blobs), with bounded retries; returns what was hashed. */
  async download(file, target, options) {
    const policy = {
      ...DEFAULT_RETRY,
      attempts: (options.retries ?? 3) + 1,
      ...this.options.retryDelayMs !== void 0 && { baseDelayMs: this.options.retryDelayMs },
      isTransient: worthAnotherTry
    };
    const what = `${options.label}: downloading ${file.path} failed`;
    try {
      return await withRetry(
        what,
        policy,
        options.logger,
        async () => {
          const temp = path.join(this.root, "tmp", `${randomBytes(8).toString("hex")}.part`);
          try {
            const got = await writeHashed(file, temp, options);
            await chmod(temp, 292);
            await link(temp, target).catch(() => copyFile(temp, target));
            await rename(temp, this.blobPath(got.sha256));
            return got;
          } catch (error) {
            await unlink(temp).catch(() => void 0);
            await unlink(target).catch(() => void 0);
            throw error;
          }
        },
        options.signal
      );
    } catch (error) {
      if (options.signal?.aborted) throw abortedError(options.label, options.signal);
      throw error instanceof RetriesExhausted ? finalError(file, options.label, error.cause, error.tries) : finalError(file, options.label, error, 1);
    }
  }
};
async function writeHashed(file, temp, options) {
  const hash = createHash("sha256");
  let size = 0;
  const out = createWriteStream(temp, { flags: "wx", highWaterMark: 1024 * 1024 });
  const failed = new Promise((_, reject) => out.once("error", reject));
  failed.catch(() => void 0);
  try {
    for await (const chunk of await openResuming(file, 0, options)) {
      if (options.signal?.aborted) throw abortedError(options.label, options.signal);
      size += chunk.byteLength;
      if (file.size !== void 0 && size > file.size) throw new SizeMismatch(file, `more than ${file.size}`);
      hash.update(chunk);
      if (!out.write(chunk)) await Promise.race([once(out, "drain"), failed]);
    }
    out.end();
    await Promise.race([once(out, "finish"), failed]);
    await new Promise((resolve) => out.closed ? resolve() : out.once("close", () => resolve()));
  } catch (error) {
    const closed = out.closed ? Promise.resolve() : once(out, "close").then(
      () => void 0,
      () => void 0
    );
    out.destroy();
    await closed;
    throw error;
  }
  if (file.size !== void 0 && size !== file.size) throw new SizeMismatch(file, String(size));
  const sha256 = hash.digest("hex");
  if (file.sha256 !== void 0 && sha256 !== file.sha256) throw new DigestMismatch(file, sha256);
  return { sha256, size };
}
var SizeMismatch = class extends Error {
  constructor(file, got) {
    super(`got ${got} bytes, the registry said ${file.size}`);
    this.file = file;
    this.got = got;
  }
  file;
  got;
};
var DigestMismatch = class extends Error {
  constructor(file, got) {
    super(`got sha256 ${got}, the registry said ${file.sha256}`);
    this.file = file;
    this.got = got;
  }
  file;
  got;
};
function worthAnotherTry(error) {
  if (error instanceof PromotionError) return error.kind !== "usage" && error.code !== "registry-denied";
  return true;
}
function finalError(file, label, error, tries) {
  const after = tries > 1 ? `, after ${tries} tries` : "";
  if (error instanceof SizeMismatch) {
    return new DownloadError(
      "refused",
      "download-size-mismatch",
      `${label}: file ${file.path} ${error.message}${after}`,
      "the registry serves a truncated or different file: check the version in the registry, then try again",
      { cause: error }
    );
  }
  if (error instanceof DigestMismatch) {
    return new DownloadError(
      "refused",
      "download-digest-mismatch",
      `${label}: file ${file.path} ${error.message}${after}`,
      "the registry serves bytes that are not the file it lists: check the version in the registry",
      { cause: error }
    );
  }
  if (error instanceof PromotionError && error.kind === "usage") return error;
  return new DownloadError(
    "failed",
    "download-failed",
    `${label}: downloading ${file.path} failed${after}: ${describeCause(error)}`,
    error instanceof PromotionError && error.hint ? error.hint : "check the registry is reachable, then try again",
    { cause: error }
  );
}
function abortedError(label, signal) {
  return new DownloadError("failed", "aborted", `${label}: download aborted`, void 0, {
    cause: signal.reason
  });
}
function checkPaths(files, label) {
  const seen = /* @__PURE__ */ new Set();
  for (const file of files) {
    const segments = file.path.split("/");
    const clean = file.path !== "" && !file.path.includes("\\") && !file.path.includes("\0") && segments.every((s) => s !== "" && s !== "." && s !== "..");
    if (!clean) {
      throw new DownloadError(
        "refused",
        "download-path-invalid",
        `${label}: file path ${JSON.stringify(file.path)} is not a clean relative path`,
        "the registry lists a file outside the model folder: fix the version in the registry"
      );
    }
    const folded = file.path;
    if (seen.has(folded)) {
      throw new DownloadError(
        "refused",
        "download-path-invalid",
        `${label}: file ${file.path} is listed twice`,
        "fix the version in the registry: every file once"
      );
    }
    seen.add(folded);
  }
  for (const file of files) {
    const segments = file.path.split("/");
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join("/");
      if (seen.has(parent)) {
        throw new DownloadError(
          "refused",
          "download-path-invalid",
          `${label}: ${parent} is both a file and the folder of ${file.path}`,
          "fix the version in the registry"
        );
      }
    }
  }
}
function safeKey(versionKey) {
  const readable = versionKey.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "").slice(0, 80);
  return `${readable}-${createHash("sha256").update(versionKey).digest("hex").slice(0, 12)}`;
}
async function linkOrCopy(from, to) {
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}
async function replaceDirectory(staging, directory) {
  for (let attempt = 0; ; attempt++) {
    await rm(directory, { recursive: true, force: true });
    try {
      await rename(staging, directory);
      return;
    } catch (error) {
      const code = error.code;
      if (attempt >= 3 || code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    }
  }
}

// src/registry/signed-download.ts
var MAX_SIGNATURE_BYTES = 16 * 1024 * 1024;
async function materializeSigned(cache, versionKey, files, signature, options) {
  const bundle = await readSignatureBytes(signature, options.label);
  const inMemory = {
    path: signature.path,
    size: bundle.byteLength,
    open: async () => (async function* () {
      yield bundle;
    })()
  };
  return cache.materialize(
    versionKey,
    files.map((file) => file === signature ? inMemory : file),
    { ...options, expected: expectedDigests(bundle) }
  );
}
async function readSignatureBytes(signature, label) {
  const chunks = [];
  let size = 0;
  for await (const chunk of await signature.open()) {
    size += chunk.byteLength;
    if (size > MAX_SIGNATURE_BYTES) {
      throw new DownloadError(
        "refused",
        "download-size-mismatch",
        `${signature.path} of ${label} is over ${MAX_SIGNATURE_BYTES} bytes: not an OMS signature`,
        "check that the registry serves the model.sig written by the signer"
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
async function listSigned(files, signature, label, logger) {
  const bundle = await readSignatureBytes(signature, label);
  return {
    signature: bundle,
    files: files.filter((file) => file !== signature).map((file) => heldToSize(file, label, logger))
  };
}
function heldToSize(file, label, logger) {
  const { size } = file;
  if (size === void 0) {
    throw new DownloadError(
      "failed",
      "download-size-mismatch",
      `${label} lists ${file.path} without its size, which streaming needs`,
      "give cache-dir to download the model before the build"
    );
  }
  const sized = (stream, start) => exactly(stream, size - start, file, label);
  const resume = { label, ...logger && { logger } };
  return {
    ...file,
    open: async () => sized(await openResuming(file, 0, resume), 0),
    ...file.openFrom && {
      openFrom: async (start) => sized(await openResuming(file, start, resume), start)
    }
  };
}
async function* exactly(stream, expected, file, label) {
  let got = 0;
  for await (const chunk of stream) {
    got += chunk.byteLength;
    if (got > expected) break;
    yield chunk;
  }
  if (got !== expected) {
    throw new DownloadError(
      "failed",
      "download-size-mismatch",
      `${label} served ${got > expected ? "more than" : "only"} ${Math.min(got, expected)} bytes of ${file.path}, which it lists with ${file.size} bytes`,
      "the registry's listing and its file disagree: check the artifact in the registry, then promote again"
    );
  }
}

// src/registry/modelpack-layer.ts
var import_tar_stream = __toESM(require_tar_stream(), 1);
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createZstdDecompress } from "node:zlib";
function layerEntryName(path3, prefix) {
  return prefix ? `${prefix}/${path3}` : path3;
}
function layerEntryKind(header, name) {
  const { type } = header;
  if (type === "directory") return { kind: "directory" };
  const entryName = header.name.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  if ((type === "file" || type === "contiguous-file") && entryName === name) return { kind: "file" };
  return { kind: "unexpected", got: `${type ?? "entry"} ${JSON.stringify(header.name)}` };
}
async function* fileFromLayer(blob, format, path3, what, prefix) {
  const name = layerEntryName(path3, prefix);
  if (format === "raw") {
    yield* blob;
    return;
  }
  const extract = import_tar_stream.default.extract();
  const source = Readable.from(blob, { objectMode: false });
  const decompress = format === "tar+gzip" ? createGunzip() : format === "tar+zstd" ? createZstdDecompress() : void 0;
  const piping = decompress ? pipeline(source, decompress, extract) : pipeline(source, extract);
  piping.catch(() => void 0);
  let found = false;
  try {
    for await (const entry of extract) {
      const kind = layerEntryKind(entry.header, name);
      if (kind.kind === "directory") {
        entry.resume();
        continue;
      }
      if (kind.kind === "unexpected" || found) {
        entry.resume();
        throw unexpected(
          what,
          name,
          kind.kind === "unexpected" ? kind.got : `file ${JSON.stringify(entry.header.name)}`
        );
      }
      found = true;
      for await (const chunk of entry) yield chunk;
    }
    await piping;
  } finally {
    source.destroy();
    decompress?.destroy();
    extract.destroy();
  }
  if (!found) throw unexpected(what, name, "no file at all");
}
function unexpected(what, path3, got) {
  return new ModelPackError(
    "refused",
    "layer-unsupported",
    `${what}: the layer of ${path3} holds ${got}; model-promote reads layers holding exactly that one file`,
    "pack one file per layer, named as its org.cncf.model.filepath annotation (model-promote publish does)"
  );
}

// src/registry/modelpack-range.ts
var import_tar_stream2 = __toESM(require_tar_stream(), 1);
import { Readable as Readable2 } from "node:stream";
import { pipeline as pipeline2 } from "node:stream/promises";
var TAR_HEAD_BYTES = 64 * 1024;
function layerFileFrom(client, repository, file, what) {
  const { digest, size: blobSize } = file.layer;
  const range = (first, last) => last < first ? empty() : client.openBlobRange(repository, digest, first, last);
  if (file.format === "raw") {
    return (start) => Promise.resolve(range(start, blobSize - 1));
  }
  if (file.format !== "tar") return void 0;
  let located;
  return async (start) => {
    located ??= tarFileData(
      range(0, Math.min(blobSize, TAR_HEAD_BYTES) - 1),
      layerEntryName(file.path, file.prefix),
      what
    );
    const data = await located.catch((error) => {
      located = void 0;
      throw error;
    });
    return range(data.offset + start, data.offset + data.size - 1);
  };
}
async function tarFileData(head, path3, what) {
  const extract = import_tar_stream2.default.extract();
  const source = Readable2.from(head, { objectMode: false });
  const piping = pipeline2(source, extract);
  piping.catch(() => void 0);
  try {
    for await (const entry of extract) {
      entry.resume();
      const kind = layerEntryKind(entry.header, path3);
      if (kind.kind === "directory") continue;
      if (kind.kind === "unexpected") throw notFound(what, path3, kind.got);
      return { offset: entry.offset + 512, size: entry.header.size };
    }
  } catch (error) {
    if (error instanceof ModelPackError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw notFound(what, path3, `no file header in its first ${TAR_HEAD_BYTES} bytes (${reason})`);
  } finally {
    source.destroy();
    extract.destroy();
  }
  throw notFound(what, path3, "no file at all");
}
function notFound(what, path3, got) {
  return new ModelPackError(
    "failed",
    "layer-unsupported",
    `${what}: reading ${path3} from an offset, its tar layer holds ${got}`,
    "the file is read again from the start of its layer"
  );
}
async function* empty() {
}

// src/registry/modelpack-reads.ts
var MAX_SMALL_BLOB = 4 * 1024 * 1024;
var MAX_TAG_PAGES = 100;
async function listTags(client, repository) {
  const tags = [];
  let url = `/v2/${repository}/tags/list?n=1000`;
  for (let page = 0; page < MAX_TAG_PAGES; page++) {
    const response = await client.send({
      method: "GET",
      url,
      scopes: [repositoryScope(repository, false)],
      what: `listing the tags of ${client.registry}/${repository}`,
      expect: [200, 404]
    });
    if (response.status === 404) {
      await response.discard();
      return page === 0 ? void 0 : tags;
    }
    const body = JSON.parse((await response.bytes(MAX_SMALL_BLOB)).toString("utf8"));
    if (Array.isArray(body.tags)) tags.push(...body.tags.filter((t) => typeof t === "string"));
    const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(response.header("link") ?? "")?.[1];
    if (!next) break;
    url = new URL(next, response.url);
  }
  return tags;
}
function isReferrersTag(tag) {
  return /^sha256-[a-f0-9]{64}$/.test(tag);
}
async function tagsOf(client, repository, tags, digest) {
  const limit = new Limiter(8);
  const found = await Promise.all(
    tags.map(
      (tag) => limit.run(
        async () => (await client.headManifest(repository, tag))?.digest === digest ? tag : void 0
      )
    )
  );
  return found.filter((tag) => tag !== void 0);
}
async function digestsOfTags(client, repository, tags) {
  const limit = new Limiter(8);
  const heads = await Promise.all(
    tags.map((tag) => limit.run(async () => ({ tag, head: await client.headManifest(repository, tag) })))
  );
  const digests = /* @__PURE__ */ new Map();
  for (const { tag, head } of heads) {
    if (head && !digests.has(head.digest))
      digests.set(head.digest, { tag, mediaType: head.mediaType, size: head.size });
  }
  return digests;
}
async function readSmallBlob(client, repository, digest, what) {
  const chunks = [];
  let size = 0;
  for await (const chunk of client.openBlob(repository, digest)) {
    size += chunk.byteLength;
    if (size > MAX_SMALL_BLOB) {
      throw new OciRegistryError(
        "failed",
        "registry-response-invalid",
        `${what} (${digest}) is larger than ${MAX_SMALL_BLOB} bytes`,
        "it should be a small JSON document: check what the registry holds there"
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

// src/registry/oci-model-registry.ts
var PROMOTION_ARTIFACT_TYPE = "application/vnd.model-promote.promotion.v1+json";
var COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
var HOST = /^(?:\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::[0-9]+)?$/;
function parseOciLocation(location) {
  const rest = location.replace(/^oci:\/\//i, "").replace(/\/+$/, "");
  const slash = rest.indexOf("/");
  const registry = slash < 0 ? rest : rest.slice(0, slash);
  const repoPath = slash < 0 ? "" : rest.slice(slash + 1);
  const bad = (problem) => new ModelPackError(
    "usage",
    "registry-uri-invalid",
    `registry ${location} ${problem}`,
    "write it as oci://HOST/REPO (e.g. oci://ghcr.io/org/models), without tag or digest"
  );
  if (!HOST.test(registry)) throw bad(`has an invalid host ${JSON.stringify(registry)}`);
  if (repoPath.includes(":") || repoPath.includes("@"))
    throw bad("names a tag or digest; --version names the tag");
  if (repoPath !== "" && !repoPath.split("/").every((s) => COMPONENT.test(s))) {
    throw bad(`has an invalid repository ${JSON.stringify(repoPath)} (lower-case letters, digits, . _ -)`);
  }
  return { registry, path: repoPath };
}
function modelRepository(location, model) {
  const segments = location.path === "" ? [] : location.path.split("/");
  if (segments.at(-1) === model) return location.path;
  if (!COMPONENT.test(model)) {
    throw new RegistryError(
      "usage",
      "unknown-model",
      `model name "${model}" cannot be an OCI repository name`,
      'use lower-case letters, digits, ".", "_" and "-", or name the repository in --registry oci://HOST/REPO'
    );
  }
  return [...segments, model].join("/");
}
var OciModelRegistry = class {
  constructor(uri, options = {}) {
    this.uri = uri;
    this.options = options;
    this.location = parseOciLocation(uri);
    this.logger = options.logger ?? silentLogger;
    this.cache = options.cache ?? new DownloadCache(DownloadCache.defaultRoot(options.env ?? process.env));
  }
  uri;
  options;
  location;
  logger;
  cache;
  clientInstance;
  get client() {
    this.clientInstance ??= this.options.client ?? new RegistryClient({
      registry: this.location.registry,
      credentials: this.options.credentials ?? credentialProvider({
        ...this.options.env && { env: this.options.env },
        ...this.options.mask && { mask: this.options.mask }
      }),
      insecure: this.options.insecure ?? false,
      logger: this.logger
    });
    return this.clientInstance;
  }
  async resolve(model, versionOrAlias) {
    const found = await this.locate(model, versionOrAlias);
    const { parsed, layerFile } = found;
    const { signature, inArtifact } = await this.signatureOf(found);
    const signatureFile = {
      path: SIGNATURE_FILE,
      size: signature.byteLength,
      sha256: createHash2("sha256").update(signature).digest("hex"),
      open: async () => (async function* () {
        yield signature;
      })()
    };
    const files = [...parsed.files.filter((f) => f !== inArtifact).map(layerFile), signatureFile];
    const materialized = await this.cache.materialize(
      `oci/${this.location.registry}/${found.repository}@${found.descriptor.digest}`,
      files,
      {
        logger: this.logger,
        label: found.label,
        expected: expectedDigests(signature),
        ...this.options.retries !== void 0 && { retries: this.options.retries }
      }
    );
    return {
      ...this.versionInfo(model, versionOrAlias, found),
      directory: materialized.directory,
      signaturePath: path2.join(materialized.directory, SIGNATURE_FILE),
      knownDigests: materialized.hashed,
      manifest: found.descriptor,
      repository: found.repository
    };
  }
  /** What a resolved version is, however its files are then read. */
  versionInfo(model, requested, found) {
    const { version, aliases, labels } = found;
    return { registry: this.uri, model, version, requested, aliases, labels, signatureName: SIGNATURE_FILE };
  }
  /** The signature: a file of the artifact, else a referrer of it. */
  async signatureOf(found) {
    const { parsed, layerFile, what } = found;
    const inArtifact = parsed.files.find((f) => f.path === SIGNATURE_FILE);
    const signature = inArtifact ? await this.readSignatureFile(inArtifact, layerFile, what) : await this.readSignatureReferrer(found.repository, found.descriptor, what);
    return { signature, inArtifact };
  }
  async resolveListed(model, versionOrAlias) {
    const found = await this.locate(model, versionOrAlias);
    const { signature, inArtifact } = await this.signatureOf(found);
    return {
      ...this.versionInfo(model, versionOrAlias, found),
      label: found.label,
      files: found.parsed.files.filter((f) => f !== inArtifact).map((f) => heldToSize(found.layerFile(f), found.label, this.logger)),
      signature
    };
  }
  async listVersion(model, versionOrAlias) {
    const { version, label, parsed, layerFile } = await this.locate(model, versionOrAlias);
    return {
      version,
      label,
      files: parsed.files.filter((f) => f.path !== SIGNATURE_FILE).map(layerFile),
      signatureName: SIGNATURE_FILE
    };
  }
  /** The version's manifest, config labels, aliases, and its files as layers to stream. */
  async locate(model, versionOrAlias) {
    const repository = modelRepository(this.location, model);
    const name = `${this.location.registry}/${repository}`;
    const client = this.client;
    let tags;
    const allTags = async () => tags ??= await this.tagsOrUnknown(repository, model);
    let reference = versionOrAlias;
    if (await client.headManifest(repository, reference) === void 0) {
      const versions = (await allTags()).filter((t) => !isReferrersTag(t));
      const numeric = versions.filter((t) => /^v?\d/.test(t)).sort(compareVersions);
      if (versionOrAlias === "latest" && numeric.length > 0) reference = numeric.at(-1);
      else {
        throw new RegistryError(
          "usage",
          "unknown-version",
          `${name} has no version or alias "${versionOrAlias}"`,
          versions.length ? `use one of: ${versions.sort(compareVersions).join(", ")}` : `${name} has no tags yet`
        );
      }
    }
    const what = `${name}:${reference}`;
    const fetched = await client.getManifest(repository, reference);
    const parsed = parseModelPackManifest(fetched.mediaType, fetched.bytes, what);
    const manifest = parseManifest(fetched.bytes, what);
    const descriptor = {
      mediaType: fetched.mediaType,
      digest: fetched.digest,
      size: fetched.bytes.byteLength
    };
    const configBytes = await readSmallBlob(client, repository, manifest.config.digest, `config of ${what}`);
    const labels = { ...configLabels(configBytes), ...parsed.annotationLabels };
    const otherTags = (await allTags()).filter((t) => t !== reference && !isReferrersTag(t));
    const sameDigest = await tagsOf(client, repository, otherTags, fetched.digest);
    const version = parsed.version ?? reference;
    const aliases = [.../* @__PURE__ */ new Set([...sameDigest, ...reference !== version ? [reference] : []])].filter((tag) => tag !== version).sort();
    const label = `oci ${what}`;
    const layerFile = (file) => {
      const openFrom2 = layerFileFrom(client, repository, file, `${what} ${file.layer.digest}`);
      return {
        path: file.path,
        ...file.size !== void 0 && { size: file.size },
        ...file.sha256 !== void 0 && { sha256: file.sha256 },
        open: async () => fileFromLayer(
          client.openBlob(repository, file.layer.digest),
          file.format,
          file.path,
          `${what} ${file.layer.digest}`,
          file.prefix
        ),
        ...openFrom2 && { openFrom: openFrom2 },
        ...file.format !== "raw" && { layer: layerBlob(client, repository, file) }
      };
    };
    return { repository, what, label, parsed, descriptor, version, aliases, labels, layerFile };
  }
  async recordPromotion(version, entry) {
    const repository = modelRepository(this.location, version.model);
    const name = `${this.location.registry}/${repository}`;
    try {
      const subject = version.manifest ?? await this.client.headManifest(repository, version.version) ?? missing(`${name}:${version.version}`);
      await attachReferrer(this.client, repository, subject, {
        artifactType: PROMOTION_ARTIFACT_TYPE,
        mediaType: PROMOTION_ARTIFACT_TYPE,
        bytes: stableJson(entry),
        annotations: {
          "org.opencontainers.image.created": entry.time,
          "dev.model-promote.promotion.environment": entry.environment,
          "dev.model-promote.promotion.status": entry.status
        }
      });
    } catch (error) {
      throw new RegistryError(
        "failed",
        "history-write-failed",
        `writing the promotion history of ${name}:${version.version}: ${error instanceof Error ? error.message : String(error)}`,
        "give the registry credentials push rights on the model repository",
        { cause: error }
      );
    }
  }
  async history(model) {
    const repository = modelRepository(this.location, model);
    const client = this.client;
    const tags = await listTags(client, repository) ?? [];
    const subjects = await digestsOfTags(
      client,
      repository,
      tags.filter((t) => !isReferrersTag(t))
    );
    const entries = [];
    for (const digest of subjects.keys()) {
      for (const referrer of await listReferrers(client, repository, digest, PROMOTION_ARTIFACT_TYPE)) {
        const what = `promotion entry ${referrer.digest} of ${this.location.registry}/${repository}@${digest}`;
        const artifact = parseManifest((await client.getManifest(repository, referrer.digest)).bytes, what);
        const layer = artifact.layers[0];
        if (!layer || layer.size > MAX_SMALL_BLOB) continue;
        const bytes = await readSmallBlob(client, repository, layer.digest, what);
        try {
          entries.push(JSON.parse(bytes.toString("utf8")));
        } catch {
          this.logger.warn(`${what} is not JSON: skipped`);
        }
      }
    }
    return entries.sort((a, b) => a.time.localeCompare(b.time));
  }
  async tagsOrUnknown(repository, model) {
    const tags = await listTags(this.client, repository);
    if (tags === void 0) {
      throw new RegistryError(
        "usage",
        "unknown-model",
        `model "${model}" is not in ${this.location.registry}: repository ${repository} does not exist`,
        `publish a version first (model-promote publish DIR --registry oci://${this.location.registry}/${repository} --model ${model} --version 1)`
      );
    }
    return tags;
  }
  async readSignatureFile(file, layerFile, what) {
    if ((file.size ?? 0) > MAX_SMALL_BLOB || file.layer.size > MAX_SMALL_BLOB + 64 * 1024) {
      throw notASignature(`${what}: its ${SIGNATURE_FILE} is larger than ${MAX_SMALL_BLOB} bytes`);
    }
    const chunks = [];
    for await (const chunk of await layerFile(file).open()) chunks.push(chunk);
    return Buffer.concat(chunks);
  }
  async readSignatureReferrer(repository, subject, what) {
    const client = this.client;
    const referrers = await listReferrers(client, repository, subject.digest, SIGSTORE_BUNDLE_TYPE);
    const latest = referrers.at(-1);
    if (!latest) {
      throw new RegistryError(
        "refused",
        "signature-missing",
        `${what} has no signature: no ${SIGSTORE_BUNDLE_TYPE} referrer and no ${SIGNATURE_FILE} in the artifact`,
        `sign the model and publish it with its model.sig (model-promote publish DIR --registry oci://${this.location.registry}/${repository} ...)`
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
};
function layerBlob(client, repository, file) {
  return {
    registry: client.registry,
    repository,
    digest: file.layer.digest,
    size: file.layer.size,
    uncompressedTar: file.format === "tar",
    ...file.prefix !== void 0 && { prefix: file.prefix },
    ...file.sourceDateEpoch !== void 0 && { sourceDateEpoch: file.sourceDateEpoch },
    open: () => client.openBlob(repository, file.layer.digest)
  };
}
function notASignature(message) {
  return new RegistryError(
    "refused",
    "signature-missing",
    message,
    "attach the OMS bundle (model.sig) as the referrer layer"
  );
}
function missing(name) {
  throw new RegistryError("usage", "unknown-version", `${name} is not in the registry any more`);
}

export {
  DownloadCache,
  materializeSigned,
  listSigned,
  PROMOTION_ARTIFACT_TYPE,
  parseOciLocation,
  modelRepository,
  OciModelRegistry
};
