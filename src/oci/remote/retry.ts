/**
 * Retries with exponential backoff and full jitter for what a registry or the network may get over:
 * 408, 429 (Retry-After honoured), 5xx, and reset or refused connections. Attempts are bounded.
 */
import type { Logger } from '../../logger.js';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Thrown (inside a retried step) for an answer worth asking again. */
export class TransientFailure extends Error {
  override readonly name = 'TransientFailure';
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
  'HPE_INVALID_CONSTANT',
  'UND_ERR_SOCKET',
]);

/** A reset, refused or timed-out connection (Node's error codes), anywhere in the cause chain. */
export function isNetworkError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code && NETWORK_CODES.has(code)) return true;
    if (e instanceof Error && /socket hang up|premature close|aborted/i.test(e.message)) return true;
  }
  return false;
}

/** `Retry-After` as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Delay before try `attempt + 1` (attempt counts from 1): full jitter, or the server's Retry-After. */
export function backoffDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round((policy.random ?? Math.random)() * ceiling);
}

export function isRetryable(error: unknown): boolean {
  return error instanceof TransientFailure || isNetworkError(error);
}

/**
 * Runs `step` until it returns, throws something not retryable, or runs out of attempts (then the
 * last error is thrown). `what` names the step in the log.
 */
export async function withRetry<T>(
  what: string,
  policy: RetryPolicy,
  logger: Logger,
  step: (attempt: number) => Promise<T>,
): Promise<T> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await step(attempt);
    } catch (error) {
      if (!isRetryable(error) || attempt >= policy.attempts) throw error;
      const delay = backoffDelay(
        attempt,
        policy,
        error instanceof TransientFailure ? error.retryAfterMs : undefined,
      );
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn(`${what}: ${reason}; try ${attempt + 1} of ${policy.attempts} in ${delay} ms`);
      await sleep(delay);
    }
  }
}
