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
  oneLine
} from "./chunk-TDPV7D6W.js";
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
function streamProgress(logger, label, layers, options = {}) {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 5e3;
  const shown = options.shown ?? 3;
  const sends = options.sends ?? true;
  const start = now();
  const states = layers.map((l) => ({
    name: layerName(l),
    files: l.files.map((f) => f.path),
    size: l.files.reduce((sum, f) => sum + f.size, 0),
    sent: 0,
    begun: false,
    proving: false,
    stored: false,
    told: false
  }));
  const byFile = new Map(states.flatMap((state) => state.files.map((file) => [file, state])));
  const total = states.reduce((sum, l) => sum + l.size, 0);
  const done = /* @__PURE__ */ new Map();
  let verified = 0;
  let sentBytes = 0;
  let lastLog = start;
  const stateOf = (file) => byFile.get(file);
  const entry = (state) => {
    if (state.outcome === "already there" && !state.files.some((f) => done.has(f))) {
      return `${state.name} already there`;
    }
    const bytes = state.files.reduce((sum, f) => sum + (done.get(f) ?? 0), 0);
    const how = state.outcome ? state.outcome : state.proving ? "to mount" : sends ? `${formatBytes(state.sent)} sent` : void 0;
    return `${state.name} ${formatBytes(bytes)} / ${formatBytes(state.size)} verified` + (how ? `, ${how}` : "") + (state.stored ? ", done" : "");
  };
  const line = (at, final) => {
    const seconds = Math.max((at - start) / 1e3, 1e-3);
    const rate = verified / seconds;
    const percent = total > 0 ? Math.floor(verified / total * 100) : 100;
    const eta = final ? "done" : rate > 0 ? `ETA ${formatSeconds((total - verified) / rate)}` : "ETA unknown";
    const head = `${label}: ${formatBytes(verified)} / ${formatBytes(total)} verified (${percent}%), ` + (sends ? `${formatBytes(sentBytes)} sent, ` : "") + `${formatBytes(rate)}/s, ${eta}`;
    if (final) return head;
    const listed = [
      ...states.filter((s) => s.begun && !s.stored),
      ...states.filter((s) => s.stored && !s.told)
    ];
    const more = listed.length - shown;
    const entries = listed.slice(0, shown).map((state) => {
      if (state.stored) state.told = true;
      return entry(state);
    });
    return entries.length ? `${head}; ${entries.join(", ")}${more > 0 ? `, +${more} more` : ""}` : head;
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
      const state = stateOf(file);
      if (state) state.begun = true;
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
    layer(layer, event) {
      const state = layer.files[0] && stateOf(layer.files[0].path);
      if (!state) return;
      state.begun = true;
      switch (event.kind) {
        case "sent":
          state.sent += event.bytes;
          state.proving = false;
          break;
        case "proving":
          state.proving = true;
          break;
        case "mounted":
          state.outcome = "mounted";
          break;
        case "present":
        case "reused":
          state.outcome = "already there";
          break;
        case "stored":
          state.stored = true;
          break;
        default: {
          const unknown = event;
          return unknown;
        }
      }
    },
    done() {
      logger.info(line(now(), true));
    }
  };
}
function layerName(layer) {
  return layer.files.length === 1 ? oneLine(layer.files[0].path) : `${layer.files.length} small files`;
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
  writeBlob(blob, source, onEvent) {
    return this.limit.run(async () => {
      try {
        return await this.pushBlob(blob, source, onEvent);
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
  async pushBlob(blob, source, onEvent) {
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
        onEvent?.({ kind: "present" });
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
        onEvent?.({ kind: "sent", bytes });
      }
    });
    this.stats.restarts += result.restarts;
    this.written.push(result.digest);
    if (result.mountedFrom !== void 0) {
      this.stats.blobsMounted++;
      onEvent?.({ kind: "mounted", from: result.mountedFrom });
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
