/** The Markdown summary: job summary, `summary.md`, and the body of PR/MR comments. Pure. */
import type { DeployReport } from '../deploy/deploy.js';
import { renderCompatibilityMarkdown } from '../schema/compare-interfaces.js';
import type { PromotionRecord } from './promotion-record.js';
import { oneLine } from '../outside-text.js';
import { formatBytes } from '../format-bytes.js';

export { formatBytes };

const STATUS_LINE: Record<PromotionRecord['status'], string> = {
  succeeded: '✅ promoted',
  planned: '📝 planned (dry run: nothing was changed)',
  refused: '⛔ refused',
  failed: '❌ failed',
};

export function renderSummaryMarkdown(record: PromotionRecord): string {
  const { request } = record;
  const version = record.model ? versionText(record.model.requested, record.model.version) : request.version;
  const lines: string[] = [
    `### Model promotion: ${code(request.model)} ${version} → ${code(request.environment)}: ${STATUS_LINE[record.status]}`,
    '',
  ];
  if (record.error) {
    lines.push(`> **${record.error.code}**: ${escapeCell(record.error.message)}`);
    if (record.error.hint) lines.push(`> Fix: ${escapeCell(record.error.hint)}`);
    lines.push('');
  }
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
    ['Image', record.image && code(record.image.reference)],
    [
      'Base image',
      record.image &&
        `${code(record.image.base)}${record.image.baseDigest ? ` @ ${code(record.image.baseDigest)}` : ''}`,
    ],
    ['Manifests', record.manifests && record.manifests.objects.map(code).join(', ')],
    ['Promotion', code(record.promotionId)],
  ];
  const present = facts.filter((f): f is [string, string] => Boolean(f[1]));
  if (present.length) {
    lines.push('| | |', '|---|---|', ...present.map(([k, v]) => `| ${k} | ${escapeCell(v)} |`), '');
  }
  if (record.environment?.explanation.length) {
    lines.push(
      '<details><summary>Why this pool</summary>',
      '',
      '| Pool | Matched | Reason |',
      '|---|---|---|',
    );
    for (const row of record.environment.explanation) {
      const mark = row.selected ? '✅ chosen' : row.matched ? 'yes' : 'no';
      lines.push(`| ${code(row.pool)} | ${mark} | ${escapeCell(row.reason)} |`);
    }
    lines.push('', '</details>', '');
  }
  for (const deploy of record.deploy ?? []) {
    lines.push(...deploySection(deploy), '');
  }
  if (record.compatibility) {
    lines.push(renderCompatibilityMarkdown(record.compatibility), '');
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
  return lines.join('\n');
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
