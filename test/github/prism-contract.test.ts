/**
 * Every request the GitHub reporters make, sent by the real octokit to Prism serving GitHub's
 * published OpenAPI description with `--errors`: each one must be accepted.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { PromotionReporter } from '../../src/platform/platform.js';
import { createGithubClient } from '../../src/platform/github-client.js';
import { earlierPlan, mergedCommentBody } from '../../src/platform/github-merged-comment.js';
import { upsertComment } from '../../src/platform/github-pr-comment.js';
import { reportDriftOnGithub, writeGithubIssue } from '../../src/platform/drift-issue.js';
import { driftRecord } from '../../src/report/drift-record.js';
import { githubReporters } from '../../src/platform/github-reporters.js';
import { FAST, SHA, inputs, logger, pullRequestEvent, record, runEnv } from './github-fixtures.js';
import { startPrismGithub, type PrismGithub } from './prism.js';

let prism: PrismGithub;

beforeAll(async () => {
  prism = await startPrismGithub();
}, 180_000);

afterAll(async () => {
  await prism?.stop();
});

async function run(
  reporters: readonly PromotionReporter[],
  status: 'succeeded' | 'failed' | 'planned',
  dryRun = false,
) {
  const given = inputs(dryRun ? { 'dry-run': 'true' } : {});
  for (const reporter of reporters) await reporter.started(given);
  for (const reporter of reporters) await reporter.finished(record(status), '### Model promotion\n');
}

function since(start: number) {
  return prism.exchanges.slice(start);
}

describe('GitHub reporters against the OpenAPI description (Prism)', () => {
  test('a promotion from a pull_request run: deployment, statuses, sticky comment', async () => {
    const start = prism.exchanges.length;
    const log = logger();
    const reporters = githubReporters(inputs(), {
      logger: log,
      env: runEnv(prism.url, pullRequestEvent(7)),
      client: FAST,
    });
    await run(reporters, 'succeeded');
    const exchanges = since(start);
    expect(exchanges.map((e) => `${e.method} ${e.path.split('?')[0]}`)).toEqual([
      'POST /repos/octo-org/models/deployments',
      'POST /repos/octo-org/models/deployments/1/statuses',
      'POST /repos/octo-org/models/deployments/1/statuses',
      'GET /repos/octo-org/models/issues/7/comments',
      'POST /repos/octo-org/models/issues/7/comments',
    ]);
    expect(exchanges.filter((e) => !e.accepted)).toEqual([]);
    expect(exchanges[2]!.requestBody).toMatchObject({ state: 'success', auto_inactive: true });
    expect(log.lines.filter((l) => l.startsWith('warning'))).toEqual([]);
  });

  test('a failed promotion from a push run: failure status, PR looked up by commit', async () => {
    const start = prism.exchanges.length;
    const reporters = githubReporters(inputs(), {
      logger: logger(),
      env: runEnv(prism.url, { name: 'push', payload: { after: SHA } }),
      client: FAST,
    });
    await run(reporters, 'failed');
    const exchanges = since(start);
    expect(exchanges.map((e) => `${e.method} ${e.path.split('?')[0]}`).slice(0, 4)).toEqual([
      'POST /repos/octo-org/models/deployments',
      'POST /repos/octo-org/models/deployments/1/statuses',
      'POST /repos/octo-org/models/deployments/1/statuses',
      `GET /repos/octo-org/models/commits/${SHA}/pulls`,
    ]);
    expect(exchanges[2]!.requestBody).toMatchObject({ state: 'failure' });
    expect(exchanges.filter((e) => !e.accepted)).toEqual([]);
  });

  test('a dry run from a workflow_dispatch run: no deployment, only the PR lookup', async () => {
    const start = prism.exchanges.length;
    const reporters = githubReporters(inputs({ 'dry-run': 'true' }), {
      logger: logger(),
      env: runEnv(prism.url, { name: 'workflow_dispatch', payload: { inputs: {} } }),
      client: FAST,
    });
    await run(reporters, 'planned', true);
    const exchanges = since(start);
    expect(exchanges[0]).toMatchObject({
      method: 'GET',
      path: expect.stringContaining(`/commits/${SHA}/pulls`),
    });
    expect(exchanges.some((e) => e.path.includes('/deployments'))).toBe(false);
    expect(exchanges.filter((e) => !e.accepted)).toEqual([]);
  });

  test('editing the sticky comment in place', async () => {
    const start = prism.exchanges.length;
    const client = createGithubClient({ token: 'ghs_test', baseUrl: prism.url, logger: logger(), ...FAST });
    // The description's example comment says "Me too": use it as the marker to reach the edit.
    const outcome = await upsertComment(
      client,
      { owner: 'octo-org', repo: 'models', issueNumber: 7 },
      'Me too',
      'new body',
    );
    expect(outcome.action).toBe('updated');
    expect(since(start).map((e) => `${e.method} ${e.path.split('?')[0]}`)).toEqual([
      'GET /repos/octo-org/models/issues/7/comments',
      'PATCH /repos/octo-org/models/issues/comments/1',
    ]);
    expect(since(start).filter((e) => !e.accepted)).toEqual([]);
  });

  test('the outcome on a merged PR: its comment read, then edited in place with the outcome', async () => {
    const start = prism.exchanges.length;
    const client = createGithubClient({ token: 'ghs_test', baseUrl: prism.url, logger: logger(), ...FAST });
    const seen: (string | undefined)[] = [];
    const outcome = await upsertComment(
      client,
      { owner: 'octo-org', repo: 'models', issueNumber: 7 },
      'Me too',
      (existing) => {
        seen.push(existing);
        return mergedCommentBody({
          marker: 'Me too',
          record: record('succeeded'),
          summaryMarkdown: '### Model promotion\n',
          sha: SHA,
          commitUrl: `https://github.com/octo-org/models/commit/${SHA}`,
          runUrl: 'https://github.com/octo-org/models/actions/runs/42',
          plan: earlierPlan(existing, 'Me too') ?? '### the plan',
        });
      },
    );
    expect(seen).toEqual(['Me too']);
    expect(outcome.action).toBe('updated');
    const exchanges = since(start);
    expect(exchanges.map((e) => `${e.method} ${e.path.split('?')[0]}`)).toEqual([
      'GET /repos/octo-org/models/issues/7/comments',
      'PATCH /repos/octo-org/models/issues/comments/1',
    ]);
    expect(exchanges[1]!.requestBody).toEqual({ body: expect.stringContaining('✅ promoted') });
    expect(exchanges.filter((e) => !e.accepted)).toEqual([]);
  });

  test('the drift issue: the open issues listed, then one opened, updated and closed with a comment', async () => {
    const client = createGithubClient({ token: 'ghs_test', baseUrl: prism.url, logger: logger(), ...FAST });
    const repo = { owner: 'octo-org', repo: 'models' };
    const finding = {
      kind: 'deleted' as const,
      object: 'Service/s',
      field: '',
      expected: 'present',
      live: '(absent)',
    };
    const promotion = {
      cluster: 'prod',
      namespace: 'models',
      model: 'sentiment',
      version: '2',
      promotionId: 'p-1',
      appliedAt: '2026-12-05T10:00:00.000Z',
      imageDigest: `sha256:${'a'.repeat(64)}`,
      objects: ['Service/s'],
    };
    const at = new Date('2026-12-05T12:00:00Z');
    const drift = driftRecord(
      'production',
      [{ namespace: 'models' }],
      [{ ...promotion, findings: [finding] }],
      at,
    );
    const clean = driftRecord('production', [{ namespace: 'models' }], [{ ...promotion, findings: [] }], at);
    const start = prism.exchanges.length;
    // The description's example lists only a pull request: no drift issue is open, so one is opened.
    expect(await reportDriftOnGithub(client, repo, { record: drift, logger: logger() })).toMatchObject({
      action: 'created',
    });
    await writeGithubIssue(client, repo, { number: 1347 }, { record: drift, logger: logger() });
    await writeGithubIssue(client, repo, { number: 1347 }, { record: clean, logger: logger() });
    const exchanges = since(start);
    expect(exchanges.map((e) => `${e.method} ${e.path.split('?')[0]}`)).toEqual([
      'GET /repos/octo-org/models/issues',
      'POST /repos/octo-org/models/issues',
      'PATCH /repos/octo-org/models/issues/1347',
      'POST /repos/octo-org/models/issues/1347/comments',
      'PATCH /repos/octo-org/models/issues/1347',
    ]);
    expect(exchanges[4]!.requestBody).toEqual({ state: 'closed', state_reason: 'completed' });
    expect(exchanges.filter((e) => !e.accepted)).toEqual([]);
  });

  test('the harness does catch a request that breaks the description', async () => {
    const start = prism.exchanges.length;
    await fetch(`${prism.url}/repos/o/r/deployments/1/statuses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'finished' }),
    });
    await fetch(`${prism.url}/repos/o/r/issues/not-a-number/comments`);
    expect(since(start).map((e) => e.accepted)).toEqual([false, false]);
  });
});
