/** PR comments and MR notes from the largest summaries: within GitHub's and GitLab's limits. */
import { describe, expect, it } from '@jest/globals';
import type { PromotionRecord } from '../report/promotion-record.js';
import { renderSummaryMarkdown } from '../report/summary-markdown.js';
import { commentBody } from './github-pr-comment.js';
import { mergedCommentBody } from './github-merged-comment.js';
import { noteBody } from './gitlab-merge-request-note.js';

const GITHUB_COMMENT_MAX = 65_536;
const GITLAB_NOTE_MAX = 1_000_000;
const RUN = 'https://github.com/o/r/actions/runs/1';

/** A refusal in an environment of 5,000 pools, none matching: the message holds a row per pool. */
function refusedAmongPools(count: number): PromotionRecord {
  const explanation = Array.from({ length: count }, (_, i) => ({
    pool: `pool-${i}`,
    matched: false,
    selected: false,
    reason: `label accelerator=a100 is not in [gpu-${i}]`,
    priority: 0,
    requirements: 1,
  }));
  return {
    schemaVersion: 1,
    promotionId: 'p-1',
    tool: { name: 'model-promote', version: '0.1.0' },
    startedAt: '2025-01-01T00:00:00.000Z',
    status: 'refused',
    dryRun: false,
    request: {
      registry: 'r',
      model: 'm',
      version: '1',
      environment: 'production',
      catalog: 'c',
      output: 'o',
    },
    environment: { name: 'production', explanation },
    error: {
      kind: 'refused',
      code: 'no-matching-pool',
      message: `no pool matches\n${explanation.map((r) => `${r.pool}  0  no  ${r.reason}`).join('\n')}`,
      hint: 'widen a pool',
    },
    stages: [],
  };
}

describe('comment and note bodies', () => {
  it('a 5,000-pool refusal: the PR comment, the merged-PR comment and the MR note all fit whole', () => {
    const record = refusedAmongPools(5000);
    const summary = renderSummaryMarkdown(record);
    const bodies = {
      comment: commentBody(summary, '<!-- m -->', RUN),
      merged: mergedCommentBody({
        marker: '<!-- m -->',
        record,
        summaryMarkdown: summary,
        sha: 'a'.repeat(40),
      }),
      note: noteBody(record, summary),
    };
    for (const [name, body] of Object.entries(bodies)) {
      expect({ name, fits: body.length <= GITHUB_COMMENT_MAX }).toEqual({ name, fits: true });
      expect(body).toContain('4,990 more pools');
      expect(body).not.toContain('cut here');
    }
  });

  it('a summary longer than a comment: cut at a line, pointing at the run, the footer kept', () => {
    const summary = `### Model promotion\n\n${Array.from({ length: 20_000 }, (_, i) => `- line ${i}`).join('\n')}\n`;
    const body = commentBody(summary, '<!-- m -->', RUN);
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX);
    expect(body.startsWith('<!-- m -->\n### Model promotion\n')).toBe(true);
    expect(body).toContain(
      `_… cut here: too long for a comment; the whole summary is on the [run's page](${RUN})._`,
    );
    expect(body.endsWith(`<sub>[model-promote run](${RUN})</sub>\n`)).toBe(true);
  });

  it('a summary longer than a GitLab note: cut at a line, the marker kept', () => {
    const record = refusedAmongPools(1);
    const summary = Array.from({ length: 100_000 }, (_, i) => `- line ${i} ${'x'.repeat(10)}`).join('\n');
    const body = noteBody(record, summary);
    expect(body.length).toBeLessThanOrEqual(GITLAB_NOTE_MAX);
    expect(body.startsWith('<!-- model-promote:m:production -->\n- line 0')).toBe(true);
    expect(body).toMatch(/\n- line \d+ x{10}\n\n_… cut here: too long for a note/);
  });
});
