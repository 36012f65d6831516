/** The Markdown summary: job summary, `summary.md`, and the body of PR/MR comments. Pure. */
import type { DeployReport } from '../deploy/deploy.js';
import type { ExplanationRow } from '../environments/resolve-pool.js';
import type { Change, CompatibilityResult } from '../schema/compare-interfaces.js';
import { oneLine } from '../outside-text.js';
import { fitMarkdown, JOB_SUMMARY_LIMIT_BYTES, utf8Bytes } from './markdown-limit.js';
import type { EnvironmentStats } from './history-stats.js';
import { formatSpan } from './history-text.js';
import type { PromotionRecord } from './promotion-record.js';
import { formatBytes } from '../format-bytes.js';
import { escapeMarkdown, utilizationSection } from './utilization-markdown.js';

export { formatBytes };

const STATUS_LINE: Record<PromotionRecord['status'], string> = {
  succeeded: '✅ promoted',
  planned: '📝 planned (dry run: nothing was changed)',
  refused: '⛔ refused',
  failed: '❌ failed',
};

/** Rows of the pool table beyond the chosen pool and its nearest misses are counted, not listed. */
export const POOL_ROWS_SHOWN = 10;
/** Interface changes listed, breaking first; the rest are counted. */
export const CHANGE_ROWS_SHOWN = 50;
/** Lines of an error's detail (a list of catalog problems) shown; the record keeps them all. */
export const ERROR_DETAIL_LINES_SHOWN = 20;
/** Below GitHub's 1 MiB, leaving room for what the job's other steps write to the same page. */
export const SUMMARY_LIMIT_BYTES = JOB_SUMMARY_LIMIT_BYTES - 64 * 1024;

/**
 * The summary, within GitHub's job summary limit whatever the catalog or the model holds: long
 * lists show their first rows and say how many they left out (promotion.json keeps everything).
 */
export function renderSummaryMarkdown(record: PromotionRecord): string {
  const { request } = record;
  const version = record.model
    ? versionText(record.model.requested, record.model.version)
    : oneLine(request.version);
  const lines: string[] = [
    `### Model promotion: ${named(request.model, 'no model')} ${version} → ${named(request.environment, 'no environment')}: ${STATUS_LINE[record.status]}`,
    '',
  ];
  const poolTable = Boolean(record.environment?.explanation.length);
  if (record.error) lines.push(...errorSection(record.error, poolTable), '');
  const facts: [string, string | undefined][] = [
    ['Model digest', record.model && code(record.model.digest)],
    ['Files', record.model && `${record.model.files} (${formatBytes(record.model.bytes)})`],
    [
      'Signed by',
      record.signature &&
        `${code(record.signature.signer)}${record.signature.issuer ? ` (issuer ${code(record.signature.issuer)})` : ''}, ${record.signature.method}; policies: ${record.signature.policies.join(', ')}`,
    ],
    ['Pool', record.environment?.pool && code(record.environment.pool)],
    ['Namespace', record.environment?.namespace && code(record.environment.namespace)],
    ['Endpoint', record.environment?.endpoint],
    [
      record.dryRun ? 'Image (dry run: not built; a promotion builds this digest)' : 'Image',
      record.image && code(record.image.reference),
    ],
    [
      'Base image',
      record.image &&
        `${code(record.image.base)}${record.image.baseDigest ? ` @ ${code(record.image.baseDigest)}` : ''}`,
    ],
    ['Manifests', record.manifests && record.manifests.objects.map(code).join(', ')],
    [
      'Promotion attestation',
      record.attestations?.promotion
        ? `${code(record.attestations.promotion)} (referrer of the image)`
        : record.attestations?.promotionFile && code(record.attestations.promotionFile),
    ],
    ['GitHub attestation', record.attestations?.github && githubAttestationFact(record.attestations.github)],
    ['Promotion', code(record.promotionId)],
    [`History of ${code(record.request.environment)}`, record.history && historyFact(record.history)],
  ];
  // A list, not a table: a GitHub table needs a header row, and these pairs have none.
  for (const [name, value] of facts) if (value) lines.push(`- **${name}:** ${oneLine(value)}`);
  lines.push('');
  if (record.environment && poolTable) lines.push(...poolSection(record.environment.explanation), '');
  for (const deploy of record.deploy ?? []) {
    lines.push(...deploySection(deploy), '');
  }
  if (record.compatibility) {
    lines.push(...compatibilitySection(record.compatibility, record), '');
  }
  if (record.stages.length) {
    lines.push('| Stage | Outcome | Time | Detail |', '|---|---|---|---|');
    for (const stage of record.stages) {
      lines.push(
        `| ${stage.name} | ${stage.outcome} | ${formatDuration(stage.durationMs)} | ${escapeCell(stage.detail ?? '')} |`,
      );
    }
    lines.push('');
  }
  return fitMarkdown(lines.join('\n'), SUMMARY_LIMIT_BYTES, {
    size: utf8Bytes,
    note: '_… cut here: longer than a job summary may be; promotion.json holds the whole record._',
  });
}

/** Refusals whose message ends in the pool table, which the pool section already shows. */
const POOL_TABLE_ERRORS: ReadonlySet<string> = new Set(['no-matching-pool', 'no-compatible-runtime']);

/**
 * The error's first line, and how to fix it. Further lines (a catalog's problems) follow in a
 * block, the first few; a pool table's lines are not repeated, since the pool section shows them.
 */
function errorSection(error: NonNullable<PromotionRecord['error']>, poolTable: boolean): string[] {
  const [first = '', ...rest] = error.message.split('\n');
  const lines = [`> **${escapeCell(error.code)}**: ${escapeCell(first.replace(/:\s*$/, ''))}`];
  if (error.hint) lines.push(`> Fix: ${escapeCell(error.hint)}`);
  const details = rest.map((line) => oneLine(line).trimEnd()).filter(Boolean);
  if (details.length && !(poolTable && POOL_TABLE_ERRORS.has(error.code))) {
    const shown = details.slice(0, ERROR_DETAIL_LINES_SHOWN);
    lines.push('', '```text', ...shown.map((line) => line.replaceAll('```', "'''")), '```');
    if (details.length > shown.length) {
      lines.push('', `_… and ${count(details.length - shown.length, 'more line')} in promotion.json._`);
    }
  }
  return lines;
}

/**
 * Why this pool (or why none): the chosen pool, then the nearest misses (pools that matched but
 * lost the tie, then the others by priority), and how many more were left out.
 */
function poolSection(rows: readonly ExplanationRow[]): string[] {
  const chosen = rows.some((row) => row.selected);
  const nearest = rows
    .map((row, index) => ({ row, index }))
    .sort(
      (a, b) =>
        rank(b.row) - rank(a.row) ||
        b.row.priority - a.row.priority ||
        b.row.requirements - a.row.requirements ||
        a.index - b.index,
    )
    .slice(0, POOL_ROWS_SHOWN)
    .map(({ row }) => row);
  // The driver and base runtime that decided, when one was checked; a refusal's reason says it already.
  const runtime = rows.some((row) => row.runtime !== undefined);
  const checked = (row: ExplanationRow) =>
    runtime
      ? ` ${row.runtime === undefined || row.runtime === row.reason ? '-' : escapeCell(row.runtime)} |`
      : '';
  const lines = [
    `<details><summary>${chosen ? 'Why this pool' : 'Why no pool matched'}</summary>`,
    '',
    runtime ? '| Pool | Matched | Runtime | Reason |' : '| Pool | Matched | Reason |',
    runtime ? '|---|---|---|---|' : '|---|---|---|',
  ];
  for (const row of nearest) {
    const mark = row.selected ? '✅ chosen' : row.matched ? 'yes' : 'no';
    lines.push(`| ${code(row.pool)} | ${mark} |${checked(row)} ${escapeCell(row.reason)} |`);
  }
  if (rows.length > nearest.length) {
    lines.push('', `_… and ${count(rows.length - nearest.length, 'more pool')}, listed in promotion.json._`);
  }
  lines.push('', '</details>');
  return lines;
}

/** The chosen pool first, then the pools that matched and lost the tie, then the rest. */
function rank(row: ExplanationRow): number {
  return row.selected ? 2 : row.matched ? 1 : 0;
}

/**
 * The interface against the running version's. With nothing to compare with (a first promotion)
 * it says so once, rather than listing every input and output as an addition.
 */
function compatibilitySection(result: CompatibilityResult, record: PromotionRecord): string[] {
  const lines = ['#### Interface compatibility', ''];
  const described = (side: { file: string; source: string }) =>
    side.source === side.file ? code(side.file) : `${code(side.file)} (${oneLine(side.source)})`;
  const next = described(result.next);
  if (!result.previous) {
    const running = record.model?.previousVersion;
    const environment = named(record.request.environment, 'the environment');
    const why = !running
      ? `First promotion to ${environment}: no running version to compare with.`
      : running === record.model?.version
        ? `v${oneLine(running)} already runs in ${environment}: nothing to compare with.`
        : `The running version v${oneLine(running)} declares no interface: nothing to compare with.`;
    const sides = (['input', 'output', 'tensor'] as const)
      .map((side) => [side, result.additions.filter((c) => c.side === side).length] as const)
      .filter(([, n]) => n > 0)
      .map(([side, n]) => count(n, side));
    lines.push(`${why} This version's interface (${next}): ${sides.join(', ') || 'nothing declared'}.`);
    return lines;
  }
  lines.push(`Compared ${described(result.previous)} with ${next}.`, '');
  const rows: [string, Change][] = [
    ...result.breaking.map((c): [string, Change] => ['breaking', c]),
    ...result.additions.map((c): [string, Change] => ['addition', c]),
    ...result.compatible.map((c): [string, Change] => ['compatible', c]),
  ];
  if (rows.length === 0) {
    lines.push('No change to the inputs and outputs.');
    return lines;
  }
  lines.push('| Change | Side | Name | Detail |', '|---|---|---|---|');
  for (const [verdict, c] of rows.slice(0, CHANGE_ROWS_SHOWN)) {
    const detail = c.description.slice(c.description.indexOf(': ') + 2);
    lines.push(`| ${verdict} | ${c.side} | ${code(c.name)} | ${escapeCell(detail)} |`);
  }
  if (rows.length > CHANGE_ROWS_SHOWN) {
    lines.push(
      '',
      `_… and ${count(rows.length - CHANGE_ROWS_SHOWN, 'more change')}, listed in promotion.json._`,
    );
  }
  return lines;
}

/** A name as a code span, or what is missing when it is empty (an input not given). */
function named(text: string, missing: string): string {
  return text ? code(text) : `_(${missing})_`;
}

/** `1 more pool`, `4,990 more pools`. */
function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

function deploySection(deploy: DeployReport): string[] {
  const change = `${deploy.previousVersion ? `v${deploy.previousVersion} → ` : ''}v${deploy.version}`;
  const lines = [
    `**Cluster ${code(deploy.cluster)}, namespace ${code(deploy.namespace)}:** ${change}` +
      (deploy.rolledBack ? ' — rolled back' : '') +
      (deploy.rollout ? `, rollout ${formatDuration(deploy.rollout.seconds * 1000)}` : '') +
      (deploy.smoke
        ? `, smoke ${deploy.smoke.requests} requests p50 ${deploy.smoke.p50Ms.toFixed(0)} ms, p95 ${deploy.smoke.p95Ms.toFixed(0)} ms`
        : ''),
  ];
  if (deploy.reason) lines.push('', `> ${escapeCell(deploy.reason)}`);
  if (deploy.utilization) {
    const section = utilizationSection(deploy.utilization);
    if (section.length) lines.push('', ...section);
  }
  const evidence = [...(deploy.evidence?.events ?? []), ...(deploy.evidence?.logTail ?? [])];
  if (evidence.length) {
    lines.push(
      '',
      '<details><summary>Events and log tail</summary>',
      '',
      '```',
      ...evidence,
      '```',
      '',
      '</details>',
    );
  }
  return lines;
}

function versionText(requested: string, version: string): string {
  return requested === version ? `v${version}` : `${requested} (v${version})`;
}

function code(text: string): string {
  return `\`${oneLine(text).replaceAll('`', "'")}\``;
}

/** Keeps a value inside its table cell. */
function escapeCell(text: string): string {
  return oneLine(text).replaceAll('|', '\\|');
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The environment's record with this promotion: `9 of 10 succeeded (90%); median 1m 12s, p95 2m 5s`. */
function historyFact(stats: EnvironmentStats): string {
  const rate = `${stats.succeeded} of ${stats.attempts} succeeded (${Math.round(stats.successRate * 100)}%)`;
  const durations =
    stats.medianSeconds === null || stats.p95Seconds === null
      ? ''
      : `; median ${formatSpan(stats.medianSeconds)}, p95 ${formatSpan(stats.p95Seconds)}`;
  return rate + durations;
}

function githubAttestationFact(
  github: NonNullable<NonNullable<PromotionRecord['attestations']>['github']>,
): string {
  if ('id' in github) return `${code(String(github.id))} in ${github.repository}'s artifact attestations`;
  // GitHub's own words: server text.
  return `not stored in ${github.repository}'s artifact attestations (${github.skipped}: ${escapeMarkdown(github.reason)}); the image's referrer holds it`;
}
