import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/environments/explanation-table.ts
var HEADERS = ["POOL", "PRIORITY", "MATCH", "REASON"];
function cells(row) {
  return [row.pool, String(row.priority), row.selected ? "selected" : row.matched ? "yes" : "no", row.reason];
}
function renderExplanationTable(rows) {
  const table = [[...HEADERS], ...rows.map(cells)];
  const widths = HEADERS.map((_, column) => Math.max(...table.map((line) => line[column]?.length ?? 0)));
  return table.map(
    (line) => line.map((cell, column) => column === line.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd()
  ).join("\n");
}
function escapeCell(text) {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
function explanationMarkdown(rows) {
  const lines = ["| Pool | Priority | Match | Reason |", "| --- | ---: | :---: | --- |"];
  for (const row of rows) {
    const [pool, priority, match, reason] = cells(row).map(escapeCell);
    const name = row.selected ? `**\`${pool}\`**` : `\`${pool}\``;
    lines.push(`| ${name} | ${priority} | ${row.selected ? `**${match}**` : match} | ${reason} |`);
  }
  return lines.join("\n");
}

export {
  renderExplanationTable,
  explanationMarkdown
};
