/**
 * The drift record: what `model-promote drift` found, as JSON (`--json`, `drift.json` under
 * `--output`) and as the table and Markdown the terminal and the issue show. The zod schema is the
 * source of truth; schema/drift-record.schema.json is generated from it
 * (npx tsx scripts/generate-schemas.ts) and a test keeps them equal. Pure.
 */
import { z } from 'zod';
import type { PromotionDrift } from '../deploy/drift-check.js';
import { publishedJsonSchema } from '../published-schema.js';

export const DRIFT_SCHEMA_FILE = 'schema/drift-record.schema.json';

const finding = z
  .object({
    kind: z.enum(['field', 'replicas', 'image', 'deleted', 'record']),
    object: z.string().describe('Kind/name of the object, e.g. Deployment/sentiment-production.'),
    field: z.string().describe('Path of the field; empty for a deleted object.'),
    expected: z.string().describe('What the last promotion applied.'),
    live: z.string().describe('What runs; "(absent)" when the field or object is gone.'),
    manager: z.string().optional().describe('The field manager that owns the field now.'),
  })
  .strict();

const promotion = z
  .object({
    cluster: z.string(),
    namespace: z.string(),
    model: z.string(),
    version: z.string(),
    promotionId: z.string(),
    appliedAt: z.string().describe('When the promotion applied (ISO 8601).'),
    imageDigest: z.string(),
    objects: z.array(z.string()).describe('The objects it applied.'),
    findings: z.array(finding),
  })
  .strict();

export const driftRecordSchema = z
  .object({
    schemaVersion: z.literal(1),
    environment: z.string(),
    checkedAt: z.string().describe('When the check ran (ISO 8601).'),
    status: z
      .enum(['clean', 'drift', 'nothing-promoted'])
      .describe('nothing-promoted: no promotion to this environment has been recorded in its namespaces.'),
    targets: z.array(z.object({ context: z.string().optional(), namespace: z.string() }).strict()),
    promotions: z.array(promotion),
  })
  .strict();

export type DriftRecord = z.infer<typeof driftRecordSchema>;

export function driftRecord(
  environment: string,
  targets: DriftRecord['targets'],
  promotions: readonly PromotionDrift[],
  now: Date,
): DriftRecord {
  const drifted = promotions.some((p) => p.findings.length > 0);
  return {
    schemaVersion: 1,
    environment,
    checkedAt: now.toISOString(),
    status: promotions.length === 0 ? 'nothing-promoted' : drifted ? 'drift' : 'clean',
    targets: targets.map((t) => ({
      ...(t.context !== undefined ? { context: t.context } : {}),
      namespace: t.namespace,
    })),
    promotions: promotions.map((p) => ({ ...p, objects: [...p.objects], findings: [...p.findings] })),
  };
}

export function driftJsonSchema(): Record<string, unknown> {
  return publishedJsonSchema(driftRecordSchema, {
    file: DRIFT_SCHEMA_FILE,
    title: 'model-promote drift record',
    description: 'What model-promote drift found: the live cluster against what the last promotion applied.',
    io: 'output',
  });
}

const COLUMNS = ['object', 'field', 'expected', 'live', 'manager'] as const;

/** One line per finding, in aligned columns; a line per promotion above them. */
export function driftTable(record: DriftRecord): string {
  if (record.status === 'nothing-promoted')
    return `${record.environment}: nothing promoted yet (no applied record in ${targetsText(record)}); nothing to compare\n`;
  const lines: string[] = [];
  for (const p of record.promotions) {
    lines.push(
      `${p.model} v${p.version} in ${p.cluster}/${p.namespace} (promotion ${p.promotionId}, ${p.appliedAt}): ${p.findings.length ? `${p.findings.length} drift finding(s)` : 'no drift'}`,
    );
    if (!p.findings.length) continue;
    const rows = [
      [...COLUMNS],
      ...p.findings.map((f) => [f.object, f.field || '-', f.expected, f.live, f.manager ?? '-']),
    ];
    const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const row of rows)
      lines.push(
        `  ${row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

function targetsText(record: DriftRecord): string {
  return record.targets.map((t) => (t.context ? `${t.context}/${t.namespace}` : t.namespace)).join(', ');
}

/** Markdown for the drift issue: a table per promotion. Cells are escaped (outside text). */
export function driftMarkdown(record: DriftRecord, runUrl?: string): string {
  const cell = (text: string) =>
    `\`${text.replaceAll('`', "'").replaceAll('|', '\\|').replaceAll('\n', ' ')}\``;
  const lines = [
    `### Drift in \`${record.environment}\``,
    '',
    `Checked ${record.checkedAt}${runUrl ? ` by [this run](${runUrl})` : ''}: the cluster differs from what the last promotion applied. The next promotion overwrites these fields (with \`force\` where another manager owns them).`,
  ];
  for (const p of record.promotions.filter((x) => x.findings.length)) {
    lines.push(
      '',
      `#### ${cell(p.model)} v${p.version} in ${cell(`${p.cluster}/${p.namespace}`)}`,
      '',
      `Promotion ${cell(p.promotionId)}, applied ${p.appliedAt}.`,
      '',
      '| Object | Field | Expected | Live | Manager |',
      '|---|---|---|---|---|',
      ...p.findings.map(
        (f) =>
          `| ${cell(f.object)} | ${f.field ? cell(f.field) : '-'} | ${cell(f.expected)} | ${cell(f.live)} | ${f.manager ? cell(f.manager) : '-'} |`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
