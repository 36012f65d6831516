/** `model-promote history` over a folder registry whose promotion history the test writes. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, TempDirs } from '../../test/e2e/helpers.js';

const temp = new TempDirs();
let registry: string;

const line = (fields: Record<string, unknown>) => JSON.stringify(fields);

beforeAll(async () => {
  registry = path.join(await temp.make('history-command-'), 'registry');
  for (const version of ['1', '2']) await mkdir(path.join(registry, 'm', version), { recursive: true });
  const entry = { promotionId: 'p', pool: 'gpu' };
  await writeFile(
    path.join(registry, 'm', '1.promotions.jsonl'),
    [
      // Written before durations were recorded.
      line({
        ...entry,
        environment: 'production',
        version: '1',
        status: 'succeeded',
        time: '2026-01-01T00:00:00Z',
      }),
      line({
        ...entry,
        environment: 'staging',
        version: '1',
        status: 'failed',
        time: '2026-01-01T01:00:00Z',
        durationSeconds: 5,
      }),
      '{"half a line',
    ].join('\n') + '\n',
  );
  await writeFile(
    path.join(registry, 'm', '2.promotions.jsonl'),
    [
      line({
        ...entry,
        environment: 'production',
        version: '2',
        status: 'refused',
        time: '2026-01-02T00:00:00Z',
        durationSeconds: 1,
      }),
      line({
        ...entry,
        environment: 'production',
        version: '2',
        status: 'succeeded',
        time: '2026-01-03T00:00:00Z',
        durationSeconds: 90,
      }),
      line({
        ...entry,
        environment: 'production',
        version: '2',
        status: 'succeeded',
        time: '2026-01-04T00:00:00Z',
        durationSeconds: 30,
      }),
    ].join('\n') + '\n',
  );
});
afterAll(() => temp.cleanup());

describe('model-promote history', () => {
  it('prints the entries, then a summary per environment and what it counted', async () => {
    const run = await runCli(['history', '--registry', registry, '--model', 'm']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 5).map((l) => l.slice(0, 20))).toEqual([
      '2026-01-01T00:00:00Z',
      '2026-01-01T01:00:00Z',
      '2026-01-02T00:00:00Z',
      '2026-01-03T00:00:00Z',
      '2026-01-04T00:00:00Z',
    ]);
    expect(run.stdout).toMatch(
      /^environment +attempts +succeeded +refused +failed +success +median +p95 +last success$/m,
    );
    expect(run.stdout).toMatch(
      /^production +4 +3 +1 +0 +75% +30s +1m 30s +2026-01-04T00:00:00Z \(\d+d \d+h ago\)$/m,
    );
    expect(run.stdout).toMatch(/^staging +1 +0 +0 +1 +0% +- +- +never$/m);
    expect(run.stdout).toContain('production: 1 of 3 successes recorded no duration');
    expect(run.stderr).toContain('line 3 is not a promotion record: skipped');
  });

  it('--json gives the entries and the figures; --environment filters both', async () => {
    const run = await runCli([
      'history',
      '--registry',
      registry,
      '--model',
      'm',
      '--environment',
      'production',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const { entries, stats } = JSON.parse(run.stdout);
    expect(entries).toHaveLength(4);
    expect(stats).toMatchObject({
      skipped: 0,
      historyKeeps: 'every-promotion',
      environments: [
        {
          environment: 'production',
          attempts: 4,
          succeeded: 3,
          refused: 1,
          failed: 0,
          successRate: 0.75,
          medianSeconds: 30,
          p95Seconds: 90,
          succeededWithoutDuration: 1,
          lastSuccess: '2026-01-04T00:00:00Z',
        },
      ],
    });
    expect(stats.environments[0].sinceLastSuccessSeconds).toBeGreaterThan(0);
  });

  it('an environment with no promotions: no entries, no figures', async () => {
    const text = await runCli(['history', '--registry', registry, '--model', 'm', '--environment', 'dev']);
    expect(text.stdout).toBe('m: no promotions recorded\n');
    const json = await runCli([
      'history',
      '--registry',
      registry,
      '--model',
      'm',
      '--environment',
      'dev',
      '--json',
    ]);
    expect(JSON.parse(json.stdout)).toEqual({
      entries: [],
      stats: { environments: [], skipped: 0, historyKeeps: 'every-promotion' },
    });
  });
});
