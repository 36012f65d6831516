/** The merge-request note reporter against a GitLab double (gitlab-double.ts: not GitLab). */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { parsePromotionInputs, type PromotionInputs } from '../../src/inputs.js';
import { MemoryLogger } from '../../src/logger.js';
import { gitlabCiEnv } from '../../src/platform/gitlab-ci-env.js';
import {
  gitlabMergeRequestNoteReporter,
  NO_TOKEN_WARNING,
  noteMarker,
} from '../../src/platform/gitlab-merge-request-note.js';
import { GitlabError } from '../../src/platform/gitlab-rest.js';
import { promotionRecord } from '../telemetry/record-fixture.js';
import { startGitlabDouble, type GitlabDouble } from './gitlab-double.js';

const TOKEN = 'glpat-test-token';
const inputs: PromotionInputs = parsePromotionInputs(
  (name) => ({ registry: 'r', model: 'sentiment', environment: 'production' })[name as string],
  {},
);

describe('GitLab merge-request note', () => {
  let gitlab: GitlabDouble;
  beforeEach(async () => {
    gitlab = await startGitlabDouble({ projectId: 'group/model-promote', token: TOKEN });
  });
  afterEach(async () => {
    expect(gitlab.refusals).toEqual([]);
    await gitlab.close();
  });

  const ci = (extra: NodeJS.ProcessEnv = {}) =>
    gitlabCiEnv({
      GITLAB_CI: 'true',
      CI_API_V4_URL: gitlab.apiUrl,
      CI_PROJECT_ID: 'group/model-promote',
      ...extra,
    })!;

  it('creates one note, then updates it in place on the next run', async () => {
    const logger = new MemoryLogger();
    const reporter = gitlabMergeRequestNoteReporter({
      ci: ci({ CI_MERGE_REQUEST_IID: '7' }),
      token: TOKEN,
      logger,
    });
    gitlab.notes.set('7', [{ id: 1, body: 'LGTM', system: false }]);
    await reporter.started(inputs);
    await reporter.finished(promotionRecord(), '## first');
    await reporter.finished(promotionRecord({ status: 'failed' }), '## second');
    const notes = gitlab.notes.get('7')!;
    expect(notes).toHaveLength(2);
    expect(notes[1]!.body).toBe(`${noteMarker('sentiment', 'production')}\n## second`);
    expect(gitlab.requests.filter((r) => !r.startsWith('GET'))).toEqual([
      'POST /api/v4/projects/group%2Fmodel-promote/merge_requests/7/notes',
      `PUT /api/v4/projects/group%2Fmodel-promote/merge_requests/7/notes/${notes[1]!.id}`,
    ]);
    expect(logger.lines).toEqual([
      `merge request !7: note ${notes[1]!.id} created`,
      `merge request !7: note ${notes[1]!.id} updated`,
    ]);
  });

  it('keeps one note per model and environment, finding its own across pages', async () => {
    const filler = Array.from({ length: 230 }, (_, i) => ({
      id: i + 1,
      body: `comment ${i}`,
      system: i % 2 === 0,
    }));
    const staging = { id: 500, body: `${noteMarker('sentiment', 'staging')}\nold`, system: false };
    const production = { id: 501, body: `${noteMarker('sentiment', 'production')}\nold`, system: false };
    gitlab.notes.set('7', [...filler, staging, production]);
    const reporter = gitlabMergeRequestNoteReporter({
      ci: ci({ CI_MERGE_REQUEST_IID: '7' }),
      token: TOKEN,
      logger: new MemoryLogger(),
    });
    await reporter.finished(promotionRecord(), 'new');
    expect(production.body).toBe(`${noteMarker('sentiment', 'production')}\nnew`);
    expect(staging.body).toContain('old');
    expect(gitlab.notes.get('7')).toHaveLength(232);
  });

  it('finds the merge request of the commit in a branch pipeline', async () => {
    gitlab.commits.set('abc123', [
      { iid: 3, state: 'closed' },
      { iid: 4, state: 'merged' },
    ]);
    const reporter = gitlabMergeRequestNoteReporter({
      ci: ci({ CI_COMMIT_SHA: 'abc123' }),
      token: TOKEN,
      logger: new MemoryLogger(),
    });
    await reporter.finished(promotionRecord(), 'summary');
    expect(gitlab.notes.get('4')).toHaveLength(1);
  });

  it('does nothing without a merge request', async () => {
    const reporter = gitlabMergeRequestNoteReporter({
      ci: ci({ CI_COMMIT_SHA: 'def456' }),
      token: TOKEN,
      logger: new MemoryLogger(),
    });
    await reporter.finished(promotionRecord(), 'summary');
    expect(gitlab.requests).toEqual([
      'GET /api/v4/projects/group%2Fmodel-promote/repository/commits/def456/merge_requests',
    ]);
  });

  it('without a token: says once that CI_JOB_TOKEN cannot post notes, and calls nothing', async () => {
    const logger = new MemoryLogger();
    const reporter = gitlabMergeRequestNoteReporter({ ci: ci({ CI_MERGE_REQUEST_IID: '7' }), logger });
    await reporter.started(inputs);
    await reporter.finished(promotionRecord(), 'summary');
    expect(logger.lines).toEqual([`warning: ${NO_TOKEN_WARNING}`]);
    expect(NO_TOKEN_WARNING).toMatch(/CI_JOB_TOKEN cannot post notes.*`api` scope.*GITLAB_TOKEN/);
    expect(gitlab.requests).toEqual([]);
  });

  it('a refused call is a GitlabError naming the request, with a hint', async () => {
    gitlab.failWith = 403;
    const reporter = gitlabMergeRequestNoteReporter({
      ci: ci({ CI_MERGE_REQUEST_IID: '7' }),
      token: TOKEN,
      logger: new MemoryLogger(),
    });
    const finished = reporter.finished(promotionRecord(), 'summary');
    await expect(finished).rejects.toBeInstanceOf(GitlabError);
    await expect(finished).rejects.toMatchObject({
      code: 'gitlab-api',
      message:
        'GET /projects/group%2Fmodel-promote/merge_requests/7/notes?sort=asc&order_by=created_at: 403 403 Forbidden',
      hint: expect.stringContaining('`api` scope'),
    });
  });
});

describe('the double itself', () => {
  it('refuses what GitLab refuses: no token, no body, PUT without a note id', async () => {
    const gitlab = await startGitlabDouble({ projectId: '42', token: TOKEN });
    const notes = `${gitlab.apiUrl}/projects/42/merge_requests/1/notes`;
    const json = { 'Content-Type': 'application/json' };
    expect((await fetch(notes, { method: 'POST', headers: json, body: '{"body":"x"}' })).status).toBe(401);
    expect(
      (await fetch(notes, { method: 'POST', headers: { ...json, 'PRIVATE-TOKEN': TOKEN }, body: '{}' }))
        .status,
    ).toBe(400);
    expect(
      (
        await fetch(notes, {
          method: 'PUT',
          headers: { ...json, 'PRIVATE-TOKEN': TOKEN },
          body: '{"body":"x"}',
        })
      ).status,
    ).toBe(404);
    expect(gitlab.refusals).toEqual([
      'no PRIVATE-TOKEN header',
      'body is missing',
      'PUT without an existing note id (undefined)',
    ]);
    await gitlab.close();
  });
});
