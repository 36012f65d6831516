/**
 * Success rates and durations per environment, from a model's promotion history as its registry
 * returns it. Pure: entries and a clock reading in, numbers out. `model-promote history` prints
 * them, and the promotion record (so the Pushgateway) carries those of its own environment.
 *
 * Registries parse what they stored without a schema, so an entry may lack any field: one with no
 * environment or an unknown status is skipped (and counted as such), one with no duration counts
 * for the rates and not for the durations, one with an unreadable time is never the last success.
 */
import type { HistoryKeeps, PromotionHistoryEntry } from '../registry/model-version.js';

export interface EnvironmentStats {
  readonly environment: string;
  /** Promotions that tried to change the environment: succeeded + refused + failed (plans are not). */
  readonly attempts: number;
  readonly succeeded: number;
  readonly refused: number;
  readonly failed: number;
  /** succeeded / attempts, 0 to 1. */
  readonly successRate: number;
  /** Of the successful promotions that recorded a duration; null when none did. Nearest rank. */
  readonly medianSeconds: number | null;
  /** Nearest rank: the smallest recorded duration at or above 95% of them. */
  readonly p95Seconds: number | null;
  /** Successful promotions that recorded no duration (written before durations were). */
  readonly succeededWithoutDuration: number;
  /** The time of the newest success, as recorded; null when none succeeded. */
  readonly lastSuccess: string | null;
  readonly sinceLastSuccessSeconds: number | null;
}

export interface HistoryStats {
  /** One per environment with at least one attempt, by name. */
  readonly environments: readonly EnvironmentStats[];
  /** Entries with no environment or an unknown status, left out of every figure. */
  readonly skipped: number;
}

/** What an entry may look like once read back: any field may be missing or of another type. */
export type StoredEntry = Partial<Record<keyof PromotionHistoryEntry, unknown>> | null | undefined;

const ATTEMPTS = new Set(['succeeded', 'refused', 'failed']);

export function historyStats(entries: readonly StoredEntry[], now: Date): HistoryStats {
  const byEnvironment = new Map<string, StoredEntry[]>();
  let skipped = 0;
  for (const entry of entries) {
    if (typeof entry?.environment !== 'string' || typeof entry.status !== 'string') {
      skipped += 1;
    } else if (ATTEMPTS.has(entry.status)) {
      const attempts = byEnvironment.get(entry.environment);
      if (attempts) attempts.push(entry);
      else byEnvironment.set(entry.environment, [entry]);
    } else if (entry.status !== 'planned') {
      skipped += 1;
    }
  }
  const environments = [...byEnvironment.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([environment, attempts]) => environmentFigures(environment, attempts, now));
  return { environments, skipped };
}

/** The figures of one environment, or undefined when it has no attempt in the history. */
export function environmentStats(
  entries: readonly StoredEntry[],
  environment: string,
  now: Date,
): EnvironmentStats | undefined {
  return historyStats(
    entries.filter((entry) => entry?.environment === environment),
    now,
  ).environments[0];
}

/**
 * The history as the registry holds it once `entry` is written back: appended, replacing the same
 * version's entry for the environment where the registry keeps only the latest, nothing where it
 * keeps nothing. Lets the statistics include this promotion without reading the registry again.
 */
export function historyWith(
  history: readonly PromotionHistoryEntry[],
  entry: PromotionHistoryEntry,
  keeps: HistoryKeeps = 'every-promotion',
): PromotionHistoryEntry[] {
  switch (keeps) {
    case 'every-promotion':
      return [...history, entry];
    case 'latest-per-version':
      return [
        ...history.filter((e) => e.version !== entry.version || e.environment !== entry.environment),
        entry,
      ];
    case 'nothing':
      return [];
  }
}

/**
 * The nearest-rank percentile (p in (0, 1]) of ascending values: the value at rank ceil(p * n),
 * always one that was observed.
 */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1]!;
}

function environmentFigures(
  environment: string,
  attempts: readonly StoredEntry[],
  now: Date,
): EnvironmentStats {
  const count = (status: string) => attempts.filter((entry) => entry?.status === status).length;
  const successes = attempts.filter((entry) => entry?.status === 'succeeded');
  const durations = successes
    .map((entry) => entry?.durationSeconds)
    .filter((d): d is number => typeof d === 'number' && Number.isFinite(d) && d >= 0)
    .sort((a, b) => a - b);
  let last: { time: string; at: number } | undefined;
  for (const entry of successes) {
    const at = typeof entry?.time === 'string' ? Date.parse(entry.time) : Number.NaN;
    if (!Number.isNaN(at) && (!last || at > last.at)) last = { time: entry!.time as string, at };
  }
  const succeeded = successes.length;
  return {
    environment,
    attempts: attempts.length,
    succeeded,
    refused: count('refused'),
    failed: count('failed'),
    successRate: succeeded / attempts.length,
    medianSeconds: nearestRank(durations, 0.5),
    p95Seconds: nearestRank(durations, 0.95),
    succeededWithoutDuration: succeeded - durations.length,
    lastSuccess: last?.time ?? null,
    // A success stamped ahead of this clock (skew between runners) is "just now", not negative.
    sinceLastSuccessSeconds: last ? Math.max(0, now.getTime() - last.at) / 1000 : null,
  };
}
