import { describe, expect, it } from '@jest/globals';
import type { PromotionHistoryEntry } from '../registry/model-version.js';
import {
  environmentStats,
  historyStats,
  historyWith,
  nearestRank,
  type EnvironmentStats,
  type StoredEntry,
} from './history-stats.js';

const NOW = new Date('2026-03-01T00:00:00Z');

let id = 0;
function entry(
  environment: string,
  status: PromotionHistoryEntry['status'],
  time: string,
  durationSeconds?: number,
): PromotionHistoryEntry {
  id += 1;
  return {
    promotionId: `p${id}`,
    environment,
    version: '1',
    status,
    time,
    ...(durationSeconds !== undefined && { durationSeconds }),
  };
}

const none: Omit<EnvironmentStats, 'environment'> = {
  attempts: 0,
  succeeded: 0,
  refused: 0,
  failed: 0,
  successRate: 0,
  medianSeconds: null,
  p95Seconds: null,
  succeededWithoutDuration: 0,
  lastSuccess: null,
  sinceLastSuccessSeconds: null,
};

describe('historyStats', () => {
  it.each<{ name: string; entries: StoredEntry[]; environments: EnvironmentStats[]; skipped?: number }>([
    { name: 'an empty history', entries: [], environments: [] },
    {
      name: 'one success',
      entries: [entry('prod', 'succeeded', '2026-02-28T23:00:00Z', 30)],
      environments: [
        {
          ...none,
          environment: 'prod',
          attempts: 1,
          succeeded: 1,
          successRate: 1,
          medianSeconds: 30,
          p95Seconds: 30,
          lastSuccess: '2026-02-28T23:00:00Z',
          sinceLastSuccessSeconds: 3600,
        },
      ],
    },
    {
      name: 'all failed or refused: no last success, no durations',
      entries: [
        entry('prod', 'failed', '2026-02-01T00:00:00Z', 100),
        entry('prod', 'refused', '2026-02-02T00:00:00Z', 2),
        entry('prod', 'failed', '2026-02-03T00:00:00Z'),
      ],
      environments: [{ ...none, environment: 'prod', attempts: 3, failed: 2, refused: 1 }],
    },
    {
      name: 'successes without a duration count for the rate, not the durations',
      entries: [
        entry('prod', 'succeeded', '2026-01-01T00:00:00Z'),
        entry('prod', 'succeeded', '2026-01-02T00:00:00Z'),
        entry('prod', 'succeeded', '2026-01-03T00:00:00Z', 40),
        entry('prod', 'failed', '2026-01-04T00:00:00Z', 5),
      ],
      environments: [
        {
          ...none,
          environment: 'prod',
          attempts: 4,
          succeeded: 3,
          failed: 1,
          successRate: 0.75,
          medianSeconds: 40,
          p95Seconds: 40,
          succeededWithoutDuration: 2,
          lastSuccess: '2026-01-03T00:00:00Z',
          sinceLastSuccessSeconds: 57 * 86400,
        },
      ],
    },
    {
      name: 'environments apart, by name; plans are not attempts',
      entries: [
        entry('staging', 'succeeded', '2026-02-01T00:00:00Z', 10),
        entry('prod', 'refused', '2026-02-01T00:00:00Z'),
        entry('prod', 'planned', '2026-02-02T00:00:00Z'),
        entry('dev', 'planned', '2026-02-02T00:00:00Z'),
      ],
      environments: [
        { ...none, environment: 'prod', attempts: 1, refused: 1 },
        {
          ...none,
          environment: 'staging',
          attempts: 1,
          succeeded: 1,
          successRate: 1,
          medianSeconds: 10,
          p95Seconds: 10,
          lastSuccess: '2026-02-01T00:00:00Z',
          sinceLastSuccessSeconds: 28 * 86400,
        },
      ],
    },
    {
      name: 'malformed entries: skipped, or counted without what they lack',
      entries: [
        null,
        {},
        { environment: 'prod' },
        { environment: 42, status: 'succeeded' },
        { environment: 'prod', status: 'exploded', time: '2026-01-01T00:00:00Z' },
        { environment: 'prod', status: 'succeeded', time: 'yesterday', durationSeconds: 'slow' },
        { environment: 'prod', status: 'succeeded', durationSeconds: -1 },
        { environment: 'prod', status: 'succeeded', time: '2026-01-01T00:00:00Z', durationSeconds: 7 },
      ],
      skipped: 5,
      environments: [
        {
          ...none,
          environment: 'prod',
          attempts: 3,
          succeeded: 3,
          successRate: 1,
          medianSeconds: 7,
          p95Seconds: 7,
          succeededWithoutDuration: 2,
          lastSuccess: '2026-01-01T00:00:00Z',
          sinceLastSuccessSeconds: 59 * 86400,
        },
      ],
    },
    {
      name: 'the newest success by time, whatever the order; one stamped ahead of the clock is now',
      entries: [
        entry('prod', 'succeeded', '2026-03-01T00:00:05Z', 1),
        entry('prod', 'succeeded', '2026-01-01T00:00:00Z', 1),
      ],
      environments: [
        {
          ...none,
          environment: 'prod',
          attempts: 2,
          succeeded: 2,
          successRate: 1,
          medianSeconds: 1,
          p95Seconds: 1,
          lastSuccess: '2026-03-01T00:00:05Z',
          sinceLastSuccessSeconds: 0,
        },
      ],
    },
  ])('$name', ({ entries, environments, skipped = 0 }) => {
    expect(historyStats(entries, NOW)).toEqual({ environments, skipped });
  });

  it('median and p95 by nearest rank over twenty known durations', () => {
    // 1..20 shuffled: nearest rank gives the 10th (median) and the 19th (p95) smallest.
    const durations = [7, 19, 3, 14, 1, 20, 11, 5, 16, 9, 2, 18, 13, 6, 10, 17, 4, 12, 8, 15];
    const entries = durations.map((d, i) =>
      entry('prod', 'succeeded', `2026-01-${String(i + 1).padStart(2, '0')}T00:00:00Z`, d),
    );
    const [prod] = historyStats(entries, NOW).environments;
    expect(prod).toMatchObject({ medianSeconds: 10, p95Seconds: 19, attempts: 20, successRate: 1 });
  });
});

describe('nearestRank', () => {
  it.each([
    { sorted: [], p: 0.5, value: null },
    { sorted: [4], p: 0.95, value: 4 },
    { sorted: [1, 2], p: 0.5, value: 1 },
    { sorted: [1, 2, 3], p: 0.5, value: 2 },
    { sorted: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 0.95, value: 10 },
    { sorted: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 0.9, value: 9 },
  ])('p$p of $sorted is $value', ({ sorted, p, value }) => {
    expect(nearestRank(sorted, p)).toBe(value);
  });
});

describe('environmentStats', () => {
  it("gives one environment's figures, or none when it has no attempt", () => {
    const entries = [
      entry('prod', 'succeeded', '2026-02-01T00:00:00Z', 3),
      entry('dev', 'failed', '2026-02-01T00:00:00Z'),
    ];
    expect(environmentStats(entries, 'prod', NOW)).toMatchObject({ environment: 'prod', succeeded: 1 });
    expect(environmentStats(entries, 'staging', NOW)).toBeUndefined();
  });
});

describe('historyWith', () => {
  const earlier = [
    { ...entry('prod', 'failed', '2026-01-01T00:00:00Z'), version: '3' },
    { ...entry('prod', 'succeeded', '2026-01-02T00:00:00Z'), version: '2' },
    { ...entry('dev', 'succeeded', '2026-01-02T00:00:00Z'), version: '3' },
  ];
  const latest = { ...entry('prod', 'succeeded', '2026-01-03T00:00:00Z', 9), version: '3' };

  it.each([
    { keeps: undefined, ids: [...earlier, latest].map((e) => e.promotionId) },
    { keeps: 'every-promotion' as const, ids: [...earlier, latest].map((e) => e.promotionId) },
    {
      keeps: 'latest-per-version' as const,
      ids: [earlier[1]!, earlier[2]!, latest].map((e) => e.promotionId),
    },
    { keeps: 'nothing' as const, ids: [] },
  ])('a registry keeping $keeps', ({ keeps, ids }) => {
    expect(historyWith(earlier, latest, keeps).map((e) => e.promotionId)).toEqual(ids);
  });
});
