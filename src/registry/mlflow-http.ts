/**
 * HTTP for remote model registries: fetch with bounded retries and backoff on what asking again can
 * fix (429, 5xx, a connection that broke), honouring Retry-After. Everything else is the caller's
 * to turn into a clear error. Shared by the MLflow client and the Hugging Face registry (given to
 * @huggingface/hub as its `fetch`).
 */
import type { Logger } from '../logger.js';

export interface RetryOptions {
  /** Retries after the first try. Default 4. */
  readonly retries?: number;
  /** First delay; doubles each retry, capped at 30 s. Default 500 ms. */
  readonly retryDelayMs?: number;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
  /** Replaces the global fetch (tests). */
  readonly fetch?: typeof fetch;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export async function fetchWithRetries(
  url: string | URL,
  init: RequestInit,
  options: RetryOptions,
  what: string,
): Promise<Response> {
  const retries = options.retries ?? 4;
  const base = options.retryDelayMs ?? 500;
  const doFetch = options.fetch ?? fetch;
  for (let attempt = 0; ; attempt++) {
    let response: Response | undefined;
    let failure: unknown;
    try {
      response = await doFetch(url, { ...init, ...(options.signal && { signal: options.signal }) });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      failure = error;
    }
    const retryable =
      failure !== undefined || (response !== undefined && RETRYABLE_STATUS.has(response.status));
    if (!retryable || attempt >= retries) {
      if (response) return response;
      throw failure;
    }
    const retryAfter = response ? retryAfterMs(response.headers.get('retry-after')) : undefined;
    const delay = Math.min(retryAfter ?? base * 2 ** attempt, 30_000);
    const reason = response ? `HTTP ${response.status}` : describeFailure(failure);
    await response?.body?.cancel().catch(() => undefined);
    options.logger?.warn(`${what}: ${reason}; try ${attempt + 2} of ${retries + 1} in ${delay} ms`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** A `fetch` with the retries built in, for libraries that take one. */
export function retryingFetch(options: RetryOptions): typeof fetch {
  return (input, init) => {
    const url = input instanceof Request ? input.url : input;
    return fetchWithRetries(url, init ?? {}, options, `GET ${redactUrl(String(url))}`);
  };
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
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
