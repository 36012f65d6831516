/**
 * Where a GitHub Actions run is: repository, commit, ref, event and its payload, the run's page and
 * the API to talk to. Read once from the variables every runner sets, so the reporters take plain
 * data and tests give them any run they like.
 */
import { readFileSync } from 'node:fs';
import { silentLogger, type Logger } from '../logger.js';

export interface GithubContext {
  readonly owner: string;
  readonly repo: string;
  readonly sha: string;
  /** `GITHUB_REF`, e.g. `refs/heads/main`; absent for some events. */
  readonly ref?: string;
  readonly eventName?: string;
  /** The webhook payload of the event (`GITHUB_EVENT_PATH`), `{}` when there is none. */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly apiUrl: string;
  readonly serverUrl: string;
  /** The run's page: the deployment's `log_url` and the link under the PR comment. */
  readonly runUrl?: string;
  /** The event's own pull request (pull_request, pull_request_target), when it has one. */
  readonly pullRequest?: number;
}

/** Events whose payload names the pull request the run is for. */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review']);

/**
 * The run, from GITHUB_* variables; undefined outside a runner (no repository or commit), where
 * there is nothing on GitHub to report to.
 */
export function githubContextFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  logger: Logger = silentLogger,
): GithubContext | undefined {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const sha = env.GITHUB_SHA;
  if (!owner || !repo || !sha) return undefined;
  const payload = readPayload(env.GITHUB_EVENT_PATH, logger);
  const eventName = env.GITHUB_EVENT_NAME || undefined;
  const pullRequest = pullRequestOf(eventName, payload);
  const runUrl = runUrlFromEnv(env);
  return {
    owner,
    repo,
    sha,
    ...(env.GITHUB_REF && { ref: env.GITHUB_REF }),
    ...(eventName && { eventName }),
    payload,
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, ''),
    ...(runUrl && { runUrl }),
    ...(pullRequest !== undefined && { pullRequest }),
  };
}

/** The run's page, from the variables every runner sets. */
export function runUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  if (!server || !repository || !runId) return undefined;
  const attempt =
    env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
  return `${server.replace(/\/+$/, '')}/${repository}/actions/runs/${runId}${attempt}`;
}

/** The pull request number a pull_request-like event carries in its payload. Pure. */
export function pullRequestOf(
  eventName: string | undefined,
  payload: Readonly<Record<string, unknown>>,
): number | undefined {
  if (!eventName || !PULL_REQUEST_EVENTS.has(eventName)) return undefined;
  const pr = payload.pull_request as { number?: unknown } | undefined;
  const number = pr?.number ?? payload.number;
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : undefined;
}

/** The event payload; a missing or unreadable file only costs the PR number, so it warns. */
function readPayload(file: string | undefined, logger: Logger): Record<string, unknown> {
  if (!file) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch (error) {
    logger.warn(
      `reading the event payload ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return {};
  }
}
