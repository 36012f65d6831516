/**
 * The one octokit every GitHub reporter uses: @actions/github's (REST methods, pagination, proxy
 * support) with @octokit/plugin-retry for server errors and @octokit/plugin-throttling for rate
 * limits. Rate limits are left to the throttling plugin alone (it honours `retry-after` and
 * `x-ratelimit-reset`), so the retry plugin does not also hammer a 429.
 */
import { getOctokit } from '@actions/github';
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
