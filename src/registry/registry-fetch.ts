/**
 * HTTP for the remote model registries (MLflow, and Hugging Face through @huggingface/hub's
 * `fetch`): fetch under the project's retry policy (src/retry.ts). Asking again is for what it can
 * fix (408, 429, 5xx, a connection that broke); the last answer, whatever its status, is the
 * caller's to turn into a clear error.
 */
import { type Logger, silentLogger } from '../logger.js';
import {
  DEFAULT_RETRY,
  describeCause,
  isRetryableStatus,
  RetriesExhausted,
  parseRetryAfter,
  type RetryPolicy,
  TransientFailure,
  withRetry,
} from '../retry.js';

export interface FetchRetryOptions {
  /** Retries after the first try. Default 4. */
  readonly retries?: number;
  /** The first backoff; it doubles each retry, capped at 30 s. Default 500 ms. */
  readonly retryDelayMs?: number;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
  /** Replaces the global fetch (tests). */
  readonly fetch?: typeof fetch;
}

function policy(options: FetchRetryOptions): RetryPolicy {
  return {
    ...DEFAULT_RETRY,
    ...(options.retries !== undefined && { attempts: options.retries + 1 }),
    ...(options.retryDelayMs !== undefined && { baseDelayMs: options.retryDelayMs }),
  };
}

/**
 * The response of the first try that is not worth repeating, or of the last try. Throws only when
 * no answer came at all: a `RetriesExhausted` naming the count, or the failure itself.
 */
export async function fetchWithRetries(
  url: string | URL,
  init: RequestInit,
  options: FetchRetryOptions,
  what: string,
): Promise<Response> {
  const retry = policy(options);
  const doFetch = options.fetch ?? fetch;
  const signal = options.signal;
  return withRetry(
    what,
    retry,
    options.logger ?? silentLogger,
    async (attempt) => {
      let response: Response;
      try {
        response = await doFetch(url, { ...init, ...(signal && { signal }) });
      } catch (error) {
        if (signal?.aborted) throw error;
        // fetch rejects only when no answer came (refused, reset, DNS): worth asking again.
        throw new TransientFailure(describeCause(error), undefined, undefined, { cause: error });
      }
      if (!isRetryableStatus(response.status) || attempt >= retry.attempts) return response;
      await response.body?.cancel().catch(() => undefined);
      throw new TransientFailure(
        `HTTP ${response.status}`,
        response.status,
        parseRetryAfter(response.headers.get('retry-after')),
      );
    },
    signal,
  );
}

/** Why no answer came, and after how many tries: `fetch failed (connect ECONNREFUSED ...), after 5 tries`. */
export function describeFetchFailure(error: unknown): string {
  if (error instanceof RetriesExhausted) return `${describeCause(error.cause)}, after ${error.tries} tries`;
  return describeCause(error);
}

/** A `fetch` with the retries built in, for libraries that take one. */
export function retryingFetch(options: FetchRetryOptions): typeof fetch {
  return (input, init) => {
    const url = input instanceof Request ? input.url : input;
    return fetchWithRetries(url, init ?? {}, options, `GET ${redactUrl(String(url))}`);
  };
}

/** The URL without its query string and credentials, for log lines. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
