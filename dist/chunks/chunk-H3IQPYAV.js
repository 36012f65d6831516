import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  formatBytes
} from "./chunk-R2UCZZQQ.js";
import {
  Limiter
} from "./chunk-P4GOECZY.js";
import {
  uploadBlob
} from "./chunk-CPYVGYKC.js";
import {
  silentLogger
} from "./chunk-WPYXZ6I6.js";
import {
  DigestCounter,
  sha256Digest
} from "./chunk-BPKCH6W6.js";
import {
  OciRegistryError
} from "./chunk-36Q42R3Y.js";

// src/progress.ts
function byteProgress(logger, label, initialTotal, options = {}) {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 5e3;
  const start = now();
  let bytesTotal = initialTotal;
  let lastLog = start;
  let latest = 0;
  const line = (at) => {
    const seconds = Math.max((at - start) / 1e3, 1e-3);
    const of = bytesTotal > 0 ? ` / ${formatBytes(bytesTotal)} (${Math.floor(latest / bytesTotal * 100)}%)` : "";
    return `${label}: ${formatBytes(latest)}${of}, ${formatBytes(latest / seconds)}/s`;
  };
  return {
    update(bytesDone, total) {
      latest = bytesDone;
      if (total !== void 0) bytesTotal = total;
      const at = now();
      if (at - lastLog >= interval) {
        lastLog = at;
        logger.info(line(at));
      }
    },
    done() {
      logger.info(`${line(now())}, done`);
    }
  };
}
function streamProgress(logger, label, files, options = {}) {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 5e3;
  const shown = options.filesShown ?? 3;
  const start = now();
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const sizes = new Map(files.map((f) => [f.path, f.size]));
  const done = /* @__PURE__ */ new Map();
  let verified = 0;
  let sentBytes = 0;
  let lastLog = start;
  const line = (at, final) => {
    const seconds = Math.max((at - start) / 1e3, 1e-3);
    const rate = verified / seconds;
    const percent = total > 0 ? Math.floor(verified / total * 100) : 100;
    const eta = final ? "done" : rate > 0 ? `ETA ${formatSeconds((total - verified) / rate)}` : "ETA unknown";
    const underWay = [...done.entries()].filter(([path, bytes]) => bytes < (sizes.get(path) ?? 0)).slice(0, shown).map(([path, bytes]) => `${path} ${formatBytes(bytes)} / ${formatBytes(sizes.get(path) ?? 0)}`);
    return `${label}: ${formatBytes(verified)} / ${formatBytes(total)} verified (${percent}%), ${formatBytes(sentBytes)} sent, ${formatBytes(rate)}/s, ${eta}` + (underWay.length && !final ? `; ${underWay.join(", ")}` : "");
  };
  const tick = () => {
    const at = now();
    if (at - lastLog >= interval) {
      lastLog = at;
      logger.info(line(at, false));
    }
  };
  return {
    started(file) {
      verified -= done.get(file) ?? 0;
      done.set(file, 0);
    },
    verified(file, bytes) {
      verified += bytes;
      done.set(file, (done.get(file) ?? 0) + bytes);
      tick();
    },
    sent(bytesSent) {
      sentBytes = bytesSent;
      tick();
    },
    done() {
      logger.info(line(now(), true));
    }
  };
}
function formatSeconds(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor(s % 3600 / 60)} min`;
}

// src/oci/remote/registry-sink.ts
var RegistrySink = class {
  constructor(client, repository, options = {}) {
    this.client = client;
    this.repository = repository;
    this.options = options;
    this.name = `registry:${client.registry}/${repository}`;
    this.logger = options.logger ?? client.logger ?? silentLogger;
    this.limit = new Limiter(options.concurrency ?? 3);
  }
  client;
  repository;
  options;
  name;
  stats = {
    blobsSkipped: 0,
    blobsMounted: 0,
    blobsUploaded: 0,
    bytesUploaded: 0,
    restarts: 0
  };
  /**
   * Blobs this sink put into the repository (uploaded or mounted), in order: until a manifest names
   * them, nothing references them, so a failed push reports them.
   */
  written = [];
  logger;
  limit;
  failure;
  async hasBlob(digest) {
    return await this.client.headBlob(this.repository, digest, true) !== void 0;
  }
  writeBlob(blob, source) {
    return this.limit.run(async () => {
      try {
        return await this.pushBlob(blob, source);
      } catch (error) {
        this.failure ??= error;
        throw error;
      }
    });
  }
  async writeManifest(bytes, mediaType, tags) {
    const digest = sha256Digest(bytes);
    if (this.failure !== void 0) {
      throw new OciRegistryError(
        "failed",
        "push-incomplete",
        `not pushing manifest ${digest} to ${this.name}: a blob upload failed (${this.failure instanceof Error ? this.failure.message : String(this.failure)})`,
        "nothing was tagged; fix the cause and push again",
        { cause: this.failure }
      );
    }
    await this.client.putManifest(this.repository, digest, bytes, mediaType);
    for (const tag of tags) await this.client.putManifest(this.repository, tag, bytes, mediaType);
    this.logger.info(
      `pushed ${this.client.registry}/${this.repository}@${digest}${tags.length ? ` as ${tags.join(", ")}` : ""}`
    );
    return { mediaType, digest, size: bytes.byteLength };
  }
  async pushBlob(blob, source) {
    let known = {
      ...blob.digest ? { digest: blob.digest } : {},
      ...blob.size !== void 0 ? { size: blob.size } : {}
    };
    if (known.digest === void 0 && this.options.hashBeforeUpload !== false) {
      const counter = new DigestCounter();
      for await (const chunk of source()) counter.update(chunk);
      known = { digest: counter.digest(), size: counter.size };
    }
    if (known.digest !== void 0) {
      const size = await this.client.headBlob(this.repository, known.digest, true);
      if (size !== void 0 && (known.size === void 0 || known.size === size)) {
        this.stats.blobsSkipped++;
        this.logger.debug(`${this.name} has ${known.digest} already`);
        return descriptorOf(blob, known.digest, size);
      }
    }
    const label = `pushing ${known.digest?.slice(0, 19) ?? "blob"} to ${this.client.registry}/${this.repository}`;
    const progress = (known.size ?? Infinity) >= (this.options.progressMinBytes ?? 8 * 1024 * 1024) ? byteProgress(this.logger, label, known.size ?? 0, {
      intervalMs: this.options.progressIntervalMs ?? 5e3
    }) : void 0;
    let sent = 0;
    const mountFrom = [
      ...blob.mountFrom !== void 0 ? [blob.mountFrom] : [],
      ...this.options.mountFrom ?? []
    ];
    const result = await uploadBlob(this.client, this.repository, known, source, {
      ...this.options.mode ? { mode: this.options.mode } : {},
      ...this.options.chunkSize ? { chunkSize: this.options.chunkSize } : {},
      ...this.options.monolithicMaxBytes !== void 0 ? { monolithicMaxBytes: this.options.monolithicMaxBytes } : {},
      ...mountFrom.length > 0 && { mountFrom },
      onBytes: (bytes) => {
        sent += bytes;
        this.stats.bytesUploaded += bytes;
        progress?.update(sent);
      }
    });
    this.stats.restarts += result.restarts;
    this.written.push(result.digest);
    if (result.mountedFrom !== void 0) {
      this.stats.blobsMounted++;
      this.logger.info(
        `mounted ${result.digest} (${formatBytes(result.size)}) into ${this.client.registry}/${this.repository} from ${result.mountedFrom}: nothing uploaded`
      );
    } else {
      this.stats.blobsUploaded++;
      progress?.done();
      if (blob.mountFrom !== void 0) {
        this.logger.info(
          `${this.client.registry} did not mount ${result.digest} from ${blob.mountFrom}: uploaded it instead`
        );
      }
    }
    return descriptorOf(blob, result.digest, result.size);
  }
};
function descriptorOf(blob, digest, size) {
  return blob.annotations ? { mediaType: blob.mediaType, digest, size, annotations: blob.annotations } : { mediaType: blob.mediaType, digest, size };
}

export {
  byteProgress,
  streamProgress,
  RegistrySink
};
