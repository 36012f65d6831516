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
