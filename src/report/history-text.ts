/**
 * The per-environment summary `model-promote history` prints after the entries: a table of
 * history-stats.ts's figures, then what they counted. Pure.
 */
import { oneLine } from '../outside-text.js';
import type { HistoryKeeps } from '../registry/model-version.js';
import type { HistoryStats } from './history-stats.js';

const HEADER = [
  'environment',
  'attempts',
  'succeeded',
  'refused',
  'failed',
  'success',
  'median',
  'p95',
  'last success',
];

export function renderHistoryStats(stats: HistoryStats, keeps: HistoryKeeps = 'every-promotion'): string {
  if (!stats.environments.length) return '';
  const rows = stats.environments.map((e) => [
    // Environment names come from the registry: one line each, whatever was stored.
    oneLine(e.environment),
    String(e.attempts),
    String(e.succeeded),
    String(e.refused),
    String(e.failed),
    `${Number((e.successRate * 100).toFixed(1))}%`,
    e.medianSeconds === null ? '-' : formatSpan(e.medianSeconds),
    e.p95Seconds === null ? '-' : formatSpan(e.p95Seconds),
    e.lastSuccess === null
      ? 'never'
      : `${oneLine(e.lastSuccess)} (${formatSpan(e.sinceLastSuccessSeconds ?? 0)} ago)`,
  ]);
  const notes = ['median and p95: durations of successful promotions, nearest rank'];
  for (const e of stats.environments) {
    if (e.succeededWithoutDuration) {
      notes.push(
        `${oneLine(e.environment)}: ${e.succeededWithoutDuration} of ${e.succeeded} successes recorded no duration (written before durations were), counted in the rates only`,
      );
    }
  }
  if (stats.skipped) {
    notes.push(
      `${stats.skipped} ${stats.skipped === 1 ? 'entry' : 'entries'} with no environment or an unknown status not counted`,
    );
  }
  if (keeps === 'latest-per-version') {
    notes.push(
      'this registry keeps only the latest promotion of each version to each environment: those are counted',
    );
  }
  return `\n${table([HEADER, ...rows])}\n${notes.map((note) => `${note}\n`).join('')}`;
}

/** Columns padded to their widest cell, numbers right-aligned. */
function table(rows: readonly string[][]): string {
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const numeric = (column: number) => column >= 1 && column <= 5;
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1
            ? cell
            : numeric(column)
              ? cell.padStart(widths[column]!)
              : cell.padEnd(widths[column]!),
        )
        .join('  '),
    )
    .join('\n');
}

/** A span in its two largest units: `42.5s`, `5m 3s`, `2h 5m`, `3d 2h`. */
export function formatSpan(seconds: number): string {
  if (seconds < 60) return `${Number(seconds.toFixed(1))}s`;
  const units: [string, number][] = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  let rest = Math.round(seconds);
  const parts: string[] = [];
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count || parts.length) parts.push(`${count}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
