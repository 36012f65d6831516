import { describe, expect, it } from '@jest/globals';
import { promotionRecord } from '../../test/telemetry/record-fixture.js';
import type { EnvironmentStats } from './history-stats.js';
import { groupingPath, promotionMetrics, renderExposition, smokeLatencyOf } from './telemetry.js';

const HISTORY: EnvironmentStats = {
  environment: 'production',
  attempts: 4,
  succeeded: 3,
  refused: 1,
  failed: 0,
  successRate: 0.75,
  medianSeconds: 40,
  p95Seconds: 95.5,
  succeededWithoutDuration: 1,
  lastSuccess: '2026-01-02T03:04:07.500Z',
  sinceLastSuccessSeconds: 0,
};

const HISTORY_FAMILIES = [
  'model_promote_history_promotions',
  'model_promote_history_success_ratio',
  'model_promote_history_duration_seconds',
  'model_promote_history_since_last_success_seconds',
];

describe('promotionMetrics', () => {
  it('gives the result, durations by stage and what was promoted', () => {
    const text = renderExposition(promotionMetrics(promotionRecord()));
    expect(text).toContain('# TYPE model_promote_last_result gauge\n');
    expect(text).toContain('model_promote_last_result{result="succeeded"} 1\n');
    expect(text).toContain('model_promote_last_result{result="failed"} 0\n');
    expect(text).toContain('model_promote_stage_duration_seconds{stage="verify",outcome="ok"} 1.5\n');
    expect(text).toContain('model_promote_duration_seconds 2.5\n');
    expect(text).toContain('model_promote_last_run_timestamp_seconds 1767323047.5\n');
    expect(text).toContain('model_promote_last_success_timestamp_seconds 1767323047.5\n');
    expect(text).toMatch(/model_promote_info\{version="2",pool="gpu-a100-80g",image_digest="sha256:bb",/);
    expect(text).not.toContain('smoke');
  });

  it('leaves the last success out of a failure, so the Pushgateway keeps the previous one', () => {
    const names = promotionMetrics(promotionRecord({ status: 'refused' })).map((family) => family.name);
    expect(names).not.toContain('model_promote_last_success_timestamp_seconds');
    expect(names).toContain('model_promote_last_result');
  });

  it('adds smoke latency quantiles when the record has them', () => {
    const record = {
      ...promotionRecord(),
      deploy: [
        {
          cluster: 'c',
          namespace: 'n',
          version: '2',
          applied: [],
          rolledBack: false,
          smoke: { p50Ms: 12, p95Ms: 40, requests: 20 },
        },
      ],
    };
    expect(smokeLatencyOf(record)).toEqual({ p50Ms: 12, p95Ms: 40 });
    const text = renderExposition(promotionMetrics(record));
    expect(text).toContain('model_promote_smoke_latency_seconds{quantile="0.5"} 0.012\n');
    expect(text).toContain('model_promote_smoke_latency_seconds{quantile="0.95"} 0.04\n');
  });

  it("carries the environment's figures from the registry's history", () => {
    const text = renderExposition(promotionMetrics(promotionRecord({ history: HISTORY })));
    expect(text).toContain('# TYPE model_promote_history_success_ratio gauge\n');
    expect(text).toContain('model_promote_history_success_ratio 0.75\n');
    expect(text).toContain('model_promote_history_promotions{result="succeeded"} 3\n');
    expect(text).toContain('model_promote_history_promotions{result="refused"} 1\n');
    expect(text).toContain('model_promote_history_promotions{result="failed"} 0\n');
    expect(text).toContain('model_promote_history_duration_seconds{quantile="0.5"} 40\n');
    expect(text).toContain('model_promote_history_duration_seconds{quantile="0.95"} 95.5\n');
    expect(text).toContain('model_promote_history_since_last_success_seconds 0\n');
  });

  it.each([
    { name: 'a record without figures', history: undefined, left: HISTORY_FAMILIES },
    {
      name: 'figures with no success',
      history: {
        ...HISTORY,
        succeeded: 0,
        refused: 4,
        successRate: 0,
        medianSeconds: null,
        p95Seconds: null,
        succeededWithoutDuration: 0,
        lastSuccess: null,
        sinceLastSuccessSeconds: null,
      },
      left: ['model_promote_history_duration_seconds', 'model_promote_history_since_last_success_seconds'],
    },
  ])('$name: what it lacks is left out, so the Pushgateway keeps the previous push', ({ history, left }) => {
    const names = promotionMetrics(promotionRecord(history ? { history } : {})).map((f) => f.name);
    for (const name of HISTORY_FAMILIES) {
      if (left.includes(name)) expect(names).not.toContain(name);
      else expect(names).toContain(name);
    }
  });

  it('escapes label values', () => {
    const record = promotionRecord({
      stages: [
        { name: 'odd "stage"\\\n', startedAt: '2026-01-02T03:04:05.000Z', durationMs: 1, outcome: 'failed' },
      ],
    });
    expect(renderExposition(promotionMetrics(record))).toContain(
      '{stage="odd \\"stage\\"\\\\\\n",outcome="failed"}',
    );
  });
});

describe('groupingPath', () => {
  it.each([
    {
      model: 'sentiment',
      environment: 'production',
      path: '/metrics/job/model_promote/model/sentiment/environment/production',
    },
    {
      model: 'org/bert base',
      environment: 'prod',
      path: `/metrics/job/model_promote/model@base64/${Buffer.from('org/bert base').toString('base64url')}/environment/prod`,
    },
    { model: 'm', environment: '', path: '/metrics/job/model_promote/model/m/environment@base64/=' },
  ])('$model / $environment', ({ model, environment, path }) => {
    expect(groupingPath(model, environment)).toBe(path);
  });
});
