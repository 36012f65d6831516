/**
 * The sticky PR comment: one per model and environment, found again by a hidden marker and edited
 * in place, so a re-run replaces its own comment and never stacks a new one. The PR is the event's
 * own, or for push and workflow_dispatch the open PR whose head is the commit; with no PR there is
 * nothing to do.
 *
 * After a merge (a push of the commit a pull request was merged as, or a `pull_request` run for a
 * merged PR) the same comment shows the promotion's outcome on top, and keeps what the pull
 * request's last run posted (the plan) collapsed below it; it is created when there is none.
 */
import { fitMarkdown, GITHUB_COMMENT_LIMIT } from '../report/markdown-limit.js';
import type { Logger } from '../logger.js';
import type { PromotionInputs } from '../inputs.js';
import type { PromotionRecord } from '../report/promotion-record.js';
import type { GithubClient } from './github-client.js';
import { earlierPlan, mergedCommentBody } from './github-merged-comment.js';
import type { GithubContext } from './github-context.js';
import { githubRequestError } from './github-request-error.js';
import type { PromotionReporter } from './platform.js';

/** The hidden line that names a comment's model and environment. Pure. */
export function commentMarker(model: string, environment: string): string {
  // A name cannot close the HTML comment early.
  const safe = (text: string) => text.replaceAll('--', '-‐').replaceAll('>', '›');
  return `<!-- model-promote:${safe(model)}:${safe(environment)} -->`;
}

/**
 * The comment: the summary, a link to the run, and the marker; within GitHub's limit on comments,
 * a summary too long cut where it must be and pointing at the run. Pure.
 */
export function commentBody(summaryMarkdown: string, marker: string, runUrl?: string): string {
  const footer = runUrl ? `<sub>[model-promote run](${runUrl})</sub>` : '<sub>model-promote</sub>';
  const frame = (text: string) => `${marker}\n${text.trimEnd()}\n\n${footer}\n`;
  const room = GITHUB_COMMENT_LIMIT - frame('').length;
  return frame(
    fitMarkdown(summaryMarkdown.trimEnd(), room, {
      note: runUrl
        ? `_… cut here: too long for a comment; the whole summary is on the [run's page](${runUrl})._`
        : "_… cut here: too long for a comment; the whole summary is on the run's page._",
    }),
  );
}

interface PullRequestSummary {
  readonly number: number;
  readonly state: string;
  readonly head: { readonly sha: string };
  readonly merged_at?: string | null;
  readonly merge_commit_sha?: string | null;
}

/** The pull request a run reports to, and whether it is merged (the run is then the promotion). */
export interface PullRequestRef {
  readonly number: number;
  readonly merged: boolean;
}

/** The open PR whose head is `sha`, among those GitHub associates with the commit. Pure. */
export function pullRequestWithHead(pulls: readonly PullRequestSummary[], sha: string): number | undefined {
  return pulls.find((pr) => pr.state === 'open' && pr.head.sha === sha)?.number;
}

/**
 * The merged PR that `sha` is: its merge commit (merge, squash, or the commit a rebase moved the
 * base to), or its head when the base was fast-forwarded to it. A PR closed unmerged is not. Pure.
 */
export function mergedPullRequest(pulls: readonly PullRequestSummary[], sha: string): number | undefined {
  return pulls.find((pr) => Boolean(pr.merged_at) && (pr.merge_commit_sha === sha || pr.head.sha === sha))
    ?.number;
}

/**
 * The PR a commit's run reports to: on a push, the PR merged as the commit, else the open PR whose
 * head is the commit. Other events (workflow_dispatch) never pick a merged PR: a promotion by hand
 * at main's head is not that merge's. Pure.
 */
export function pullRequestOfCommit(
  pulls: readonly PullRequestSummary[],
  sha: string,
  eventName: string | undefined,
): PullRequestRef | undefined {
  if (eventName === 'push') {
    const merged = mergedPullRequest(pulls, sha);
    if (merged !== undefined) return { number: merged, merged: true };
  }
  const open = pullRequestWithHead(pulls, sha);
  return open === undefined ? undefined : { number: open, merged: false };
}

/** Whether the event's payload says its pull request is merged (a `closed` run after the merge). Pure. */
export function eventPullRequestMerged(payload: Readonly<Record<string, unknown>>): boolean {
  const pr = payload.pull_request as { merged?: unknown } | undefined;
  return pr?.merged === true;
}

/**
 * The PR a run is about: the event's own, else (push, workflow_dispatch) the PR GitHub associates
 * with the commit, as `pullRequestOfCommit` picks it.
 */
export async function findPullRequest(
  client: GithubClient,
  context: GithubContext,
): Promise<PullRequestRef | undefined> {
  if (context.pullRequest !== undefined)
    return { number: context.pullRequest, merged: eventPullRequestMerged(context.payload) };
  try {
    const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({
      owner: context.owner,
      repo: context.repo,
      commit_sha: context.sha,
      per_page: 100,
    });
    return pullRequestOfCommit(data, context.sha, context.eventName);
  } catch (error) {
    throw githubRequestError(error, `finding the pull request of commit ${context.sha}`, 'contents: read');
  }
}

export type CommentOutcome = {
  readonly action: 'created' | 'updated';
  readonly id: number;
  readonly url: string;
};

/**
 * Edits the comment carrying `marker` on the issue or PR, or creates it. `body` may be a function of
 * the comment's current body (undefined when there is none), to keep part of it.
 */
export async function upsertComment(
  client: GithubClient,
  target: { owner: string; repo: string; issueNumber: number },
  marker: string,
  body: string | ((existing: string | undefined) => string),
): Promise<CommentOutcome> {
  const { owner, repo, issueNumber } = target;
  const where = `PR #${issueNumber}`;
  let existing: { id: number; body?: string | undefined } | undefined;
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
  const text = typeof body === 'string' ? body : body(existing?.body);
  try {
    if (existing) {
      const { data } = await client.rest.issues.updateComment({
        owner,
        repo,
        comment_id: existing.id,
        body: text,
      });
      return { action: 'updated', id: data.id, url: data.html_url };
    }
    const { data } = await client.rest.issues.createComment({
      owner,
      repo,
      issue_number: issueNumber,
      body: text,
    });
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
    async finished(record: PromotionRecord, summaryMarkdown: string) {
      const pullRequest = await findPullRequest(client, context);
      if (pullRequest === undefined) {
        logger.debug(
          `no pull request for ${context.eventName ?? 'this event'} at ${context.sha}: no PR comment`,
        );
        return;
      }
      const issueNumber = pullRequest.number;
      const marker = commentMarker(inputs.model, inputs.environment);
      const body = pullRequest.merged
        ? (existing: string | undefined) =>
            mergedCommentBody({
              marker,
              record,
              summaryMarkdown,
              sha: context.sha,
              commitUrl: `${context.serverUrl}/${context.owner}/${context.repo}/commit/${context.sha}`,
              ...(context.runUrl && { runUrl: context.runUrl }),
              plan: earlierPlan(existing, marker),
            })
        : commentBody(summaryMarkdown, marker, context.runUrl);
      const outcome = await upsertComment(
        client,
        { owner: context.owner, repo: context.repo, issueNumber },
        marker,
        body,
      );
      const what = pullRequest.merged ? 'outcome comment (merged PR)' : 'summary comment';
      logger.info(`PR #${issueNumber}: ${what} ${outcome.action} (${outcome.url})`);
    },
  };
}
