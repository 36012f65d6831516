/** Renders the pool explanation rows: aligned plain text for logs, a Markdown table for reports. Pure. */
import type { ExplanationRow } from './resolve-pool.js';

/** The runtime column appears only when some pool's base runtime was checked. */
function withRuntime(rows: readonly ExplanationRow[]): boolean {
  return rows.some((row) => row.runtime !== undefined);
}

function headers(runtime: boolean): string[] {
  return runtime
    ? ['POOL', 'PRIORITY', 'MATCH', 'RUNTIME', 'REASON']
    : ['POOL', 'PRIORITY', 'MATCH', 'REASON'];
}

function cells(row: ExplanationRow, runtime: boolean): string[] {
  const match = row.selected ? 'selected' : row.matched ? 'yes' : 'no';
  const first = [row.pool, String(row.priority), match];
  // A pool refused for its runtime says why in REASON already; the column would repeat it.
  const checked = row.runtime === undefined || row.runtime === row.reason ? '-' : row.runtime;
  return runtime ? [...first, checked, row.reason] : [...first, row.reason];
}

/** Columns padded to their widest cell; the last column is not padded. */
export function renderExplanationTable(rows: readonly ExplanationRow[]): string {
  const runtime = withRuntime(rows);
  const head = headers(runtime);
  const table = [head, ...rows.map((row) => cells(row, runtime))];
  const widths = head.map((_, column) => Math.max(...table.map((line) => line[column]?.length ?? 0)));
  return table
    .map((line) =>
      line
        .map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A GitHub-flavoured Markdown table; the selected pool is in bold. */
export function explanationMarkdown(rows: readonly ExplanationRow[]): string {
  const runtime = withRuntime(rows);
  const lines = runtime
    ? ['| Pool | Priority | Match | Runtime | Reason |', '| --- | ---: | :---: | --- | --- |']
    : ['| Pool | Priority | Match | Reason |', '| --- | ---: | :---: | --- |'];
  for (const row of rows) {
    const [pool, priority, match, ...rest] = cells(row, runtime).map(escapeCell);
    const name = row.selected ? `**\`${pool}\`**` : `\`${pool}\``;
    lines.push(`| ${name} | ${priority} | ${row.selected ? `**${match}**` : match} | ${rest.join(' | ')} |`);
  }
  return lines.join('\n');
}
