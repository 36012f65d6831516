import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  ImageError
} from "./chunk-7UPFIEIQ.js";
import {
  MediaType
} from "./chunk-BPKCH6W6.js";
import {
  require_tar_stream
} from "./chunk-VUSZPZLG.js";
import {
  OciError
} from "./chunk-NE5QDH7Y.js";
import {
  PromotionError
} from "./chunk-237YPWJV.js";
import {
  __toESM
} from "./chunk-6DG7BXTN.js";

// src/oci/tar-layer.ts
var import_tar_stream = __toESM(require_tar_stream(), 1);
import { open } from "node:fs/promises";
import { join } from "node:path";
var READ_BLOCK = 256 * 1024;
var KEPT_BUFFERS = 8;
var ReadBuffers = class {
  free = [];
  /** Buffers handed out, by their memory, with the length handed out. */
  lent = /* @__PURE__ */ new Map();
  take() {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(READ_BLOCK);
  }
  lend(chunk) {
    this.lent.set(chunk.buffer, chunk.byteLength);
    return chunk;
  }
  giveBack(chunk) {
    if (chunk.byteOffset !== 0 || this.lent.get(chunk.buffer) !== chunk.byteLength) return;
    this.lent.delete(chunk.buffer);
    if (this.free.length < KEPT_BUFFERS) this.free.push(Buffer.from(chunk.buffer, 0, READ_BLOCK));
  }
};
async function* recycling(stream, buffers) {
  for await (const chunk of stream) {
    yield chunk;
    buffers.giveBack(chunk);
  }
}
var TAR_LAYER_FORMAT = "model-promote tar layer 1 (tar-stream 3, ustar+pax, 0644/0755, uid 0)";
async function writeTarLayer(layer, options, sink, annotations, known) {
  let filled;
  const { onLayerProgress, onBlobEvent } = options;
  const source = () => {
    let passBytes = 0;
    const onBytes = onLayerProgress && ((bytes) => onLayerProgress(passBytes += bytes));
    const { stream, done } = packLayer(layer, onBytes ? { ...options, onBytes } : options);
    filled = done;
    return stream;
  };
  const { openFileFrom } = options;
  const files = layer.entries.filter((e) => e.kind === "file");
  if (openFileFrom && files.length === 1) {
    source.resume = (offset, size) => layerTail(files[0].file, offset, size, openFileFrom);
  }
  try {
    const descriptor = await sink.writeBlob(
      { mediaType: MediaType.Layer, ...annotations ? { annotations } : {}, ...known },
      source,
      onBlobEvent
    );
    await filled;
    return descriptor;
  } catch (error) {
    const packError = await filled?.then(
      () => void 0,
      (e) => e
    );
    throw packError === void 0 || packError instanceof ReaderClosed ? error : packError;
  }
}
function layerTail(file, offset, size, openFileFrom) {
  const padding = (512 - file.size % 512) % 512;
  const contentStart = size - 1024 - padding - file.size;
  if (contentStart < 0 || offset < contentStart || offset > size) return void 0;
  const trailer = Buffer.alloc(padding + 1024);
  return (async function* () {
    const start = offset - contentStart;
    if (start < file.size) {
      let read = start;
      for await (const chunk of await openFileFrom(file, start)) {
        read += chunk.byteLength;
        yield chunk;
      }
      if (read !== file.size) {
        throw changed(
          file,
          `gave ${read - start} bytes from byte ${start}, not the ${file.size - start} left`
        );
      }
    }
    yield trailer.subarray(Math.max(0, start - file.size));
  })();
}
var ReaderClosed = class extends Error {
  name = "ReaderClosed";
};
function packLayer(layer, options) {
  const pack = import_tar_stream.default.pack();
  pack.on("error", () => void 0);
  const mtime = new Date(options.sourceDateEpoch * 1e3);
  const closed = new Promise((_, reject) => {
    pack.on("close", () => reject(new ReaderClosed("tar stream closed by its reader")));
  });
  closed.catch(() => void 0);
  const buffers = new ReadBuffers();
  const done = (async () => {
    for (const entry of layer.entries) await addEntry(pack, entry, mtime, options, closed, buffers);
    pack.finalize();
  })();
  done.catch((error) => pack.destroy(error instanceof Error ? error : new Error(String(error))));
  return { stream: recycling(pack, buffers), done };
}
async function addEntry(pack, entry, mtime, options, closed, buffers) {
  const header = { name: entry.name, mtime, uid: 0, gid: 0 };
  if (entry.kind === "directory") {
    await Promise.race([
      closed,
      new Promise(
        (resolve, reject) => pack.entry(
          { ...header, type: "directory", mode: 493 },
          (error) => error ? reject(error) : resolve()
        )
      )
    ]);
    return;
  }
  const file = entry.file;
  let finished = () => void 0;
  const entryDone = new Promise((resolve, reject) => {
    finished = (error) => error ? reject(error) : resolve();
  });
  entryDone.catch(() => void 0);
  const sink = pack.entry({ ...header, type: "file", mode: 420, size: file.size }, finished);
  sink.on("error", () => void 0);
  let check;
  try {
    check = await options.check?.(file.path, file.size);
  } catch (error) {
    throw checkFailed(file, error);
  }
  let read = 0;
  try {
    for await (const bytes of fileBytes(file, options, buffers)) {
      options.signal?.throwIfAborted();
      read += bytes.byteLength;
      if (read > file.size) break;
      if (check) guarded(file, () => check.update(bytes));
      options.onBytes?.(bytes.byteLength);
      if (!sink.write(bytes)) {
        await Promise.race([closed, new Promise((resolve) => sink.once("drain", () => resolve()))]);
      }
    }
  } catch (error) {
    if (error instanceof PromotionError || error instanceof ReaderClosed) throw error;
    if (options.signal?.aborted) throw options.signal.reason;
    throw changed(file, `cannot be read: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (read > file.size) throw changed(file, `grew beyond the ${file.size} verified bytes`);
  if (read < file.size) throw changed(file, `has only ${read} of the ${file.size} verified bytes`);
  if (check) guarded(file, () => check.finish());
  sink.end(() => void 0);
  await Promise.race([closed, entryDone]);
}
async function* fileBytes(file, options, buffers) {
  if (options.openFile) {
    yield* await options.openFile(file);
    return;
  }
  const handle = await open(join(options.directory, file.path), "r");
  try {
    let read = 0;
    while (read < file.size) {
      const buffer = buffers.take();
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, file.size - read), read);
      if (bytesRead === 0) return;
      read += bytesRead;
      yield buffers.lend(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
    }
    const past = Buffer.alloc(1);
    if ((await handle.read(past, 0, 1, read)).bytesRead > 0) yield past;
  } finally {
    await handle.close();
  }
}
function changed(file, problem, cause) {
  return new OciError(
    "failed",
    "model-file-changed",
    `model file ${file.path} ${problem}`,
    "the model folder changed after verification: run the promotion again",
    { cause }
  );
}
function guarded(file, call) {
  try {
    return call();
  } catch (error) {
    throw checkFailed(file, error);
  }
}
function checkFailed(file, error) {
  if (error instanceof PromotionError) return error;
  return new OciError(
    "failed",
    "content-check-failed",
    `checking model file ${file.path}: ${error instanceof Error ? error.message : String(error)}`,
    void 0,
    { cause: error }
  );
}

// src/image/layer-plan.ts
import { posix } from "node:path";
var OWN_LAYER_THRESHOLD = 64 * 1024 * 1024;
function compareNames(a, b) {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
function tarPrefix(modelPath) {
  const trimmed = modelPath.replace(/^\/+|\/+$/g, "");
  if (!modelPath.startsWith("/") || trimmed !== "" && !isCleanRelative(trimmed)) {
    throw new ImageError(
      "usage",
      "model-path-invalid",
      `image modelPath ${JSON.stringify(modelPath)} is not a clean absolute path`,
      'write it like /models (no "..", ".", or "//")'
    );
  }
  return trimmed;
}
function isCleanRelative(path) {
  return path.split("/").every((s) => s !== "" && s !== "." && s !== "..") && !path.includes("\0");
}
function checkModelFiles(files) {
  if (files.length === 0) {
    throw new ImageError("failed", "model-empty", "the model has no files to put in the image");
  }
  const seen = /* @__PURE__ */ new Set();
  for (const file of files) {
    if (!isCleanRelative(file.path) || posix.normalize(file.path) !== file.path) {
      throw new ImageError(
        "failed",
        "model-path-invalid",
        `model file path ${JSON.stringify(file.path)} is not a clean relative POSIX path`
      );
    }
    if (!Number.isSafeInteger(file.size) || file.size < 0) {
      throw new ImageError(
        "failed",
        "model-path-invalid",
        `model file ${file.path} has invalid size ${file.size}`
      );
    }
    if (seen.has(file.path)) {
      throw new ImageError("failed", "model-path-invalid", `model file ${file.path} is listed twice`);
    }
    seen.add(file.path);
  }
  for (const path of seen) {
    for (let dir = posix.dirname(path); dir !== "."; dir = posix.dirname(dir)) {
      if (seen.has(dir)) {
        throw new ImageError(
          "failed",
          "model-path-invalid",
          `model file ${dir} is also the folder of ${path}`
        );
      }
    }
  }
}
function layerOf(kind, files, prefix) {
  const entries = /* @__PURE__ */ new Map();
  for (const file of files) {
    const name = prefix ? `${prefix}/${file.path}` : file.path;
    const segments = name.split("/");
    for (let i = 1; i < segments.length; i++) {
      const dir = `${segments.slice(0, i).join("/")}/`;
      entries.set(dir, { kind: "directory", name: dir });
    }
    entries.set(name, { kind: "file", name, file });
  }
  const sorted = [...entries.values()].sort((a, b) => compareNames(a.name, b.name));
  return {
    kind,
    entries: sorted,
    files: sorted.flatMap((e) => e.kind === "file" ? [e.file] : []),
    bytes: files.reduce((sum, f) => sum + f.size, 0)
  };
}
function fileLayer(file, modelPath) {
  checkModelFiles([file]);
  return layerOf("file", [file], tarPrefix(modelPath));
}
function planLayers(files, modelPath, threshold = OWN_LAYER_THRESHOLD) {
  checkModelFiles(files);
  const prefix = tarPrefix(modelPath);
  const small = files.filter((f) => f.size < threshold);
  const big = files.filter((f) => f.size >= threshold).sort((a, b) => compareNames(a.path, b.path));
  return [
    ...small.length > 0 ? [layerOf("shared", small, prefix)] : [],
    ...big.map((f) => layerOf("file", [f], prefix))
  ];
}
var SIGNATURE_NAME = "model.sig";
function signatureImagePath(modelPath) {
  const prefix = tarPrefix(modelPath);
  return `/${prefix ? `${prefix}/` : ""}${SIGNATURE_NAME}`;
}
function planSignatureLayer(signature, modelPath, files) {
  if (files.some((f) => f.path === SIGNATURE_NAME)) {
    throw new ImageError(
      "usage",
      "model-path-invalid",
      `the model has a file named ${SIGNATURE_NAME}, where the image keeps the model's signature`,
      `rename that file, or keep the signature as ${SIGNATURE_NAME} inside the model folder (then it is not a model file)`
    );
  }
  const prefix = tarPrefix(modelPath);
  const file = { path: signature.source, size: signature.size };
  const entries = [
    ...prefix.split("/").flatMap(
      (_, i, segments) => prefix ? [{ kind: "directory", name: `${segments.slice(0, i + 1).join("/")}/` }] : []
    ),
    { kind: "file", name: signatureImagePath(modelPath).slice(1), file }
  ];
  return { kind: "signature", entries, files: [file], bytes: signature.size };
}

export {
  TAR_LAYER_FORMAT,
  writeTarLayer,
  packLayer,
  tarPrefix,
  fileLayer,
  planLayers,
  signatureImagePath,
  planSignatureLayer
};
