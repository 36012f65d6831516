/**
 * The one octokit every GitHub reporter uses: @actions/github's (REST methods, pagination, proxy
 * support) with @octokit/plugin-retry for server errors and @octokit/plugin-throttling for rate
 * limits. Rate limits are left to the throttling plugin alone (it honours `retry-after` and
 * `x-ratelimit-reset`), so the retry plugin does not also hammer a 429.
 */
import { getOctokit } from '@actions/github';
import { defaults as githubDefaults } from '@actions/github/lib/utils';
import { retry } from '@octokit/plugin-retry';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import type { Logger } from '../logger.js';

export type GithubClient = ReturnType<typeof getOctokit>;

export interface GithubClientOptions {
  readonly token: string;
  /** REST API root: `GITHUB_API_URL` on a runner (GitHub Enterprise Server differs). */
  readonly baseUrl: string;
  readonly logger: Logger;
  /** How often a request that hit a rate limit is tried again (default 3). */
  readonly rateLimitRetries?: number;
  /** How often a request that failed with a server error is tried again (default 3). */
  readonly serverErrorRetries?: number;
  /**
   * Milliseconds per second of `retry-after` (default 1000). Tests and local doubles set it low;
   * so does `spaceWrites: false`, which drops GitHub's requested spacing between writes (1 s, 3 s
   * for writes that notify, like comments): both only slow a double down.
   */
  readonly retryAfterUnitMs?: number;
  readonly spaceWrites?: boolean;
  /**
   * How long, from the first request GitHub did not answer, requests are still tried (default
   * 12 s). Reporting is best effort: an unreachable API costs the run this long in total, not
   * every request's own retries one after another.
   */
  readonly unreachableBudgetMs?: number;
}

/** Thrown in place of a request once GitHub has not answered for the whole budget. */
export class GithubUnreachableError extends Error {
  // @octokit/request passes an AbortError through as it is, and plugin-retry does not retry it.
  override readonly name = 'AbortError';
  readonly unreachable = true;
}

/**
 * fetch that remembers when GitHub first did not answer; once the budget has passed since, it fails
 * at once instead of connecting again, and no attempt waits longer than the budget.
 */
function budgetedFetch(budgetMs: number): typeof fetch {
  // @actions/github's fetch goes through the runner's proxy (HTTPS_PROXY, NO_PROXY): keep it.
  const proxyFetch = (githubDefaults.request?.fetch as typeof fetch | undefined) ?? fetch;
  let firstFailure: number | undefined;
  return async (input, init) => {
    if (firstFailure !== undefined && Date.now() - firstFailure >= budgetMs) {
      throw new GithubUnreachableError(
        `no answer for ${Number((budgetMs / 1000).toFixed(1))} s; not trying again`,
      );
    }
    const timeout = AbortSignal.timeout(budgetMs);
    try {
      return await proxyFetch(input, {
        ...init,
        signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
      });
    } catch (error) {
      firstFailure ??= Date.now();
      throw error;
    }
  };
}

/** Status codes the retry plugin leaves alone: client errors, and rate limits (the throttling plugin's). */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

export function createGithubClient(options: GithubClientOptions): GithubClient {
  const { logger } = options;
  const limit = options.rateLimitRetries ?? 3;
  const unit = options.retryAfterUnitMs ?? 1000;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const what = `${request.method} ${request.url}`;
      if (retryCount < limit) {
        logger.warn(
          `GitHub ${kind} hit on ${what}; retrying in ${retryAfter} s (${retryCount + 1}/${limit})`,
        );
        return true;
      }
      logger.warn(`GitHub ${kind} hit on ${what}; giving up after ${limit} retries`);
      return false;
    };
  const throttle: ThrottlingOptions = {
    onRateLimit: onLimit('rate limit'),
    onSecondaryRateLimit: onLimit('secondary rate limit'),
    retryAfterBaseValue: unit,
    ...(options.spaceWrites === false && { write: immediateGroup(), notifications: immediateGroup() }),
  };
  return getOctokit(
    options.token,
    {
      baseUrl: options.baseUrl,
      // The whole `request` replaces @actions/github's default one, so its proxy agent is kept too.
      request: { ...githubDefaults.request, fetch: budgetedFetch(options.unreachableBudgetMs ?? 12_000) },
      throttle,
      retry: {
        doNotRetry: DO_NOT_RETRY,
        retries: options.serverErrorRetries ?? 3,
        retryAfterBaseValue: unit,
      },
      log: {
        debug: (message: string) => logger.debug(message),
        info: (message: string) => logger.debug(message),
        warn: (message: string) => logger.warn(message),
        error: (message: string) => logger.warn(message),
      },
    },
    retry,
    throttling,
  );
}

type BottleneckGroup = NonNullable<ThrottlingOptionsWithGroups['write']>;
type ThrottlingOptionsWithGroups = Extract<ThrottlingOptions, { onRateLimit: unknown }>;

/** Stands in for a Bottleneck group whose jobs run at once (the plugin calls only `key().schedule`). */
function immediateGroup(): BottleneckGroup {
  const limiter = {
    schedule: (_options: unknown, job: (...args: unknown[]) => unknown, ...args: unknown[]) =>
      Promise.resolve().then(() => job(...args)),
  };
  return { key: () => limiter } as unknown as BottleneckGroup;
}
