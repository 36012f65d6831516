/**
 * Progress for long byte-moving work, the way CI logs want it: a line every few seconds with bytes,
 * total, percentage and rate, never a line per chunk (logs are not terminals).
 */
import { formatBytes } from './format-bytes.js';
import type { LayerEvent } from './image/build.js';
import type { Logger } from './logger.js';
import { oneLine } from './outside-text.js';

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
  /** Bytes sent to the target so far, in total: every blob (base layers too), retries included. */
  sent(bytesSent: number): void;
  /**
   * What became of the layer holding `layer.files` (build.ts): bytes it sent, or how it got there.
   * Logs nothing itself: the caller follows with `sent`, so a line never has a total older than its layers.
   */
  layer(layer: StreamLayer, event: LayerEvent): void;
  /** Logs the final line once. */
  done(): void;
}

/** A model layer as progress names it: by its files. */
export interface StreamLayer {
  readonly files: readonly { readonly path: string; readonly size: number }[];
}

/**
 * One layer's progress. Its sent bytes are its blob's, as the sink reports them: tar headers
 * included and, like the total, counted again when the upload restarts (a resume counts only what
 * it sends from its offset). A layer of several small files shows as one entry: the sink sends a
 * layer as one blob, and which file a byte on the wire belongs to is not known without following
 * tar offsets through every resume; and each of those files is under the 64 MiB that earns a file
 * its own layer.
 */
interface LayerState {
  readonly name: string;
  readonly files: readonly string[];
  readonly size: number;
  sent: number;
  /** Begun: a file read, a byte sent, or an outcome known. */
  begun: boolean;
  /** Read to prove it is a registry blob to mount; cleared once bytes are sent instead. */
  proving: boolean;
  /** How the target got it without this run's bytes. */
  outcome?: 'mounted' | 'already there';
  stored: boolean;
  /** Its storing has been in a line already. */
  told: boolean;
}

/**
 * Progress of a streamed promotion: bytes verified against the signature and bytes sent, in total
 * with rate and ETA (from the verified bytes: every byte is verified once, whatever is re-sent),
 * and layer by layer for those under way and those stored since the last line. A line every few
 * seconds, like byteProgress. File names come from the registry: put on one line here, their other
 * control characters escaped by the platform's logger (outside-text.ts), as in every line.
 */
export function streamProgress(
  logger: Logger,
  label: string,
  layers: readonly StreamLayer[],
  options: {
    intervalMs?: number;
    now?: () => number;
    /** Entries after the totals, at most. Default 3. */
    shown?: number;
    /** False where the target is no registry (a layout on disk): nothing is "sent". Default true. */
    sends?: boolean;
  } = {},
): StreamProgress {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 5000;
  const shown = options.shown ?? 3;
  const sends = options.sends ?? true;
  const start = now();
  const states: LayerState[] = layers.map((l) => ({
    name: layerName(l),
    files: l.files.map((f) => f.path),
    size: l.files.reduce((sum, f) => sum + f.size, 0),
    sent: 0,
    begun: false,
    proving: false,
    stored: false,
    told: false,
  }));
  const byFile = new Map(states.flatMap((state) => state.files.map((file) => [file, state] as const)));
  const total = states.reduce((sum, l) => sum + l.size, 0);
  const done = new Map<string, number>();
  let verified = 0;
  let sentBytes = 0;
  let lastLog = start;
  const stateOf = (file: string): LayerState | undefined => byFile.get(file);
  const entry = (state: LayerState): string => {
    if (state.outcome === 'already there' && !state.files.some((f) => done.has(f))) {
      return `${state.name} already there`;
    }
    const bytes = state.files.reduce((sum, f) => sum + (done.get(f) ?? 0), 0);
    const how = state.outcome
      ? state.outcome
      : state.proving
        ? 'to mount'
        : sends
          ? `${formatBytes(state.sent)} sent`
          : undefined;
    return (
      `${state.name} ${formatBytes(bytes)} / ${formatBytes(state.size)} verified` +
      (how ? `, ${how}` : '') +
      (state.stored ? ', done' : '')
    );
  };
  const line = (at: number, final: boolean) => {
    const seconds = Math.max((at - start) / 1000, 1e-3);
    const rate = verified / seconds;
    const percent = total > 0 ? Math.floor((verified / total) * 100) : 100;
    const eta = final ? 'done' : rate > 0 ? `ETA ${formatSeconds((total - verified) / rate)}` : 'ETA unknown';
    const head =
      `${label}: ${formatBytes(verified)} / ${formatBytes(total)} verified (${percent}%), ` +
      (sends ? `${formatBytes(sentBytes)} sent, ` : '') +
      `${formatBytes(rate)}/s, ${eta}`;
    if (final) return head;
    // Under way first, then those stored since the last line, each stored layer told once.
    const listed = [
      ...states.filter((s) => s.begun && !s.stored),
      ...states.filter((s) => s.stored && !s.told),
    ];
    const more = listed.length - shown;
    const entries = listed.slice(0, shown).map((state) => {
      if (state.stored) state.told = true;
      return entry(state);
    });
    return entries.length ? `${head}; ${entries.join(', ')}${more > 0 ? `, +${more} more` : ''}` : head;
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
        case 'sent':
          state.sent += event.bytes;
          state.proving = false;
          break;
        case 'proving':
          state.proving = true;
          break;
        case 'mounted':
          state.outcome = 'mounted';
          break;
        case 'present':
        case 'reused':
          state.outcome = 'already there';
          break;
        case 'stored':
          state.stored = true;
          break;
        default: {
          const unknown: never = event;
          return unknown;
        }
      }
    },
    done() {
      logger.info(line(now(), true));
    },
  };
}

/**
 * A one-file layer by its file's path, on one line: a path may hold a newline (the layer plan
 * allows all but NUL), and the platform's logger escapes control characters but keeps newlines.
 * A layer of several small files by how many.
 */
function layerName(layer: StreamLayer): string {
  return layer.files.length === 1 ? oneLine(layer.files[0]!.path) : `${layer.files.length} small files`;
}

/** `45 s`, `3 min 20 s`, `1 h 5 min`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
