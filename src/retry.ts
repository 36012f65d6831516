/**
 * The one retry policy of the project: bounded attempts, exponential backoff with full jitter,
 * the server's Retry-After honoured (delta-seconds or HTTP-date) up to the same cap, and one rule
 * for which failures are worth asking again. OCI registries, MLflow, Hugging Face and the download
 * cache all retry through `withRetry`, each with its own limits where they differ.
 */
import type { Logger } from './logger.js';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  /** The backoff's ceiling before the first retry; it doubles for each retry after. */
  readonly baseDelayMs: number;
  /** No wait is longer, the server's Retry-After included. */
  readonly maxDelayMs: number;
  /**
   * Full jitter (a random wait up to the backoff), so that many runners failing together do not
   * come back together; false waits the backoff itself.
   */
  readonly jitter: boolean;
  /** Whether asking again may help; `isTransient` unless a caller knows its failures better. */
  readonly isTransient?: (error: unknown) => boolean;
  readonly random?: () => number;
  /** Replaces the timer (tests); must return early when `signal` aborts. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  jitter: true,
};

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

/** What `withRetry` throws when the attempts ran out: the step, the last failure (`cause`) and the count. */
export class RetriesExhausted extends Error {
  override readonly name = 'RetriesExhausted';
  constructor(
    readonly what: string,
    readonly tries: number,
    override readonly cause: unknown,
  ) {
    super(`${what}: ${describeCause(cause)}, still failing after ${tries} tries`, { cause });
  }
}

/** 408, 429 and the 5xx a server may get over (not 501 Not Implemented, 505 Version Not Supported). */
export function isRetryableStatus(status: number): boolean {
  return (
    status === 408 || status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505)
  );
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
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** A reset, refused or timed-out connection (Node's and undici's codes), anywhere in the cause chain. */
export function isNetworkError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code && NETWORK_CODES.has(code)) return true;
    if (/socket hang up|premature close|aborted/i.test(messageOf(e))) return true;
  }
  return false;
}

/**
 * The default rule: a `TransientFailure` or a broken connection. A step whose own retries ran out
 * is final, so that nested retries (a token fetch inside a request) do not multiply.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof RetriesExhausted) return false;
  return error instanceof TransientFailure || isNetworkError(error);
}

const HTTP_DATE_START = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;

/**
 * `Retry-After` (RFC 9110 10.2.3) in ms from `now`: delta-seconds (digits only) or an HTTP-date;
 * undefined when absent or unreadable. A date in the past is 0.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // The three date forms RFC 9110 allows all start with the day's name; Date.parse alone would
  // also read "-5" or "1.5" as dates.
  if (!HTTP_DATE_START.test(text)) return undefined;
  // asctime's form names no zone; HTTP dates are always GMT.
  const date = Date.parse(/ \d{4}$/.test(text) ? `${text} GMT` : text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The wait before try `attempt + 1` (attempt counts from 1): the server's Retry-After, else the backoff. */
export function backoffDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return policy.jitter ? Math.round((policy.random ?? Math.random)() * ceiling) : ceiling;
}

/**
 * Runs `step` until it returns, throws what is not transient (thrown as it is), or runs out of
 * attempts (a `RetriesExhausted` naming the last failure and the count). Each wait is logged with
 * `what` and stops early, rethrowing the failure, when `signal` aborts.
 */
export async function withRetry<T>(
  what: string,
  policy: RetryPolicy,
  logger: Logger,
  step: (attempt: number) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const transient = policy.isTransient ?? isTransient;
  const sleep = retrySleep(policy);
  for (let attempt = 1; ; attempt++) {
    try {
      return await step(attempt);
    } catch (error) {
      if (signal?.aborted || !transient(error)) throw error;
      if (attempt >= policy.attempts) {
        if (attempt === 1) throw error;
        throw new RetriesExhausted(what, attempt, error);
      }
      const delay = backoffDelay(
        attempt,
        policy,
        error instanceof TransientFailure ? error.retryAfterMs : undefined,
      );
      logger.warn(
        `${what}: ${describeCause(error)}; try ${attempt + 1} of ${policy.attempts} in ${delay} ms`,
      );
      await sleep(delay, signal);
      if (signal?.aborted) throw error;
    }
  }
}

/** The failure's message, with its cause's when it has one (`fetch failed (connect ECONNREFUSED)`). */
export function describeCause(error: unknown): string {
  const message = messageOf(error);
  const cause = (error as { cause?: unknown } | null)?.cause;
  const inner = cause === undefined ? undefined : messageOf(cause);
  return inner && !message.includes(inner) ? `${message} (${inner})` : message;
}

// Not `instanceof Error`: fetch's errors come from another realm under test runners and workers.
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** The policy's way to wait: its `sleep` (tests), else a timer that ends early when `signal` aborts. */
export function retrySleep(policy: RetryPolicy): (ms: number, signal?: AbortSignal) => Promise<void> {
  return policy.sleep ?? abortableSleep;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
