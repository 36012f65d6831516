import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  createBLAKE3
} from "./chunk-CZEGYLQK.js";
import "./chunk-6DG7BXTN.js";

// src/signing/hash-worker.ts
import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
var port = parentPort;
var { blockSize, progressStep } = workerData;
var buffer = Buffer.allocUnsafe(blockSize);
var { O_RDONLY, O_NONBLOCK = 0, O_NOFOLLOW = 0 } = constants;
var blake3;
async function hasherFor(algorithm) {
  if (algorithm !== "blake3") return createHash(algorithm);
  blake3 ??= await createBLAKE3();
  return blake3.init();
}
function failure(code, message) {
  return Object.assign(new Error(message), { code });
}
async function run(job) {
  let fd = -1;
  try {
    const hash = await hasherFor(job.algorithm);
    fd = openSync(job.path, O_RDONLY | O_NONBLOCK | (job.noFollow ? O_NOFOLLOW : 0));
    if (!fstatSync(fd).isFile()) throw failure("ENOTFILE", "not a regular file");
    const end = job.end ?? Infinity;
    let position = job.start;
    let unreported = 0;
    while (position < end) {
      const read = readSync(fd, buffer, 0, Math.min(blockSize, end - position), position);
      if (read === 0) {
        if (end !== Infinity)
          throw failure("ESHORT", `the file ended at byte ${position}, before byte ${end}`);
        break;
      }
      hash.update(read === blockSize ? buffer : buffer.subarray(0, read));
      position += read;
      unreported += read;
      if (unreported >= progressStep) {
        port.postMessage({ type: "progress", bytes: unreported });
        unreported = 0;
      }
    }
    port.postMessage({
      type: "done",
      digest: hash.digest("hex"),
      length: position - job.start,
      bytes: unreported
    });
  } catch (error) {
    const { code, message } = error;
    port.postMessage({
      type: "error",
      code: typeof code === "string" ? code : void 0,
      message: typeof message === "string" ? message : String(error)
    });
  } finally {
    if (fd >= 0) {
      try {
        closeSync(fd);
      } catch {
      }
    }
  }
}
port.on("message", (job) => void run(job));
