/**
 * The error of a GitHub request a reporter made. A 403 or 404 from the REST API usually means the
 * job's token lacks a permission, so the message names the one the call needs: run-promotion turns
 * a reporter's error into a warning of one line, and that line has to say how to fix it.
 */
import { PromotionError } from '../errors.js';

export type GithubRequestErrorCode = 'github-forbidden' | 'github-request' | 'github-unreachable';

export class GithubRequestError extends PromotionError<GithubRequestErrorCode> {
  override readonly name = 'GithubRequestError';

  constructor(
    code: GithubRequestErrorCode,
    message: string,
    hint: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super('failed', code, message, hint, options);
  }
}

/**
 * Wraps what a request threw: `doing` says what was being done ("creating a deployment for
 * production"), `permission` what the job's `permissions:` must grant for it.
 */
export function githubRequestError(error: unknown, doing: string, permission: string): GithubRequestError {
  if (error instanceof GithubRequestError) return error;
  const status = statusOf(error);
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const fix = `grant the job \`permissions: ${permission}\` (or pass a github-token that has it)`;
  if (status === 403 || status === 404) {
    return new GithubRequestError(
      'github-forbidden',
      `${doing}: GitHub answered ${status} (${reason}); ${fix}`,
      fix,
      status,
      { cause: error },
    );
  }
  if (!answered(error)) {
    return new GithubRequestError(
      'github-unreachable',
      `${doing}: GitHub did not answer (${reason})`,
      "check that the runner reaches GitHub's API (GITHUB_API_URL, proxy settings); the promotion itself is not affected",
      undefined,
      { cause: error },
    );
  }
  const message =
    status === undefined ? `${doing}: ${reason}` : `${doing}: GitHub answered ${status} (${reason})`;
  return new GithubRequestError('github-request', message, 'try the run again', status, { cause: error });
}

/**
 * Whether an HTTP answer came back. @octokit/request reports a request that got none (refused,
 * reset, timed out) as a RequestError with status 500 and no `response`; the budget's own refusal
 * is an AbortError.
 */
function answered(error: unknown): boolean {
  const failed = error as { name?: unknown; response?: unknown; status?: unknown } | null;
  if (failed?.name === 'AbortError' || failed?.name === 'TimeoutError') return false;
  return !(typeof failed?.status === 'number' && failed.response === undefined);
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
