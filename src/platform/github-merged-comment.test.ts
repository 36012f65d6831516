import { describe, expect, test } from '@jest/globals';
import type { PromotionRecord, PromotionStatus } from '../report/promotion-record.js';
import {
  COMMENT_LIMIT,
  OUTCOME_TAG,
  PLAN_END,
  PLAN_START,
  earlierPlan,
  mergedCommentBody,
  outcomeText,
} from './github-merged-comment.js';
import { commentBody, commentMarker } from './github-pr-comment.js';

function promotion(status: PromotionStatus, overrides: Partial<PromotionRecord> = {}): PromotionRecord {
  return {
    schemaVersion: 1,
    promotionId: 'p-1',
    tool: { name: 'model-promote', version: '0.1.0' },
    startedAt: '2025-01-01T00:00:00.000Z',
    status,
    dryRun: false,
    request: {
      registry: 'r',
      model: 'sentiment',
      version: 'champion',
      environment: 'production',
      catalog: 'c.yaml',
      output: 'out',
    },
    model: {
      name: 'sentiment',
      version: '2',
      requested: 'champion',
      aliases: [],
      labels: {},
      digest: 'sha256:m',
      files: 1,
      bytes: 1,
    },
    environment: {
      name: 'production',
      pool: 'gpu',
      endpoint: 'https://sentiment.example.com',
      explanation: [],
    },
    stages: [],
    ...overrides,
  };
}

const IMAGE = { reference: 'reg/sentiment@sha256:bbb', digest: 'sha256:bbb', base: 'base', layers: [] };
const MARKER = commentMarker('sentiment', 'production');
const RUN = 'https://github.com/o/r/actions/runs/9';
const SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';

describe('earlierPlan', () => {
  const planComment = commentBody('### plan\n| a |', MARKER, 'https://github.com/o/r/actions/runs/1');

  test('a comment from the pull request is the plan, less the marker', () => {
    expect(earlierPlan(planComment, MARKER)).toBe(
      '### plan\n| a |\n\n<sub>[model-promote run](https://github.com/o/r/actions/runs/1)</sub>',
    );
  });

  test('an outcome keeps the plan it kept, so re-runs never nest it', () => {
    const first = mergedCommentBody({
      marker: MARKER,
      record: promotion('succeeded', { image: IMAGE }),
      summaryMarkdown: '### first outcome',
      sha: SHA,
      plan: earlierPlan(planComment, MARKER),
    });
    expect(earlierPlan(first, MARKER)).toBe(earlierPlan(planComment, MARKER));
    const second = mergedCommentBody({
      marker: MARKER,
      record: promotion('failed'),
      summaryMarkdown: '### second outcome',
      sha: SHA,
      plan: earlierPlan(first, MARKER),
    });
    expect(second.split('### plan')).toHaveLength(2);
    expect(second).not.toContain('first outcome');
  });

  test('an outcome without a plan keeps nothing; no comment, nothing', () => {
    const outcome = mergedCommentBody({
      marker: MARKER,
      record: promotion('failed'),
      summaryMarkdown: 's',
      sha: SHA,
    });
    expect(earlierPlan(outcome, MARKER)).toBeUndefined();
    expect(earlierPlan(undefined, MARKER)).toBeUndefined();
    expect(earlierPlan(`${MARKER}\n`, MARKER)).toBeUndefined();
  });
});

describe('mergedCommentBody', () => {
  test('promoted: outcome, digest, environment URL, commit and run on top; summary and plan collapsed', () => {
    const body = mergedCommentBody({
      marker: MARKER,
      record: promotion('succeeded', { image: IMAGE }),
      summaryMarkdown: '### Model promotion: summary\n',
      sha: SHA,
      commitUrl: `https://github.com/o/r/commit/${SHA}`,
      runUrl: RUN,
      plan: '### the plan',
    });
    expect(body).toBe(
      [
        MARKER,
        OUTCOME_TAG,
        '### After the merge: `sentiment` v2 → `production`: ✅ promoted',
        '',
        '- **Image digest:** `sha256:bbb`',
        '- **Environment URL:** https://sentiment.example.com',
        `- **Commit:** [\`6dcb09b5b578\`](https://github.com/o/r/commit/${SHA})`,
        `- **Run:** [model-promote run](${RUN})`,
        '',
        '<details><summary>The promotion</summary>',
        '',
        '### Model promotion: summary',
        '',
        '</details>',
        '',
        "<details><summary>Before the merge: the pull request's plan</summary>",
        '',
        PLAN_START,
        '### the plan',
        PLAN_END,
        '',
        '</details>',
        '',
        `<sub>[model-promote run](${RUN})</sub>`,
        '',
      ].join('\n'),
    );
  });

  test('failed and rolled back: says so, names the cluster and the version back in service, and the error', () => {
    const record = promotion('failed', {
      image: IMAGE,
      deploy: [
        {
          cluster: 'eu',
          namespace: 'models',
          previousVersion: '1',
          version: '2',
          applied: [],
          rolledBack: true,
          reason: 'smoke | p95 too high',
        },
        { cluster: 'us', namespace: 'models', version: '2', applied: [], rolledBack: false },
      ],
      error: {
        kind: 'failed',
        code: 'smoke-failed',
        message: 'smoke test | failed\nat step 2',
        hint: 'look at the logs',
      },
    });
    const body = mergedCommentBody({ marker: MARKER, record, summaryMarkdown: 's', sha: SHA, runUrl: RUN });
    expect(body).toContain(': ↩️ failed and rolled back\n');
    expect(body).toContain('- **Rolled back:** `eu` `models` to v1: smoke \\| p95 too high');
    expect(body).not.toContain('`us`');
    // The error's first line: its detail lines are in the summary collapsed below.
    expect(body).toContain('> **smoke-failed**: smoke test \\| failed\n> Fix: look at the logs');
    expect(body).not.toContain('at step 2');
    expect(body).not.toContain(PLAN_START);
  });

  test.each([
    ['refused', '⛔ refused'],
    ['failed', '❌ failed'],
    ['planned', '📝 planned (dry run: nothing was changed)'],
  ] as const)('%s', (status, text) => {
    expect(outcomeText(promotion(status))).toBe(text);
  });

  test("stays within GitHub's limit: the summary goes first, then the plan is cut, marked", () => {
    const long = 'x'.repeat(COMMENT_LIMIT);
    const record = promotion('succeeded', { image: IMAGE });
    const noSummary = mergedCommentBody({
      marker: MARKER,
      record,
      summaryMarkdown: long,
      sha: SHA,
      runUrl: RUN,
      plan: 'plan',
    });
    expect(noSummary.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(noSummary).toContain(`_Too long for a comment: see the job summary of the [run](${RUN})._`);
    expect(noSummary).toContain(`${PLAN_START}\nplan\n${PLAN_END}`);
    const cut = mergedCommentBody({ marker: MARKER, record, summaryMarkdown: long, sha: SHA, plan: long });
    expect(cut.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(cut).toContain(`_(cut: too long for a comment)_\n${PLAN_END}`);
    expect(cut.startsWith(`${MARKER}\n${OUTCOME_TAG}\n`)).toBe(true);
  });
});
