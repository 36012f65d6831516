/**
 * Progress for long byte-moving work, the way CI logs want it: a line every few seconds with bytes,
 * total, percentage and rate, never a line per chunk (logs are not terminals).
 */
import { formatBytes } from './format-bytes.js';
import type { Logger } from './logger.js';

export interface ByteProgress {
  /** Reports the total done so far (and the total, when it was not known at the start); cheap per chunk. */
  update(bytesDone: number, bytesTotal?: number): void;
  /** Logs the final line once. */
  done(): void;
}

export function byteProgress(
  logger: Logger,
  label: string,
  initialTotal: number,
  options: { intervalMs?: number; now?: () => number } = {},
): ByteProgress {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 5000;
  const start = now();
  let bytesTotal = initialTotal;
  let lastLog = start;
  let latest = 0;
  const line = (at: number) => {
    const seconds = Math.max((at - start) / 1000, 1e-3);
    // A total of 0 means unknown (a stream whose size comes with its end): say only what is done.
    const of =
      bytesTotal > 0 ? ` / ${formatBytes(bytesTotal)} (${Math.floor((latest / bytesTotal) * 100)}%)` : '';
    return `${label}: ${formatBytes(latest)}${of}, ${formatBytes(latest / seconds)}/s`;
  };
  return {
    update(bytesDone, total) {
      latest = bytesDone;
      if (total !== undefined) bytesTotal = total;
      const at = now();
      if (at - lastLog >= interval) {
        lastLog = at;
        logger.info(line(at));
      }
    },
    done() {
      logger.info(`${line(now())}, done`);
    },
  };
}

export interface StreamProgress {
  /**
   * `file` is read from its first byte (again, when its layer restarts): what it counted before is
   * taken back, so a restart never shows more than 100% verified.
   */
  started(file: string): void;
  /** `bytes` more of `file` passed the signature check. */
  verified(file: string, bytes: number): void;
  /** Bytes sent to the target so far, in total (retries included). */
  sent(bytesSent: number): void;
  /** Logs the final line once. */
  done(): void;
}

/**
 * Progress of a streamed promotion: bytes verified against the signature and bytes sent, in total
 * with rate and ETA (from the verified bytes: every byte is verified once, whatever is re-sent),
 * and for the files under way. A line every few seconds, like byteProgress.
 */
export function streamProgress(
  logger: Logger,
  label: string,
  files: readonly { readonly path: string; readonly size: number }[],
  options: { intervalMs?: number; now?: () => number; filesShown?: number } = {},
): StreamProgress {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 5000;
  const shown = options.filesShown ?? 3;
  const start = now();
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const sizes = new Map(files.map((f) => [f.path, f.size]));
  const done = new Map<string, number>();
  let verified = 0;
  let sentBytes = 0;
  let lastLog = start;
  const line = (at: number, final: boolean) => {
    const seconds = Math.max((at - start) / 1000, 1e-3);
    const rate = verified / seconds;
    const percent = total > 0 ? Math.floor((verified / total) * 100) : 100;
    const eta = final ? 'done' : rate > 0 ? `ETA ${formatSeconds((total - verified) / rate)}` : 'ETA unknown';
    const underWay = [...done.entries()]
      .filter(([path, bytes]) => bytes < (sizes.get(path) ?? 0))
      .slice(0, shown)
      .map(([path, bytes]) => `${path} ${formatBytes(bytes)} / ${formatBytes(sizes.get(path) ?? 0)}`);
    return (
      `${label}: ${formatBytes(verified)} / ${formatBytes(total)} verified (${percent}%), ` +
      `${formatBytes(sentBytes)} sent, ${formatBytes(rate)}/s, ${eta}` +
      (underWay.length && !final ? `; ${underWay.join(', ')}` : '')
    );
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
    },
  };
}

/** `45 s`, `3 min 20 s`, `1 h 5 min`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
