/**
 * One issue per environment for drift, on GitHub or GitLab: found again by a hidden marker in its
 * body (as the PR comment is), opened or updated while drift lasts, and closed with a comment once
 * a check finds none. Never more than one open issue per environment, whatever the schedule.
 */
import type { Logger } from '../logger.js';
import { driftMarkdown, type DriftRecord } from '../report/drift-record.js';
import type { GithubClient } from './github-client.js';
import { githubRequestError } from './github-request-error.js';
import { GitlabRest } from './gitlab-rest.js';

/** The hidden line naming an issue's environment. Pure. */
export function driftIssueMarker(environment: string): string {
  // A name cannot close the HTML comment early.
  const safe = environment.replaceAll('--', '-‐').replaceAll('>', '›');
  return `<!-- model-promote-drift:${safe} -->`;
}

export function driftIssueTitle(environment: string): string {
  return `Drift in ${environment}: the cluster differs from the last promotion`;
}

/** The issue body: the marker, then the findings. Pure. */
export function driftIssueBody(record: DriftRecord, marker: string, runUrl?: string): string {
  return `${marker}\n${driftMarkdown(record, runUrl)}`;
}

/** The comment that closes the issue. Pure. */
export function driftGoneComment(record: DriftRecord, runUrl?: string): string {
  const what = record.status === 'nothing-promoted' ? 'nothing is promoted there any more' : 'no drift found';
  return `Checked ${record.checkedAt}${runUrl ? ` by [this run](${runUrl})` : ''}: ${what}. Closing.`;
}

export type IssueOutcome =
  | { readonly action: 'created' | 'updated' | 'closed'; readonly number: number; readonly url: string }
  | { readonly action: 'none' };

export interface DriftIssueTarget {
  /** The record decides: drift opens or updates, anything else closes. */
  readonly record: DriftRecord;
  /** Default driftIssueMarker(record.environment). */
  readonly marker?: string;
  readonly runUrl?: string;
  readonly logger: Logger;
}

interface GithubIssue {
  readonly number: number;
  readonly html_url: string;
  readonly body?: string | null;
  readonly pull_request?: unknown;
}

/** GitHub: needs `issues: write`. */
export async function reportDriftOnGithub(
  client: GithubClient,
  repo: GithubRepo,
  target: DriftIssueTarget,
): Promise<IssueOutcome> {
  const marker = target.marker ?? driftIssueMarker(target.record.environment);
  const existing = await findGithubIssue(client, repo, marker);
  return writeGithubIssue(client, repo, existing, { ...target, marker });
}

export interface GithubRepo {
  readonly owner: string;
  readonly repo: string;
}

/** The open issue (not pull request) whose body carries `marker`. */
export async function findGithubIssue(
  client: GithubClient,
  repo: GithubRepo,
  marker: string,
): Promise<GithubIssue | undefined> {
  try {
    const iterator = client.paginate.iterator(client.rest.issues.listForRepo, {
      ...repo,
      state: 'open',
      per_page: 100,
    });
    for await (const page of iterator) {
      const found = (page.data as GithubIssue[]).find((i) => !i.pull_request && i.body?.includes(marker));
      if (found) return found;
    }
    return undefined;
  } catch (error) {
    throw githubRequestError(error, 'listing the open issues', 'issues: read');
  }
}

/** Opens, updates or closes the issue, as the record decides; `existing` as findGithubIssue found it. */
export async function writeGithubIssue(
  client: GithubClient,
  repo: GithubRepo,
  existing: Pick<GithubIssue, 'number'> | undefined,
  target: DriftIssueTarget,
): Promise<IssueOutcome> {
  const { record, runUrl } = target;
  const marker = target.marker ?? driftIssueMarker(record.environment);
  try {
    if (record.status === 'drift') {
      const body = driftIssueBody(record, marker, runUrl);
      if (existing) {
        const { data } = await client.rest.issues.update({ ...repo, issue_number: existing.number, body });
        return { action: 'updated', number: data.number, url: data.html_url };
      }
      const { data } = await client.rest.issues.create({
        ...repo,
        title: driftIssueTitle(record.environment),
        body,
      });
      return { action: 'created', number: data.number, url: data.html_url };
    }
    if (!existing) return { action: 'none' };
    await client.rest.issues.createComment({
      ...repo,
      issue_number: existing.number,
      body: driftGoneComment(record, runUrl),
    });
    const { data } = await client.rest.issues.update({
      ...repo,
      issue_number: existing.number,
      state: 'closed',
      state_reason: 'completed',
    });
    return { action: 'closed', number: data.number, url: data.html_url };
  } catch (error) {
    throw githubRequestError(error, `writing the drift issue of ${record.environment}`, 'issues: write');
  }
}

interface GitlabIssue {
  readonly iid: number;
  readonly web_url: string;
  readonly description?: string | null;
}

/** GitLab: needs a token with `api` scope (CI_JOB_TOKEN cannot write issues). */
export async function reportDriftOnGitlab(
  api: GitlabRest,
  projectId: string,
  target: DriftIssueTarget,
): Promise<IssueOutcome> {
  const { record, runUrl } = target;
  const marker = target.marker ?? driftIssueMarker(record.environment);
  const issues = `/projects/${encodeURIComponent(projectId)}/issues`;
  const existing = (await api.list<GitlabIssue>(`${issues}?state=opened`)).find((i) =>
    i.description?.includes(marker),
  );
  if (record.status === 'drift') {
    const description = driftIssueBody(record, marker, runUrl);
    if (existing) {
      const updated = await api.request<GitlabIssue>('PUT', `${issues}/${existing.iid}`, { description });
      return { action: 'updated', number: updated.iid, url: updated.web_url };
    }
    const created = await api.request<GitlabIssue>('POST', issues, {
      title: driftIssueTitle(record.environment),
      description,
    });
    return { action: 'created', number: created.iid, url: created.web_url };
  }
  if (!existing) return { action: 'none' };
  await api.request('POST', `${issues}/${existing.iid}/notes`, { body: driftGoneComment(record, runUrl) });
  const closed = await api.request<GitlabIssue>('PUT', `${issues}/${existing.iid}`, { state_event: 'close' });
  return { action: 'closed', number: closed.iid, url: closed.web_url };
}
