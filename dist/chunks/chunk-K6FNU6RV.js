import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  HashPool,
  SerializeError
} from "./chunk-EXPRFBUG.js";
import {
  createBLAKE3
} from "./chunk-CZEGYLQK.js";

// src/signing/serialize-names.ts
function formatShardName(path, start, end) {
  return `${path}:${start}:${end}`;
}
function parseShardName(name) {
  const parts = name.split(":");
  if (parts.length !== 3) return void 0;
  const [path, start, end] = parts;
  if (!isCanonicalInteger(start) || !isCanonicalInteger(end)) return void 0;
  return { path, start: Number(start), end: Number(end) };
}
function isCanonicalInteger(text) {
  return /^(0|[1-9][0-9]{0,15})$/.test(text) && Number.isSafeInteger(Number(text));
}
function compareCodePoints(a, b) {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}
function codePointRank(unit) {
  return unit >= 55296 && unit <= 57343 ? unit + 8192 : unit >= 57344 ? unit - 2048 : unit;
}
function comparePaths(a, b) {
  const x = a.split("/");
  const y = b.split("/");
  const length = Math.min(x.length, y.length);
  for (let i = 0; i < length; i++) {
    const order = compareCodePoints(x[i], y[i]);
    if (order !== 0) return order;
  }
  return x.length - y.length;
}
function compareResourceNames(method, a, b) {
  if (method === "files") return comparePaths(a, b);
  const x = parseShardName(a);
  const y = parseShardName(b);
  if (!x || !y) return compareCodePoints(a, b);
  return comparePaths(x.path, y.path) || x.start - y.start || x.end - y.end;
}
var HINT = "the signature was not written by a trustworthy model_signing tool: do not use this model";
function checkResourceNames(resources, method) {
  const seen = /* @__PURE__ */ new Set();
  const paths = /* @__PURE__ */ new Set();
  const shards = /* @__PURE__ */ new Map();
  for (const resource of resources) {
    const name = resource.name;
    if (typeof name !== "string") throw unsafe(String(name), "it is not a string");
    if (seen.has(name))
      throw new SerializeError("duplicate-resource", `resource '${name}' is listed twice`, HINT);
    seen.add(name);
    if (typeof resource.digest !== "string" || !/^(?:[0-9a-f]{2})+$/.test(resource.digest)) {
      throw new SerializeError(
        "malformed-digest",
        `resource '${name}' has digest '${String(resource.digest)}', not lowercase hex`,
        HINT
      );
    }
    let path = name;
    if (method === "shards") {
      const shard = parseShardName(name);
      if (!shard)
        throw new SerializeError("malformed-shard", `shard name '${name}' is not PATH:START:END`, HINT);
      if (shard.end <= shard.start) {
        throw new SerializeError("malformed-shard", `shard '${name}' ends before it starts`, HINT);
      }
      path = shard.path;
      const list = shards.get(path) ?? [];
      list.push(shard);
      shards.set(path, list);
    }
    checkPath(path, name);
    paths.add(path);
  }
  if (paths.has(".") && paths.size > 1) {
    throw unsafe(".", "'.' names a single-file model, but other files are listed too");
  }
  for (const path of paths) {
    for (let cut = path.indexOf("/"); cut !== -1; cut = path.indexOf("/", cut + 1)) {
      const parent = path.slice(0, cut);
      if (paths.has(parent)) throw unsafe(path, `'${parent}' is listed as a file and as a folder`);
    }
  }
  for (const [path, list] of shards) {
    list.sort((a, b) => a.start - b.start);
    let expected = 0;
    for (const shard of list) {
      if (shard.start !== expected) {
        throw new SerializeError(
          "malformed-shard",
          `shards of '${path}' do not tile the file: expected one starting at ${expected}, found ${formatShardName(path, shard.start, shard.end)}`,
          HINT
        );
      }
      expected = shard.end;
    }
  }
}
function checkPath(path, name) {
  if (path === ".") return;
  if (path === "") throw unsafe(name, "the path is empty");
  if (path.startsWith("/")) throw unsafe(name, "the path is absolute");
  if (path.includes("\\")) throw unsafe(name, "the path contains a backslash");
  if (/[\u0000-\u001f\u007f]/.test(path)) throw unsafe(name, "the path contains a control character");
  for (const segment of path.split("/")) {
    if (segment === "") throw unsafe(name, "the path has an empty segment");
    if (segment === "..") throw unsafe(name, "the path has a '..' segment");
    if (segment === ".") throw unsafe(name, "the path has a '.' segment");
  }
}
function unsafe(name, why) {
  return new SerializeError("unsafe-resource-name", `resource name '${name}' is unsafe: ${why}`, HINT);
}

// src/signing/serialize-list.ts
import { lstat, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
var DEFAULT_IGNORE_PATHS = [".git", ".gitattributes", ".github", ".gitignore"];
var DEFAULT_SIGNATURE_NAME = "model.sig";
async function listModelFiles(directory, serialization, options = {}) {
  const ignore = ignoreMatcher([
    ...serialization.ignorePaths,
    ...options.ignoreGitPaths === false ? [] : DEFAULT_IGNORE_PATHS,
    options.signatureName ?? DEFAULT_SIGNATURE_NAME
  ]);
  const allow = serialization.allowSymlinks;
  let root;
  try {
    root = await lstat(directory);
  } catch (cause) {
    throw new SerializeError(
      "model-not-found",
      `model '${directory}' cannot be read: ${errorText(cause)}`,
      "check the model path",
      { cause }
    );
  }
  const kind = await classify(directory, directory, root, allow, true);
  if (kind.type === "file") return [{ path: ".", size: kind.size }];
  const files = [];
  const walk = async (relative) => {
    const absolute = relative === "" ? directory : join(directory, relative);
    let entries;
    try {
      entries = await readdir(absolute, { withFileTypes: true });
    } catch (cause) {
      throw new SerializeError(
        "file-unreadable",
        `listing '${absolute}': ${errorText(cause)}`,
        "make the model folder readable",
        { cause }
      );
    }
    for (const entry of entries) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (ignore(path)) continue;
      const full = join(directory, path);
      const found = entry.isFile() ? { type: "file", size: (await statOf(full)).size } : entry.isDirectory() ? { type: "dir" } : await classify(full, path, await statOf(full, lstat), allow);
      if (found.type === "file") files.push({ path, size: found.size });
      else if (found.type === "dir") await walk(path);
    }
  };
  await walk("");
  return files.sort((a, b) => comparePaths(a.path, b.path));
}
async function classify(full, name, info, allowSymlinks, isRoot = false) {
  if (info.isSymbolicLink()) {
    if (!allowSymlinks) {
      throw new SerializeError(
        "symlink-not-allowed",
        `'${name}' is a symbolic link and the signature does not allow symlinks`,
        "replace the link with the file it points to; if the signer followed links (model_signing sign --allow_symlinks), verify with --allow-symlinks"
      );
    }
    let target;
    try {
      target = await stat(full);
    } catch (cause) {
      throw new SerializeError(
        "unsupported-file-type",
        `'${name}' is a broken symbolic link (${errorText(cause)})`,
        "remove the link or restore its target",
        { cause }
      );
    }
    if (target.isFile()) return { type: "file", size: target.size };
    if (target.isDirectory()) return isRoot ? { type: "dir" } : { type: "skip" };
    return unsupported(name);
  }
  if (info.isFile()) return { type: "file", size: info.size };
  if (info.isDirectory()) return { type: "dir" };
  return unsupported(name);
}
function unsupported(name) {
  throw new SerializeError(
    "unsupported-file-type",
    `'${name}' is neither a regular file nor a folder (socket, pipe or device)`,
    "remove it from the model folder"
  );
}
async function statOf(full, look = stat) {
  try {
    return await look(full);
  } catch (cause) {
    throw new SerializeError(
      "file-unreadable",
      `reading '${full}': ${errorText(cause)}`,
      "make sure nothing changes the model while it is hashed",
      { cause }
    );
  }
}
function ignoreMatcher(ignorePaths) {
  const normalized = /* @__PURE__ */ new Set();
  for (const raw of ignorePaths) {
    if (raw.startsWith("/")) continue;
    const segments = raw.split("/").filter((s) => s !== "" && s !== ".");
    if (segments.includes("..")) continue;
    if (segments.length === 0) {
      throw new SerializeError(
        "unsafe-ignore-path",
        `ignore path '${raw}' names the whole model, so nothing would be verified`,
        "sign the model again without ignoring its root folder"
      );
    }
    normalized.add(segments.join("/"));
  }
  return (path) => {
    if (path === "" || path === ".") return false;
    if (normalized.has(path)) return true;
    for (let cut = path.indexOf("/"); cut !== -1; cut = path.indexOf("/", cut + 1)) {
      if (normalized.has(path.slice(0, cut))) return true;
    }
    return false;
  };
}
function errorText(error) {
  return error instanceof Error ? error.message : String(error);
}

// src/signing/serialize-compare.ts
var MAX_NAMED = 10;
function compareManifest(expected, actual, singleFileName) {
  const found = new Map(actual.map((r) => [r.name, r]));
  const differences = { missing: [], extra: [], different: [] };
  const wanted = /* @__PURE__ */ new Set();
  for (const resource of expected) {
    wanted.add(resource.name);
    const other = found.get(resource.name);
    if (!other) differences.missing.push(resource.name);
    else if (other.digest !== resource.digest || other.algorithm !== resource.algorithm) {
      differences.different.push(resource.name);
    }
  }
  for (const resource of actual) if (!wanted.has(resource.name)) differences.extra.push(resource.name);
  const shown = (names) => singleFileName === void 0 ? names : names.map((name) => name === "." || name.startsWith(".:") ? singleFileName + name.slice(1) : name);
  const parts = [
    describe("missing", shown(differences.missing)),
    describe("extra", shown(differences.extra)),
    describe("different", shown(differences.different))
  ].filter((part) => part !== "");
  if (parts.length === 0) return;
  throw new SerializeError(
    "model-mismatch",
    `the model's files do not match its signature: ${parts.join("; ")}`,
    "promote exactly the files that were signed (or sign this version of the model)",
    { differences }
  );
}
function describe(label, names) {
  if (names.length === 0) return "";
  const shown = names.slice(0, MAX_NAMED).join(", ");
  const more = names.length > MAX_NAMED ? ` and ${names.length - MAX_NAMED} more` : "";
  return `${names.length} ${label} (${shown}${more})`;
}

// src/signing/serialize-statement.ts
import { createHash } from "node:crypto";
var STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
var PREDICATE_TYPE = "https://model_signing/signature/v1.0";
function subjectDigest(resources) {
  const hash = createHash("sha256");
  for (const resource of resources) hash.update(Buffer.from(resource.digest, "hex"));
  return hash.digest("hex");
}
function serializationParameters(serialization) {
  const parameters = {
    method: serialization.method,
    hash_type: serialization.hashType
  };
  if (serialization.method === "shards") parameters["shard_size"] = serialization.shardSize;
  parameters["allow_symlinks"] = serialization.allowSymlinks;
  if (serialization.ignorePaths.length > 0) parameters["ignore_paths"] = [...serialization.ignorePaths];
  return parameters;
}
function buildStatement(subjectName, serialization, resources) {
  const ordered = [...resources].sort((a, b) => compareResourceNames(serialization.method, a.name, b.name));
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: subjectName, digest: { sha256: subjectDigest(ordered) } }],
    predicateType: PREDICATE_TYPE,
    predicate: {
      serialization: serializationParameters(serialization),
      resources: ordered.map((r) => ({ name: r.name, algorithm: r.algorithm, digest: r.digest }))
    }
  };
  return new Uint8Array(Buffer.from(JSON.stringify(statement, null, 2), "utf8"));
}

// src/signing/serialize.ts
import { availableParallelism } from "node:os";
import { join as join2 } from "node:path";

// src/signing/serialize-algorithm.ts
var POOL_HASHES = {
  sha256: "sha256",
  blake2b: "blake2b512",
  blake3: "blake3"
};
function poolHashName(hashType) {
  const name = Object.hasOwn(POOL_HASHES, hashType) ? POOL_HASHES[hashType] : void 0;
  if (name === void 0) {
    throw new SerializeError(
      "unsupported-hash",
      `hash_type '${hashType}' is not supported (supported: ${Object.keys(POOL_HASHES).join(", ")})`,
      "sign the model again with a hash model_signing offers: sha256 (its default), blake2 or blake3"
    );
  }
  return name;
}
function resourceAlgorithm(serialization) {
  poolHashName(serialization.hashType);
  switch (serialization.method) {
    case "files":
      return serialization.hashType;
    case "shards": {
      const size = serialization.shardSize;
      if (size === void 0 || !Number.isSafeInteger(size) || size <= 0) {
        throw new SerializeError(
          "unsupported-serialization",
          `shard_size ${String(size)} is not a positive integer`,
          "sign the model again with a positive --shard_size"
        );
      }
      return `${serialization.hashType}-sharded-${size}`;
    }
    default:
      throw new SerializeError(
        "unsupported-serialization",
        `serialization method '${String(serialization.method)}' is not supported`,
        "sign the model with method 'files' or 'shards'"
      );
  }
}
function shardRanges(size, shardSize) {
  const ranges = [];
  for (let start = 0; start < size; start += shardSize)
    ranges.push([start, Math.min(start + shardSize, size)]);
  return ranges;
}

// src/signing/hasher.ts
import { createHash as createHash2 } from "node:crypto";
async function createHasher(algorithm) {
  if (algorithm === "blake3") {
    const wasm = await createBLAKE3();
    return {
      update: (data) => void wasm.update(data),
      digest: () => {
        const hex = wasm.digest("hex");
        wasm.init();
        return hex;
      }
    };
  }
  let hash = createHash2(algorithm);
  return {
    update: (data) => void hash.update(data),
    digest: () => {
      const hex = hash.digest("hex");
      hash = createHash2(algorithm);
      return hex;
    }
  };
}

// src/signing/serialize-content-check.ts
var HINT2 = "make sure nothing changes the model between verification and the image build";
var indexes = /* @__PURE__ */ new WeakMap();
function indexOf(manifest) {
  let index = indexes.get(manifest);
  if (!index) {
    index = /* @__PURE__ */ new Map();
    for (const resource of manifest.resources) {
      const path = manifest.serialization.method === "shards" ? parseShardName(resource.name)?.path : resource.name;
      if (path === void 0) continue;
      const list = index.get(path) ?? [];
      list.push(resource);
      index.set(path, list);
    }
    indexes.set(manifest, index);
  }
  return index;
}
async function createContentCheck(manifest, path, size, options = {}) {
  const { serialization } = manifest;
  const algorithm = resourceAlgorithm(serialization);
  const poolName = poolHashName(serialization.hashType);
  const listed = indexOf(manifest).get(path) ?? [];
  const changed = (why) => options.streaming ? new SerializeError(
    "model-mismatch",
    `model file '${path}' does not match its signature: ${why}`,
    "promote exactly the files that were signed (or sign this version of the model); nothing was tagged"
  ) : new SerializeError("model-changed", `model file '${path}' changed after verification: ${why}`, HINT2);
  let expected;
  if (serialization.method === "files") {
    const resource = listed[0];
    if (!resource) throw changed("it is not in the verified manifest");
    expected = [{ start: 0, end: size, name: resource.name, digest: resource.digest }];
  } else {
    const byName = new Map(listed.map((r) => [r.name, r]));
    expected = shardRanges(size, serialization.shardSize).map(([start, end]) => {
      const name = formatShardName(path, start, end);
      const resource = byName.get(name);
      if (!resource)
        throw changed(`its size is ${size} bytes, but shard ${name} is not in the verified manifest`);
      return { start, end, name, digest: resource.digest };
    });
    if (expected.length !== listed.length) {
      throw changed(
        `its size is ${size} bytes, but the verified manifest has ${listed.length} shards for it`
      );
    }
  }
  for (const resource of listed) {
    if (resource.algorithm !== algorithm)
      throw changed(`resource ${resource.name} uses ${resource.algorithm}, not ${algorithm}`);
  }
  const hash = await createHasher(poolName);
  let position = 0;
  let shard = 0;
  const closeShard = () => {
    const current = expected[shard];
    const digest = hash.digest();
    shard++;
    if (digest !== current.digest)
      throw changed(`${current.name} has digest ${digest}, not ${current.digest}`);
  };
  return {
    update(chunk) {
      if (position + chunk.length > size) throw changed(`more than the ${size} bytes announced`);
      let offset = 0;
      while (offset < chunk.length) {
        const current = expected[shard];
        const take = Math.min(chunk.length - offset, current.end - position);
        hash.update(offset === 0 && take === chunk.length ? chunk : chunk.subarray(offset, offset + take));
        offset += take;
        position += take;
        if (position === current.end && serialization.method === "shards") closeShard();
      }
    },
    finish() {
      if (position !== size) throw changed(`only ${position} of ${size} bytes were streamed`);
      if (serialization.method === "files") closeShard();
      else if (shard !== expected.length) throw changed("not every shard was checked");
    }
  };
}

// src/signing/serialize.ts
async function digestModel(directory, serialization, options = {}) {
  const algorithm = resourceAlgorithm(serialization);
  const poolName = poolHashName(serialization.hashType);
  if (options.signal?.aborted) throw aborted(options.signal);
  const files = options.files ?? await listModelFiles(directory, serialization, options);
  const jobs = [];
  const jobsLeft = [];
  files.forEach((file, index) => {
    if (serialization.method === "files") {
      jobs.push({ name: file.path, file: index, start: 0, end: void 0, size: file.size });
      jobsLeft.push(1);
    } else {
      const ranges = shardRanges(file.size, serialization.shardSize);
      for (const [start, end] of ranges) {
        jobs.push({
          name: formatShardName(file.path, start, end),
          file: index,
          start,
          end,
          size: end - start
        });
      }
      jobsLeft.push(ranges.length);
    }
  });
  const progress = {
    bytesDone: 0,
    bytesTotal: files.reduce((sum, f) => sum + f.size, 0),
    filesDone: jobsLeft.filter((n) => n === 0).length,
    filesTotal: files.length
  };
  const report = () => options.onProgress?.({ ...progress, bytesDone: Math.min(progress.bytesDone, progress.bytesTotal) });
  report();
  if (jobs.length === 0) return [];
  const digests = new Array(jobs.length);
  const known = serialization.method === "files" && serialization.hashType === "sha256" ? options.knownDigests : void 0;
  jobs.forEach((job, i) => {
    const digest = known?.get(files[job.file].path);
    if (digest === void 0) return;
    digests[i] = digest;
    progress.bytesDone += job.size;
    progress.filesDone++;
  });
  const toHash = jobs.map((_, i) => i).filter((i) => digests[i] === void 0);
  if (toHash.length < jobs.length) report();
  if (toHash.length === 0) return jobs.map((job, i) => ({ name: job.name, algorithm, digest: digests[i] }));
  const pool = new HashPool({
    workers: Math.min(options.workers ?? availableParallelism(), toHash.length),
    ...options.blockSize === void 0 ? {} : { blockSize: options.blockSize },
    ...options.signal === void 0 ? {} : { signal: options.signal },
    onBytes: (bytes) => {
      progress.bytesDone += bytes;
      report();
    }
  });
  try {
    const order = toHash.sort((a, b) => jobs[b].size - jobs[a].size);
    await Promise.all(
      order.map(async (i) => {
        const job = jobs[i];
        const file = files[job.file];
        const result = await pool.hash({
          path: file.path === "." ? directory : join2(directory, file.path),
          label: job.name,
          algorithm: poolName,
          start: job.start,
          ...job.end === void 0 ? {} : { end: job.end },
          noFollow: !serialization.allowSymlinks
        });
        digests[i] = result.digest;
        if (--jobsLeft[job.file] === 0) {
          progress.filesDone++;
          report();
        }
      })
    );
  } finally {
    await pool.close();
  }
  return jobs.map((job, i) => ({ name: job.name, algorithm, digest: digests[i] }));
}
function aborted(signal) {
  return new SerializeError("aborted", "hashing the model was aborted", void 0, { cause: signal.reason });
}

export {
  resourceAlgorithm,
  shardRanges,
  formatShardName,
  parseShardName,
  checkResourceNames,
  DEFAULT_IGNORE_PATHS,
  listModelFiles,
  ignoreMatcher,
  compareManifest,
  buildStatement,
  createContentCheck,
  digestModel
};
