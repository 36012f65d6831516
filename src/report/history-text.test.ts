import { describe, expect, it } from '@jest/globals';
import type { EnvironmentStats } from './history-stats.js';
import { formatSpan, renderHistoryStats } from './history-text.js';

const production: EnvironmentStats = {
  environment: 'production',
  attempts: 5,
  succeeded: 4,
  refused: 0,
  failed: 1,
  successRate: 0.8,
  medianSeconds: 42.5,
  p95Seconds: 303,
  succeededWithoutDuration: 2,
  lastSuccess: '2026-01-02T03:04:07.500Z',
  sinceLastSuccessSeconds: 3 * 86400 + 2 * 3600 + 59,
};

const staging: EnvironmentStats = {
  environment: 'staging',
  attempts: 3,
  succeeded: 0,
  refused: 2,
  failed: 1,
  successRate: 0,
  medianSeconds: null,
  p95Seconds: null,
  succeededWithoutDuration: 0,
  lastSuccess: null,
  sinceLastSuccessSeconds: null,
};

describe('renderHistoryStats', () => {
  it('a table per environment, then what the figures counted', () => {
    expect(renderHistoryStats({ environments: [production, staging], skipped: 1 })).toBe(
      [
        '',
        'environment  attempts  succeeded  refused  failed  success  median  p95    last success',
        'production          5          4        0       1      80%  42.5s   5m 3s  2026-01-02T03:04:07.500Z (3d 2h ago)',
        'staging             3          0        2       1       0%  -       -      never',
        'median and p95: durations of successful promotions, nearest rank',
        'production: 2 of 4 successes recorded no duration (written before durations were), counted in the rates only',
        '1 entry with no environment or an unknown status not counted',
        '',
      ].join('\n'),
    );
  });

  it('says when the registry keeps only the latest promotion per version', () => {
    expect(renderHistoryStats({ environments: [staging], skipped: 0 }, 'latest-per-version')).toContain(
      'keeps only the latest promotion of each version to each environment',
    );
    expect(renderHistoryStats({ environments: [staging], skipped: 0 })).not.toContain('latest');
  });

  it('nothing for a history with no attempts', () => {
    expect(renderHistoryStats({ environments: [], skipped: 2 })).toBe('');
  });

  it('shows a stored environment name on one line', () => {
    const text = renderHistoryStats({
      environments: [{ ...staging, environment: 'prod\u001b[2J\nx' }],
      skipped: 0,
    });
    expect(text).not.toContain('\u001b');
    expect(text.split('\n')[2]).toMatch(/^prod \[2J x +3 /);
  });
});

describe('formatSpan', () => {
  it.each([
    { seconds: 0, text: '0s' },
    { seconds: 0.25, text: '0.3s' },
    { seconds: 42.5, text: '42.5s' },
    { seconds: 60, text: '1m 0s' },
    { seconds: 303.4, text: '5m 3s' },
    { seconds: 7500, text: '2h 5m' },
    { seconds: 86400, text: '1d 0h' },
    { seconds: 3 * 86400 + 7259, text: '3d 2h' },
  ])('$seconds s -> $text', ({ seconds, text }) => expect(formatSpan(seconds)).toBe(text));
});
