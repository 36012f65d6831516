/**
 * Where `drift --report-issue` reports: GitLab when the job runs under GitLab CI, else the GitHub
 * repository of the run. Read from the variables each CI sets, and checked before the cluster is:
 * a missing token or repository is a usage error (exit 2) naming what to set. A failed request
 * later is a warning, like every report: it never changes what the drift check found.
 */
import { asPromotionError, describeError, UsageError } from '../errors.js';
import type { Logger } from '../logger.js';
import { reportDriftOnGithub, reportDriftOnGitlab, type IssueOutcome } from '../platform/drift-issue.js';
import { createGithubClient } from '../platform/github-client.js';
import { runUrlFromEnv } from '../platform/github-context.js';
import { gitlabCiEnv } from '../platform/gitlab-ci-env.js';
import { GitlabRest } from '../platform/gitlab-rest.js';
import type { DriftRecord } from '../report/drift-record.js';

export type IssueSink = (record: DriftRecord) => Promise<void>;

export function issueSink(env: NodeJS.ProcessEnv, logger: Logger): IssueSink {
  const report = chooseSink(env, logger);
  return async (record) => {
    try {
      const outcome = await report(record);
      logger.info(outcomeLine(record.environment, outcome));
    } catch (error) {
      logger.warn(`drift issue not written: ${describeError(asPromotionError(error))}`);
    }
  };
}

function chooseSink(env: NodeJS.ProcessEnv, logger: Logger): (record: DriftRecord) => Promise<IssueOutcome> {
  const gitlab = gitlabCiEnv(env);
  if (gitlab) {
    const token = env.GITLAB_TOKEN?.trim();
    if (!token || !gitlab.apiUrl || !gitlab.projectId)
      throw new UsageError(
        '--report-issue on GitLab needs GITLAB_TOKEN, CI_API_V4_URL and CI_PROJECT_ID',
        'store a project access token with the `api` scope (Reporter role) as a masked CI/CD variable GITLAB_TOKEN (CI_JOB_TOKEN cannot write issues)',
      );
    const api = new GitlabRest({ apiUrl: gitlab.apiUrl, token });
    return (record) =>
      reportDriftOnGitlab(api, gitlab.projectId, {
        record,
        logger,
        ...(gitlab.jobUrl && { runUrl: gitlab.jobUrl }),
      });
  }
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const token = env.GITHUB_TOKEN?.trim();
  if (!owner || !repo || !token)
    throw new UsageError(
      '--report-issue needs GITHUB_REPOSITORY (owner/name) and GITHUB_TOKEN on GitHub, or GITLAB_TOKEN under GitLab CI',
      'in a workflow, set env GITHUB_TOKEN: ${{ github.token }} and grant permissions issues: write',
    );
  const client = createGithubClient({
    token,
    baseUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    logger,
  });
  const runUrl = runUrlFromEnv(env);
  return (record) =>
    reportDriftOnGithub(client, { owner, repo }, { record, logger, ...(runUrl && { runUrl }) });
}

function outcomeLine(environment: string, outcome: IssueOutcome): string {
  if (outcome.action === 'none') return `drift issue: none open for ${environment}, none needed`;
  return `drift issue #${outcome.number} ${outcome.action} (${outcome.url})`;
}
