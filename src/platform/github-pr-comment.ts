/**
 * The sticky PR comment: one per model and environment, found again by a hidden marker and edited
 * in place, so a re-run replaces its own comment and never stacks a new one. The PR is the event's
 * own, or for push and workflow_dispatch the open PR whose head is the commit; with no PR there is
 * nothing to do.
 */
import type { Logger } from '../logger.js';
import type { PromotionInputs } from '../inputs.js';
import type { PromotionRecord } from '../report/promotion-record.js';
import type { GithubClient } from './github-client.js';
import type { GithubContext } from './github-context.js';
import { githubRequestError } from './github-request-error.js';
import type { PromotionReporter } from './platform.js';

/** The hidden line that names a comment's model and environment. Pure. */
export function commentMarker(model: string, environment: string): string {
  // A name cannot close the HTML comment early.
  const safe = (text: string) => text.replaceAll('--', '-‐').replaceAll('>', '›');
  return `<!-- model-promote:${safe(model)}:${safe(environment)} -->`;
}

/** The comment: the summary, a link to the run, and the marker. Pure. */
export function commentBody(summaryMarkdown: string, marker: string, runUrl?: string): string {
  const footer = runUrl ? `<sub>[model-promote run](${runUrl})</sub>` : '<sub>model-promote</sub>';
  return `${marker}\n${summaryMarkdown.trimEnd()}\n\n${footer}\n`;
}

interface PullRequestSummary {
  readonly number: number;
  readonly state: string;
  readonly head: { readonly sha: string };
}

/** The open PR whose head is `sha`, among those GitHub associates with the commit. Pure. */
export function pullRequestWithHead(pulls: readonly PullRequestSummary[], sha: string): number | undefined {
  return pulls.find((pr) => pr.state === 'open' && pr.head.sha === sha)?.number;
}

/** The PR a run is about: the event's own, else the open PR whose head is the commit. */
export async function findPullRequest(
  client: GithubClient,
  context: GithubContext,
): Promise<number | undefined> {
  if (context.pullRequest !== undefined) return context.pullRequest;
  try {
    const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({
      owner: context.owner,
      repo: context.repo,
      commit_sha: context.sha,
      per_page: 100,
    });
    return pullRequestWithHead(data, context.sha);
  } catch (error) {
    throw githubRequestError(error, `finding the pull request of commit ${context.sha}`, 'contents: read');
  }
}

export type CommentOutcome = {
  readonly action: 'created' | 'updated';
  readonly id: number;
  readonly url: string;
};

/** Edits the comment carrying `marker` on the issue or PR, or creates it. */
export async function upsertComment(
  client: GithubClient,
  target: { owner: string; repo: string; issueNumber: number },
  marker: string,
  body: string,
): Promise<CommentOutcome> {
  const { owner, repo, issueNumber } = target;
  const where = `PR #${issueNumber}`;
  let existing: { id: number } | undefined;
  try {
    const iterator = client.paginate.iterator(client.rest.issues.listComments, {
      owner,
      repo,
      issue_number: issueNumber,
      per_page: 100,
    });
    for await (const page of iterator) {
      existing = page.data.find((comment) => comment.body?.includes(marker));
      if (existing) break;
    }
  } catch (error) {
    throw githubRequestError(error, `listing the comments of ${where}`, 'pull-requests: read');
  }
  try {
    if (existing) {
      const { data } = await client.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
      return { action: 'updated', id: data.id, url: data.html_url };
    }
    const { data } = await client.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
    return { action: 'created', id: data.id, url: data.html_url };
  } catch (error) {
    throw githubRequestError(
      error,
      `${existing ? 'updating' : 'posting'} the comment on ${where}`,
      'pull-requests: write',
    );
  }
}

/** Posts (or updates) the summary on the PR when the promotion finishes. */
export function prCommentReporter(deps: {
  readonly client: GithubClient;
  readonly context: GithubContext;
  readonly inputs: PromotionInputs;
  readonly logger: Logger;
}): PromotionReporter {
  const { client, context, inputs, logger } = deps;
  return {
    name: 'PR comment',
    async started() {},
    async finished(_record: PromotionRecord, summaryMarkdown: string) {
      const issueNumber = await findPullRequest(client, context);
      if (issueNumber === undefined) {
        logger.debug(
          `no pull request for ${context.eventName ?? 'this event'} at ${context.sha}: no PR comment`,
        );
        return;
      }
      const marker = commentMarker(inputs.model, inputs.environment);
      const body = commentBody(summaryMarkdown, marker, context.runUrl);
      const outcome = await upsertComment(
        client,
        { owner: context.owner, repo: context.repo, issueNumber },
        marker,
        body,
      );
      logger.info(`PR #${issueNumber}: summary comment ${outcome.action} (${outcome.url})`);
    },
  };
}
