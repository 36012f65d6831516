import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  oneLine
} from "./chunk-TDPV7D6W.js";

// src/report/history-text.ts
var HEADER = [
  "environment",
  "attempts",
  "succeeded",
  "refused",
  "failed",
  "success",
  "median",
  "p95",
  "last success"
];
function renderHistoryStats(stats, keeps = "every-promotion") {
  if (!stats.environments.length) return "";
  const rows = stats.environments.map((e) => [
    // Environment names come from the registry: one line each, whatever was stored.
    oneLine(e.environment),
    String(e.attempts),
    String(e.succeeded),
    String(e.refused),
    String(e.failed),
    `${Number((e.successRate * 100).toFixed(1))}%`,
    e.medianSeconds === null ? "-" : formatSpan(e.medianSeconds),
    e.p95Seconds === null ? "-" : formatSpan(e.p95Seconds),
    e.lastSuccess === null ? "never" : `${oneLine(e.lastSuccess)} (${formatSpan(e.sinceLastSuccessSeconds ?? 0)} ago)`
  ]);
  const notes = ["median and p95: durations of successful promotions, nearest rank"];
  for (const e of stats.environments) {
    if (e.succeededWithoutDuration) {
      notes.push(
        `${oneLine(e.environment)}: ${e.succeededWithoutDuration} of ${e.succeeded} successes recorded no duration (written before durations were), counted in the rates only`
      );
    }
  }
  if (stats.skipped) {
    notes.push(
      `${stats.skipped} ${stats.skipped === 1 ? "entry" : "entries"} with no environment or an unknown status not counted`
    );
  }
  if (keeps === "latest-per-version") {
    notes.push(
      "this registry keeps only the latest promotion of each version to each environment: those are counted"
    );
  }
  return `
${table([HEADER, ...rows])}
${notes.map((note) => `${note}
`).join("")}`;
}
function table(rows) {
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const numeric = (column) => column >= 1 && column <= 5;
  return rows.map(
    (row) => row.map(
      (cell, column) => column === row.length - 1 ? cell : numeric(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column])
    ).join("  ")
  ).join("\n");
}
function formatSpan(seconds) {
  if (seconds < 60) return `${Number(seconds.toFixed(1))}s`;
  const units = [
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
    ["s", 1]
  ];
  let rest = Math.round(seconds);
  const parts = [];
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count || parts.length) parts.push(`${count}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}

export {
  renderHistoryStats,
  formatSpan
};
