/**
 * Behaviour of the GitHub reporters against a stateful double: the sticky comment is created then
 * edited in place, one per model and environment; the PR is found from the event or the commit;
 * deployments go in_progress -> success / failure; rate limits are retried.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { PromotionReporter } from '../../src/platform/platform.js';
import { githubReporters } from '../../src/platform/github-reporters.js';
import type { PromotionInputs } from '../../src/inputs.js';
import type { PromotionRecord } from '../../src/report/promotion-record.js';
import { FAST, SHA, inputs, logger, pullRequestEvent, record, runEnv } from './github-fixtures.js';
import { GithubDouble } from './github-double.js';

let github: GithubDouble;

beforeEach(async () => {
  github = await new GithubDouble().start();
});

afterEach(async () => {
  await github.stop();
});

const push = { name: 'push', payload: { after: SHA } };

function reportersFor(given: PromotionInputs, event: Parameters<typeof runEnv>[1], log = logger()) {
  return githubReporters(given, {
    logger: log,
    env: runEnv(github.url, event),
    client: FAST,
    cwd: process.cwd(),
  });
}

async function promote(
  reporters: readonly PromotionReporter[],
  given: PromotionInputs,
  result: PromotionRecord,
  summary = '### summary',
) {
  for (const reporter of reporters) await reporter.started(given);
  for (const reporter of reporters) await reporter.finished(result, summary);
}

describe('sticky PR comment', () => {
  test('created on the first run, edited in place on the re-run', async () => {
    const given = inputs({ deployment: 'false' });
    await promote(reportersFor(given, pullRequestEvent(7)), given, record('planned'), 'first');
    await promote(reportersFor(given, pullRequestEvent(7)), given, record('succeeded'), 'second');
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]).toMatchObject({ issueNumber: 7 });
    expect(github.comments[0]!.body).toContain('<!-- model-promote:sentiment:production -->');
    expect(github.comments[0]!.body).toContain('second');
    expect(github.comments[0]!.body).toContain('https://github.com/octo-org/models/actions/runs/42');
    expect(github.calls()).toEqual([
      'GET /repos/octo-org/models/issues/7/comments',
      'POST /repos/octo-org/models/issues/7/comments',
      'GET /repos/octo-org/models/issues/7/comments',
      `PATCH /repos/octo-org/models/issues/comments/${github.comments[0]!.id}`,
    ]);
  });

  test('two environments, two comments; other comments are left alone', async () => {
    github.comments.push({ id: 1, issueNumber: 7, body: 'LGTM', createdAt: '', updatedAt: '' });
    for (const environment of ['staging', 'production', 'staging']) {
      const given = inputs({ deployment: 'false', environment });
      await promote(
        reportersFor(given, pullRequestEvent(7)),
        given,
        record('planned'),
        `plan for ${environment}`,
      );
    }
    expect(github.comments.map((c) => c.body.split('\n')[0])).toEqual([
      'LGTM',
      '<!-- model-promote:sentiment:staging -->',
      '<!-- model-promote:sentiment:production -->',
    ]);
  });

  test('finds its comment past the first page of comments', async () => {
    github.pageSize = 2;
    for (let id = 1; id <= 5; id++)
      github.comments.push({ id, issueNumber: 7, body: `chatter ${id}`, createdAt: '', updatedAt: '' });
    const given = inputs({ deployment: 'false' });
    await promote(reportersFor(given, pullRequestEvent(7)), given, record('planned'), 'first');
    github.requests.length = 0;
    await promote(reportersFor(given, pullRequestEvent(7)), given, record('planned'), 'again');
    expect(github.comments).toHaveLength(6);
    expect(github.comments[5]!.body).toContain('again');
    expect(github.calls().filter((c) => c.startsWith('GET'))).toHaveLength(3);
    expect(github.calls().at(-1)).toMatch(/^PATCH /);
  });

  test('push: the open PR whose head is the commit', async () => {
    github.pulls.push(
      { number: 3, state: 'closed', headSha: SHA, commits: [SHA] },
      { number: 4, state: 'open', headSha: 'f'.repeat(40), commits: [SHA] },
      { number: 9, state: 'open', headSha: SHA, commits: [SHA] },
    );
    const given = inputs({ deployment: 'false' });
    await promote(reportersFor(given, push), given, record('succeeded'));
    expect(github.comments.map((c) => c.issueNumber)).toEqual([9]);
    expect(github.calls()[0]).toBe(`GET /repos/octo-org/models/commits/${SHA}/pulls`);
  });

  test('workflow_dispatch at a merge commit: the merged PR is not commented on', async () => {
    github.pulls.push(merged(7));
    const given = inputs({ deployment: 'false' });
    await promote(reportersFor(given, { name: 'workflow_dispatch' }), given, record('succeeded'));
    expect(github.calls()).toEqual([`GET /repos/octo-org/models/commits/${SHA}/pulls`]);
  });

  test('no PR: no comment, no request to comments, no warning', async () => {
    github.pulls.push({ number: 3, state: 'closed', headSha: SHA, commits: [SHA] });
    const log = logger();
    const given = inputs({ deployment: 'false' });
    await promote(reportersFor(given, { name: 'workflow_dispatch' }, log), given, record('succeeded'));
    expect(github.calls()).toEqual([`GET /repos/octo-org/models/commits/${SHA}/pulls`]);
    expect(log.lines.filter((l) => l.startsWith('warning'))).toEqual([]);
  });

  test('comment: false posts nothing', async () => {
    const given = inputs({ deployment: 'false', comment: 'false' });
    expect(reportersFor(given, pullRequestEvent(7))).toEqual([]);
    const onlyDeployment = inputs({ comment: 'false' });
    await promote(reportersFor(onlyDeployment, pullRequestEvent(7)), onlyDeployment, record('succeeded'));
    expect(github.calls().some((c) => c.includes('/comments'))).toBe(false);
  });

  test('sends the token', async () => {
    const given = inputs({ deployment: 'false' });
    await promote(reportersFor(given, pullRequestEvent(7)), given, record('planned'));
    expect(github.requests[0]!.authorization).toBe('token ghs_test');
  });
});

/** A PR merged as the pushed commit (a merge commit: its head is another commit). */
function merged(number: number) {
  return {
    number,
    state: 'closed' as const,
    headSha: 'f'.repeat(40),
    commits: [SHA, 'f'.repeat(40)],
    mergedAt: '2025-01-01T00:00:00Z',
    mergeCommitSha: SHA,
  };
}

describe('the merged PR after the push-to-main promotion', () => {
  const MARKER = '<!-- model-promote:sentiment:production -->';
  const plan = inputs({ deployment: 'false', 'dry-run': 'true' });
  const promotion = inputs({ deployment: 'false' });

  test('its plan comment is updated in place with the outcome; the plan is kept below', async () => {
    await promote(reportersFor(plan, pullRequestEvent(7)), plan, record('planned'), 'THE PLAN');
    const { id } = github.comments[0]!;
    github.pulls.push(merged(7), { number: 3, state: 'closed', headSha: SHA, commits: [SHA] });
    github.requests.length = 0;
    const log = logger();
    await promote(reportersFor(promotion, push, log), promotion, record('succeeded'), 'PUSH SUMMARY');

    expect(github.calls()).toEqual([
      `GET /repos/octo-org/models/commits/${SHA}/pulls`,
      'GET /repos/octo-org/models/issues/7/comments',
      `PATCH /repos/octo-org/models/issues/comments/${id}`,
    ]);
    expect(github.comments).toHaveLength(1);
    const body = github.comments[0]!.body;
    expect(body.startsWith(`${MARKER}\n`)).toBe(true);
    expect(body).toContain('### After the merge: `sentiment` v2 → `production`: ✅ promoted');
    expect(body).toContain(`- **Image digest:** \`sha256:${'b'.repeat(64)}\``);
    expect(body).toContain('- **Environment URL:** https://sentiment.models.example.com');
    expect(body).toContain(
      '- **Run:** [model-promote run](https://github.com/octo-org/models/actions/runs/42)',
    );
    expect(body).toContain(`https://github.com/octo-org/models/commit/${SHA}`);
    expect(body).toContain('PUSH SUMMARY');
    // The plan is still there, collapsed, after the outcome.
    const details = body.indexOf("<details><summary>Before the merge: the pull request's plan</summary>");
    expect(details).toBeGreaterThan(body.indexOf('✅ promoted'));
    expect(body.indexOf('THE PLAN')).toBeGreaterThan(details);
    expect(log.lines).toContainEqual(expect.stringContaining('PR #7: outcome comment (merged PR) updated'));
  });

  test('a re-run replaces the outcome and keeps the plan once; a rollback says so', async () => {
    await promote(reportersFor(plan, pullRequestEvent(7)), plan, record('planned'), 'THE PLAN');
    github.pulls.push(merged(7));
    await promote(reportersFor(promotion, push), promotion, record('succeeded'), 'FIRST');
    const rolledBack = record('failed', {
      deploy: [
        {
          cluster: 'eu-1',
          namespace: 'models',
          previousVersion: '1',
          version: '2',
          applied: [],
          rolledBack: true,
          reason: 'smoke test failed',
        },
      ],
    });
    await promote(reportersFor(promotion, push), promotion, rolledBack, 'SECOND');
    expect(github.comments).toHaveLength(1);
    const body = github.comments[0]!.body;
    expect(body).toContain('`production`: ↩️ failed and rolled back');
    expect(body).toContain('- **Rolled back:** `eu-1` `models` to v1: smoke test failed');
    expect(body).toContain('> **rollout-timeout**: rollout did not finish');
    expect(body).not.toContain('FIRST');
    expect(body).not.toContain('✅ promoted');
    expect(body.split('THE PLAN')).toHaveLength(2);
    expect(body.split(MARKER)).toHaveLength(2);
  });

  test('no plan comment on the merged PR: the outcome is posted there', async () => {
    github.comments.push({ id: 1, issueNumber: 7, body: 'LGTM', createdAt: '', updatedAt: '' });
    github.pulls.push(merged(7));
    await promote(reportersFor(promotion, push), promotion, record('refused'));
    expect(github.calls().at(-1)).toBe('POST /repos/octo-org/models/issues/7/comments');
    expect(github.comments.map((c) => c.body.split('\n')[0])).toEqual(['LGTM', MARKER]);
    expect(github.comments[1]!.body).toContain('`production`: ⛔ refused');
    expect(github.comments[1]!.body).not.toContain("the pull request's plan");
  });

  test('a pull_request run for a merged PR (closed, merged) reports the outcome the same way', async () => {
    await promote(reportersFor(plan, pullRequestEvent(7)), plan, record('planned'), 'THE PLAN');
    const closed = {
      name: 'pull_request',
      ref: 'refs/heads/main',
      payload: { action: 'closed', number: 7, pull_request: { number: 7, merged: true } },
    };
    await promote(reportersFor(promotion, closed), promotion, record('succeeded'));
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain('✅ promoted');
    expect(github.comments[0]!.body).toContain('THE PLAN');
    expect(github.calls().some((c) => c.includes('/commits/'))).toBe(false);
  });
});

describe('deployment', () => {
  test('in_progress with the run link, then success with the endpoint', async () => {
    const given = inputs({ comment: 'false' });
    await promote(reportersFor(given, push), given, record('succeeded'));
    expect(github.deployments).toHaveLength(1);
    const [deployment] = github.deployments;
    expect(deployment!.body).toEqual({
      ref: 'refs/heads/main',
      environment: 'production',
      description: 'model-promote: sentiment champion to production',
      production_environment: true,
      transient_environment: false,
      auto_merge: false,
      required_contexts: [],
      payload: { model: 'sentiment', version: 'champion', registry: 'examples/registry' },
    });
    expect(deployment!.statuses).toEqual([
      {
        state: 'in_progress',
        description: 'promoting sentiment champion',
        log_url: 'https://github.com/octo-org/models/actions/runs/42',
      },
      {
        state: 'success',
        description: `sentiment v2 promoted on gpu-a100-80g, image sha256:bbbbbbbbbbbb`,
        auto_inactive: true,
        environment_url: 'https://sentiment.models.example.com',
        log_url: 'https://github.com/octo-org/models/actions/runs/42',
      },
    ]);
  });

  test('failure for a refusal, error for a configuration problem', async () => {
    const given = inputs({ comment: 'false' });
    await promote(reportersFor(given, push), given, record('refused'));
    const usage = record('failed', {
      error: { kind: 'usage', code: 'invalid-catalog', message: 'bad catalog' },
    });
    await promote(reportersFor(given, push), given, usage);
    expect(github.deployments.map((d) => d.statuses.map((s) => s.state))).toEqual([
      ['in_progress', 'failure'],
      ['in_progress', 'error'],
    ]);
    expect(github.deployments[0]!.statuses[1]).not.toHaveProperty('environment_url');
  });

  test('production_environment comes from the catalog', async () => {
    const staging = inputs({ comment: 'false', environment: 'staging' });
    await promote(reportersFor(staging, push), staging, record('succeeded'));
    const unknown = inputs({ comment: 'false', environment: 'prod', catalog: 'no/such/catalog.yaml' });
    await promote(reportersFor(unknown, push), unknown, record('failed'));
    expect(github.deployments.map((d) => d.body.production_environment)).toEqual([false, true]);
  });

  test('a dry run creates no deployment; deployment: false neither', async () => {
    const dry = inputs({ comment: 'false', 'dry-run': 'true' });
    await promote(reportersFor(dry, push), dry, record('planned'));
    const off = inputs({ comment: 'false', deployment: 'false' });
    expect(reportersFor(off, push)).toEqual([]);
    expect(github.requests).toEqual([]);
  });

  test('a 403 names the missing permission, and nothing more is sent for that deployment', async () => {
    github.faults.push({
      method: 'POST',
      path: /\/deployments$/,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    const given = inputs({ comment: 'false' });
    const [reporter] = reportersFor(given, push);
    await expect(reporter!.started(given)).rejects.toMatchObject({
      code: 'github-forbidden',
      message: expect.stringContaining('permissions: deployments: write'),
    });
    await reporter!.finished(record('succeeded'), '');
    expect(github.calls()).toEqual(['POST /repos/octo-org/models/deployments']);
  });
});

describe('rate limits and server errors', () => {
  test('429 with x-ratelimit-remaining 0 is retried, with a warning', async () => {
    github.faults.push({
      method: 'POST',
      path: /\/deployments$/,
      status: 429,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '0', 'retry-after': '1' },
      body: { message: 'API rate limit exceeded' },
      times: 2,
    });
    const log = logger();
    const given = inputs({ comment: 'false' });
    await promote(reportersFor(given, push, log), given, record('succeeded'));
    expect(github.calls().filter((c) => c.endsWith('/deployments'))).toHaveLength(3);
    expect(github.deployments[0]!.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(log.lines.filter((l) => l.includes('rate limit'))).toEqual([
      expect.stringMatching(
        /^warning: GitHub rate limit hit on POST .*\/deployments; retrying in \d+ s \(1\/3\)$/,
      ),
      expect.stringMatching(/\(2\/3\)$/),
    ]);
  });

  test('403 secondary rate limit is retried after retry-after', async () => {
    github.faults.push({
      method: 'POST',
      path: /\/issues\/7\/comments$/,
      status: 403,
      headers: { 'retry-after': '2' },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      },
    });
    const log = logger();
    const given = inputs({ deployment: 'false' });
    await promote(reportersFor(given, pullRequestEvent(7), log), given, record('planned'));
    expect(github.comments).toHaveLength(1);
    expect(log.lines).toContainEqual(expect.stringContaining('secondary rate limit hit on POST'));
    expect(log.lines).toContainEqual(expect.stringContaining('retrying in 2 s'));
  });

  test('gives up after the retries, naming the request', async () => {
    github.faults.push({
      method: 'POST',
      path: /\/deployments$/,
      status: 429,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '0' },
      times: 10,
    });
    const log = logger();
    const given = inputs({ comment: 'false' });
    const [reporter] = reportersFor(given, push, log);
    await expect(reporter!.started(given)).rejects.toMatchObject({ code: 'github-request' });
    expect(github.calls()).toHaveLength(4);
    expect(log.lines).toContainEqual(expect.stringContaining('giving up after 3 retries'));
  });

  test('a server error is retried', async () => {
    github.faults.push({ method: 'GET', path: /\/comments$/, status: 502, times: 1 });
    const given = inputs({ deployment: 'false' });
    await promote(reportersFor(given, pullRequestEvent(7)), given, record('planned'));
    expect(github.comments).toHaveLength(1);
    expect(github.calls().filter((c) => c.startsWith('GET'))).toHaveLength(2);
  });
});
