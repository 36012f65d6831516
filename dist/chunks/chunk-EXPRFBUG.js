import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  PromotionError
} from "./chunk-237YPWJV.js";

// src/signing/hash-pool.ts
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

// src/signing/serialize-errors.ts
var kinds = {
  "symlink-not-allowed": "refused",
  "unsupported-file-type": "refused",
  "unsafe-resource-name": "refused",
  "duplicate-resource": "refused",
  "malformed-shard": "refused",
  "malformed-digest": "refused",
  "unsafe-ignore-path": "refused",
  "unsupported-serialization": "refused",
  "unsupported-hash": "refused",
  "model-mismatch": "refused",
  "model-changed": "refused",
  "model-not-found": "failed",
  "file-unreadable": "failed",
  "hash-worker-failed": "failed",
  aborted: "failed"
};
var SerializeError = class extends PromotionError {
  name = "SerializeError";
  /** Set for `model-mismatch`: every name that differs. */
  differences;
  constructor(code, message, hint, options) {
    super(
      kinds[code],
      code,
      message,
      hint,
      options?.cause === void 0 ? void 0 : { cause: options.cause }
    );
    if (options?.differences) this.differences = options.differences;
  }
};

// src/signing/hash-pool.ts
var DEFAULT_BLOCK_SIZE = 256 * 1024;
var PROGRESS_STEP = 16 * 1024 * 1024;
function workerModule() {
  const bundled = new URL("./hash-worker.js", import.meta.url);
  return existsSync(bundled) ? bundled : new URL("./hash-worker.ts", import.meta.url);
}
function startWorker(blockSize) {
  return new Worker(workerModule(), {
    workerData: { blockSize, progressStep: Math.max(blockSize, PROGRESS_STEP) }
  });
}
var prestarted = [];
function prestartWorkers(count = availableParallelism()) {
  while (prestarted.length < count) {
    const worker = startWorker(DEFAULT_BLOCK_SIZE);
    worker.unref();
    const drop = () => {
      const at = prestarted.indexOf(worker);
      if (at >= 0) prestarted.splice(at, 1);
    };
    worker.once("error", drop).once("exit", drop);
    prestarted.push(worker);
  }
}
var HashPool = class {
  size;
  blockSize;
  onBytes;
  signal;
  slots = [];
  queue = [];
  /** Workers being terminated: `close()` waits for them, so nothing outlives the pool. */
  dying = [];
  closed;
  onAbort = () => {
    this.shutdown(
      new SerializeError("aborted", "hashing the model was aborted", void 0, {
        cause: this.signal?.reason
      })
    );
  };
  constructor(options = {}) {
    this.size = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
    this.blockSize = Math.max(64 * 1024, Math.floor(options.blockSize ?? DEFAULT_BLOCK_SIZE));
    this.onBytes = options.onBytes;
    this.signal = options.signal;
    if (this.signal?.aborted) this.onAbort();
    else this.signal?.addEventListener("abort", this.onAbort, { once: true });
  }
  /** Hashes `job` on the next free worker. */
  hash(job) {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }
  /** Terminates every worker; jobs not finished are rejected. Safe to call twice. */
  async close() {
    this.shutdown(new SerializeError("aborted", "the hash pool was closed before the job ran"));
    for (const slot of this.slots.splice(0)) this.dying.push(slot.worker.terminate());
    await Promise.all(this.dying.splice(0));
  }
  dispatch() {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.current === void 0);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const pending = this.queue.shift();
      slot.current = pending;
      slot.worker.ref();
      const { path, algorithm, start, end, noFollow } = pending.job;
      slot.worker.postMessage({ path, algorithm, start, end, noFollow: noFollow === true });
    }
  }
  spawn() {
    const worker = this.blockSize === DEFAULT_BLOCK_SIZE && prestarted.shift() || startWorker(this.blockSize);
    const slot = { worker };
    worker.on("message", (message) => this.receive(slot, message));
    worker.on("error", (error) => this.lose(slot, error));
    worker.on("exit", (code) => {
      if (!this.closed) this.lose(slot, new Error(`worker exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }
  receive(slot, message) {
    const pending = slot.current;
    if (!pending) return;
    if (message.type === "progress") {
      this.onBytes?.(message.bytes);
      return;
    }
    slot.current = void 0;
    slot.worker.unref();
    if (message.type === "done") {
      if (message.bytes > 0) this.onBytes?.(message.bytes);
      pending.resolve({ digest: message.digest, length: message.length });
    } else {
      pending.reject(readError(pending.job, message));
    }
    this.dispatch();
  }
  lose(slot, error) {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    this.dying.push(slot.worker.terminate());
    const pending = slot.current;
    slot.current = void 0;
    pending?.reject(
      new SerializeError(
        "hash-worker-failed",
        `hashing '${pending.job.label ?? pending.job.path}': the worker died (${error instanceof Error ? error.message : String(error)})`,
        "retry; if it persists, check free memory",
        { cause: error }
      )
    );
    this.dispatch();
  }
  shutdown(reason) {
    if (this.closed) return;
    this.closed = reason;
    this.signal?.removeEventListener("abort", this.onAbort);
    for (const pending of this.queue.splice(0)) pending.reject(reason);
    for (const slot of this.slots) {
      const pending = slot.current;
      slot.current = void 0;
      pending?.reject(reason);
      this.dying.push(slot.worker.terminate());
    }
  }
};
var HINTS = {
  ENOENT: "the file disappeared: make sure nothing changes the model while it is verified",
  ESHORT: "the file shrank: make sure nothing changes the model while it is verified",
  EACCES: "make the model files readable by the user running the promotion",
  EPERM: "make the model files readable by the user running the promotion",
  ELOOP: "the file was replaced by a symbolic link: make sure nothing changes the model while it is verified",
  ENOTFILE: "the file was replaced by something else: make sure nothing changes the model while it is verified"
};
function readError(job, message) {
  const name = job.label ?? job.path;
  const code = message.code === "ESHORT" || message.code === "ELOOP" || message.code === "ENOTFILE" ? "model-changed" : "file-unreadable";
  return new SerializeError(
    code,
    `hashing '${name}': ${message.message}`,
    (message.code && HINTS[message.code]) ?? "check the disk and the file permissions",
    { cause: Object.assign(new Error(message.message), { code: message.code }) }
  );
}

export {
  SerializeError,
  DEFAULT_BLOCK_SIZE,
  PROGRESS_STEP,
  workerModule,
  prestartWorkers,
  HashPool
};
