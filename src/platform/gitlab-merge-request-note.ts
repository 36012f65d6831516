/**
 * One note per model and environment on the merge request, created once and then edited in place
 * (found by a hidden marker). The merge request is the pipeline's own (`CI_MERGE_REQUEST_IID`), or
 * the one the commit belongs to (branch pipelines after a merge). No merge request: no note.
 *
 * `CI_JOB_TOKEN` cannot write notes, so this needs a token with `api` scope (`gitlab-token`, env
 * GITLAB_TOKEN); without one it says so once and does nothing.
 */
import { fitMarkdown, GITLAB_NOTE_LIMIT } from '../report/markdown-limit.js';
import type { PromotionInputs } from '../inputs.js';
import type { Logger } from '../logger.js';
import type { PromotionRecord } from '../report/promotion-record.js';
import type { GitlabCiEnv } from './gitlab-ci-env.js';
import { GitlabRest } from './gitlab-rest.js';
import type { PromotionReporter } from './platform.js';

export const NO_TOKEN_WARNING =
  'merge-request note skipped: no gitlab-token. CI_JOB_TOKEN cannot post notes; create a project access token ' +
  'with the `api` scope (Reporter role), store it as a masked CI/CD variable GITLAB_TOKEN (or pass it as the ' +
  'gitlab-token input), or set comment: false to silence this.';

export function noteMarker(model: string, environment: string): string {
  // A name cannot close the HTML comment early.
  const safe = (text: string) => text.replaceAll('--', '-‐').replaceAll('>', '›');
  return `<!-- model-promote:${safe(model)}:${safe(environment)} -->`;
}

/** The marker and the summary, within GitLab's limit on notes (cut at a line, never mid-table). */
export function noteBody(record: PromotionRecord, summaryMarkdown: string): string {
  const marker = noteMarker(record.request.model, record.request.environment);
  return `${marker}\n${fitMarkdown(summaryMarkdown, GITLAB_NOTE_LIMIT - marker.length - 1, {
    note: "_… cut here: too long for a note; the whole summary is in the job's artifacts (summary.md)._",
  })}`;
}

interface Note {
  readonly id: number;
  readonly body: string;
  readonly system?: boolean;
}

interface MergeRequest {
  readonly iid: number;
  readonly state: string;
}

export interface MergeRequestNoteOptions {
  readonly ci: GitlabCiEnv;
  readonly token?: string;
  readonly logger: Logger;
  readonly fetch?: typeof fetch;
}

export function gitlabMergeRequestNoteReporter(options: MergeRequestNoteOptions): PromotionReporter {
  const { ci, token, logger } = options;
  const project = `/projects/${encodeURIComponent(ci.projectId)}`;
  return {
    name: 'GitLab merge-request note',
    async started(_inputs: PromotionInputs) {
      if (!token) logger.warn(NO_TOKEN_WARNING);
    },
    async finished(record, summaryMarkdown) {
      if (!token) return;
      const api = new GitlabRest({
        apiUrl: ci.apiUrl,
        token,
        ...(options.fetch && { fetch: options.fetch }),
      });
      const iid = ci.mergeRequestIid ?? (await mergeRequestOfCommit(api, project, ci.commitSha));
      if (!iid) {
        logger.debug('no merge request for this pipeline or commit: no note');
        return;
      }
      const notesPath = `${project}/merge_requests/${encodeURIComponent(iid)}/notes`;
      const marker = noteMarker(record.request.model, record.request.environment);
      const existing = (await api.list<Note>(`${notesPath}?sort=asc&order_by=created_at`)).find(
        (note) => !note.system && note.body.includes(marker),
      );
      const body = noteBody(record, summaryMarkdown);
      if (existing) {
        await api.request('PUT', `${notesPath}/${existing.id}`, { body });
        logger.info(`merge request !${iid}: note ${existing.id} updated`);
      } else {
        const created = await api.request<Note>('POST', notesPath, { body });
        logger.info(`merge request !${iid}: note ${created.id} created`);
      }
    },
  };
}

/** The open (else merged) merge request the commit belongs to. */
async function mergeRequestOfCommit(
  api: GitlabRest,
  project: string,
  sha: string | undefined,
): Promise<string | undefined> {
  if (!sha) return undefined;
  const found = await api.request<MergeRequest[]>(
    'GET',
    `${project}/repository/commits/${encodeURIComponent(sha)}/merge_requests`,
  );
  const chosen = found.find((mr) => mr.state === 'opened') ?? found.find((mr) => mr.state === 'merged');
  return chosen ? String(chosen.iid) : undefined;
}
