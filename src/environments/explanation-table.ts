/** Renders the pool explanation rows: aligned plain text for logs, a Markdown table for reports. Pure. */
import type { ExplanationRow } from './resolve-pool.js';

const HEADERS = ['POOL', 'PRIORITY', 'MATCH', 'REASON'] as const;

function cells(row: ExplanationRow): [string, string, string, string] {
  return [row.pool, String(row.priority), row.selected ? 'selected' : row.matched ? 'yes' : 'no', row.reason];
}

/** Columns padded to their widest cell; the last column is not padded. */
export function renderExplanationTable(rows: readonly ExplanationRow[]): string {
  const table = [[...HEADERS], ...rows.map(cells)];
  const widths = HEADERS.map((_, column) => Math.max(...table.map((line) => line[column]?.length ?? 0)));
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
  const lines = ['| Pool | Priority | Match | Reason |', '| --- | ---: | :---: | --- |'];
  for (const row of rows) {
    const [pool, priority, match, reason] = cells(row).map(escapeCell);
    const name = row.selected ? `**\`${pool}\`**` : `\`${pool}\``;
    lines.push(`| ${name} | ${priority} | ${row.selected ? `**${match}**` : match} | ${reason} |`);
  }
  return lines.join('\n');
}
