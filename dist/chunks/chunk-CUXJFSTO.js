import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/environments/explanation-table.ts
function withRuntime(rows) {
  return rows.some((row) => row.runtime !== void 0);
}
function headers(runtime) {
  return runtime ? ["POOL", "PRIORITY", "MATCH", "RUNTIME", "REASON"] : ["POOL", "PRIORITY", "MATCH", "REASON"];
}
function cells(row, runtime) {
  const match = row.selected ? "selected" : row.matched ? "yes" : "no";
  const first = [row.pool, String(row.priority), match];
  const checked = row.runtime === void 0 || row.runtime === row.reason ? "-" : row.runtime;
  return runtime ? [...first, checked, row.reason] : [...first, row.reason];
}
function renderExplanationTable(rows) {
  const runtime = withRuntime(rows);
  const head = headers(runtime);
  const table = [head, ...rows.map((row) => cells(row, runtime))];
  const widths = head.map((_, column) => Math.max(...table.map((line) => line[column]?.length ?? 0)));
  return table.map(
    (line) => line.map((cell, column) => column === line.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd()
  ).join("\n");
}
function escapeCell(text) {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
function explanationMarkdown(rows) {
  const runtime = withRuntime(rows);
  const lines = runtime ? ["| Pool | Priority | Match | Runtime | Reason |", "| --- | ---: | :---: | --- | --- |"] : ["| Pool | Priority | Match | Reason |", "| --- | ---: | :---: | --- |"];
  for (const row of rows) {
    const [pool, priority, match, ...rest] = cells(row, runtime).map(escapeCell);
    const name = row.selected ? `**\`${pool}\`**` : `\`${pool}\``;
    lines.push(`| ${name} | ${priority} | ${row.selected ? `**${match}**` : match} | ${rest.join(" | ")} |`);
  }
  return lines.join("\n");
}

export {
  renderExplanationTable,
  explanationMarkdown
};
