/**
 * The sticky comment of a merged pull request, rendered: the promotion the merge ran (outcome,
 * image digest, environment URL, rollbacks, error, run) on top, its summary collapsed, and the plan
 * the pull request's runs had posted kept collapsed below, between hidden tags so every re-run keeps
 * it once. Pure; github-pr-comment.ts finds the PR and writes the comment.
 */
import { GITHUB_COMMENT_LIMIT } from '../report/markdown-limit.js';
import type { PromotionRecord } from '../report/promotion-record.js';

/** GitHub refuses a comment body longer than this. */
export const COMMENT_LIMIT = GITHUB_COMMENT_LIMIT;

/** Hidden lines of the comment after a merge: it shows an outcome; where the kept plan is. */
export const OUTCOME_TAG = '<!-- model-promote:after-merge -->';
export const PLAN_START = '<!-- model-promote:plan -->';
export const PLAN_END = '<!-- /model-promote:plan -->';

/**
 * What to keep of the comment a merged PR already has: the plan an earlier outcome kept, or the
 * whole of a comment from the pull request's runs (less the marker). An earlier outcome with no
 * plan keeps nothing, so a re-run of the promotion replaces its outcome and never nests it. Pure.
 */
export function earlierPlan(existing: string | undefined, marker: string): string | undefined {
  if (existing === undefined) return undefined;
  const start = existing.indexOf(PLAN_START);
  const end = start < 0 ? -1 : existing.indexOf(PLAN_END, start);
  if (start >= 0 && end >= 0) return existing.slice(start + PLAN_START.length, end).trim() || undefined;
  if (existing.includes(OUTCOME_TAG)) return undefined;
  return existing.replace(marker, '').trim() || undefined;
}

/** The headline word of an outcome: a failed rollout that was undone says so. Pure. */
export function outcomeText(record: PromotionRecord): string {
  const rolledBack = (record.deploy ?? []).some((d) => d.rolledBack);
  switch (record.status) {
    case 'succeeded':
      return '✅ promoted';
    case 'planned':
      return '📝 planned (dry run: nothing was changed)';
    case 'refused':
      return '⛔ refused';
    case 'failed':
      return rolledBack ? '↩️ failed and rolled back' : '❌ failed';
  }
}

export interface MergedCommentParts {
  readonly marker: string;
  readonly record: PromotionRecord;
  /** The promotion's full summary: collapsed under the outcome. */
  readonly summaryMarkdown: string;
  /** The commit the run promoted, and its page. */
  readonly sha: string;
  readonly commitUrl?: string;
  readonly runUrl?: string;
  /** What the pull request's runs had posted (see `earlierPlan`): kept, collapsed. */
  readonly plan?: string | undefined;
}

/**
 * The comment on a merged PR: the outcome of the promotion the merge ran (status, image digest,
 * environment URL, rollbacks, the error, a link to the run), the full summary collapsed, and the
 * plan the pull request showed, collapsed and marked so the next re-run keeps it again. Within
 * GitHub's limit: a summary too long is left to the run's page, then the plan is cut. Pure.
 */
export function mergedCommentBody(parts: MergedCommentParts): string {
  const { marker, record, runUrl } = parts;
  const version = record.model ? `v${record.model.version}` : record.request.version;
  const head = [
    marker,
    OUTCOME_TAG,
    `### After the merge: ${code(record.request.model)} ${version} → ${code(record.request.environment)}: ${outcomeText(record)}`,
    '',
  ];
  const rows: [string, string][] = [];
  if (record.image) rows.push(['Image digest', code(record.image.digest)]);
  if (record.environment?.endpoint) rows.push(['Environment URL', record.environment.endpoint]);
  for (const deploy of record.deploy ?? []) {
    if (!deploy.rolledBack) continue;
    const back = deploy.previousVersion ? ` to v${deploy.previousVersion}` : '';
    const why = deploy.reason ? `: ${deploy.reason}` : '';
    rows.push(['Rolled back', `${code(deploy.cluster)} ${code(deploy.namespace)}${back}${why}`]);
  }
  const shortSha = code(parts.sha.slice(0, 12));
  rows.push(['Commit', parts.commitUrl ? `[${shortSha}](${parts.commitUrl})` : shortSha]);
  if (runUrl) rows.push(['Run', `[model-promote run](${runUrl})`]);
  // A list, not a table: a GitHub table needs a header row, and these pairs have none.
  head.push(...rows.map(([k, v]) => `- **${k}:** ${cell(v)}`), '');
  if (record.error) {
    // The first line: the rest (a table of pools, a list of problems) is in the summary below.
    head.push(`> **${record.error.code}**: ${cell(record.error.message.split('\n')[0] ?? '')}`);
    if (record.error.hint) head.push(`> Fix: ${cell(record.error.hint)}`);
    head.push('');
  }
  const footer = runUrl ? `<sub>[model-promote run](${runUrl})</sub>` : '<sub>model-promote</sub>';
  const summary = (text: string) => [
    '<details><summary>The promotion</summary>',
    '',
    text.trimEnd(),
    '',
    '</details>',
    '',
  ];
  const plan = (text: string) => [
    "<details><summary>Before the merge: the pull request's plan</summary>",
    '',
    PLAN_START,
    text,
    PLAN_END,
    '',
    '</details>',
    '',
  ];
  const render = (summaryText: string, planText: string | undefined) =>
    [...head, ...summary(summaryText), ...(planText === undefined ? [] : plan(planText)), footer, ''].join(
      '\n',
    );
  let body = render(parts.summaryMarkdown, parts.plan);
  if (body.length <= COMMENT_LIMIT) return body;
  const tooLong = runUrl
    ? `_Too long for a comment: see the job summary of the [run](${runUrl})._`
    : '_Too long for a comment: see the job summary of the run._';
  body = render(tooLong, parts.plan);
  if (body.length <= COMMENT_LIMIT || parts.plan === undefined) return body;
  const cut = '\n\n_(cut: too long for a comment)_';
  const room = COMMENT_LIMIT - render(tooLong, '').length - cut.length;
  return render(tooLong, `${parts.plan.slice(0, Math.max(0, room))}${cut}`);
}

function code(text: string): string {
  return `\`${text.replaceAll('`', "'")}\``;
}

/** Keeps a value on its line (a table cell, a quote). */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');
}
