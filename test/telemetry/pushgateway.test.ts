/**
 * The Pushgateway reporter against Debian's real prometheus-pushgateway: what it accepts and what
 * GET /metrics then serves.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryLogger } from '../../src/logger.js';
import { pushgatewayReporter, TelemetryError } from '../../src/report/telemetry-pushgateway.js';
import { freePort } from '../registry/registry-server.js';
import { startPushgateway, type TestPushgateway } from './pushgateway-server.js';
import { promotionRecord } from './record-fixture.js';

/** The value of one sample in GET /metrics, found by its name and labels (any order). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...match[2]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('pushgatewayReporter with prometheus-pushgateway', () => {
  let gateway: TestPushgateway;
  beforeAll(async () => {
    gateway = await startPushgateway();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  const group = { job: 'model_promote', model: 'sentiment', environment: 'production' };

  it('pushes a success: result, stage durations, info, last success', async () => {
    const logger = new MemoryLogger();
    await pushgatewayReporter(`${gateway.url}/`, logger).finished(promotionRecord(), '');
    const text = await gateway.metrics();
    expect(sample(text, 'model_promote_last_result', { ...group, result: 'succeeded' })).toBe(1);
    expect(sample(text, 'model_promote_last_result', { ...group, result: 'refused' })).toBe(0);
    expect(
      sample(text, 'model_promote_stage_duration_seconds', { ...group, stage: 'verify', outcome: 'ok' }),
    ).toBe(1.5);
    expect(sample(text, 'model_promote_duration_seconds', group)).toBe(2.5);
    expect(sample(text, 'model_promote_last_success_timestamp_seconds', group)).toBe(1767323047.5);
    expect(sample(text, 'model_promote_info', { ...group, version: '2', pool: 'gpu-a100-80g' })).toBe(1);
    expect(sample(text, 'push_time_seconds', group)).toBeGreaterThan(0);
    expect(logger.lines.join('\n')).toContain('metrics pushed');
  });

  it('a later refusal replaces the result and stages but keeps the last success', async () => {
    const refused = promotionRecord({
      status: 'refused',
      finishedAt: '2026-01-03T00:00:00.000Z',
      stages: [
        { name: 'verify', startedAt: '2026-01-03T00:00:00.000Z', durationMs: 250, outcome: 'refused' },
      ],
    });
    await pushgatewayReporter(gateway.url, new MemoryLogger()).finished(refused, '');
    const text = await gateway.metrics();
    expect(sample(text, 'model_promote_last_result', { ...group, result: 'refused' })).toBe(1);
    expect(sample(text, 'model_promote_last_result', { ...group, result: 'succeeded' })).toBe(0);
    expect(
      sample(text, 'model_promote_stage_duration_seconds', { ...group, stage: 'verify', outcome: 'refused' }),
    ).toBe(0.25);
    expect(
      sample(text, 'model_promote_stage_duration_seconds', { ...group, stage: 'build', outcome: 'ok' }),
    ).toBeUndefined();
    expect(sample(text, 'model_promote_last_success_timestamp_seconds', group)).toBe(1767323047.5);
    expect(sample(text, 'model_promote_last_run_timestamp_seconds', group)).toBe(1767398400);
  });

  it('groups by model and environment, base64-encoding what is not a path segment', async () => {
    const record = promotionRecord({
      request: { ...promotionRecord().request, model: 'org/bert base', environment: 'staging' },
      ...{
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
      },
    });
    await pushgatewayReporter(gateway.url, new MemoryLogger()).finished(record, '');
    const text = await gateway.metrics();
    const other = { job: 'model_promote', model: 'org/bert base', environment: 'staging' };
    expect(sample(text, 'model_promote_last_result', { ...other, result: 'succeeded' })).toBe(1);
    expect(sample(text, 'model_promote_smoke_latency_seconds', { ...other, quantile: '0.95' })).toBe(0.04);
    // the first group is untouched
    expect(sample(text, 'model_promote_last_result', { ...group, result: 'refused' })).toBe(1);
  });

  it("pushes the environment's figures; a push without them keeps the last ones", async () => {
    const request = { ...promotionRecord().request, model: 'churn' };
    const history = {
      environment: 'production',
      attempts: 5,
      succeeded: 4,
      refused: 0,
      failed: 1,
      successRate: 0.8,
      medianSeconds: 42.5,
      p95Seconds: 300,
      succeededWithoutDuration: 2,
      lastSuccess: '2026-01-02T03:04:07.500Z',
      sinceLastSuccessSeconds: 0,
    };
    await pushgatewayReporter(gateway.url, new MemoryLogger()).finished(
      promotionRecord({ request, history }),
      '',
    );
    // A later promotion that stopped before its plan wrote no history: it has no figures.
    const stopped = promotionRecord({ request, status: 'failed', finishedAt: '2026-01-03T00:00:00.000Z' });
    await pushgatewayReporter(gateway.url, new MemoryLogger()).finished(stopped, '');
    const text = await gateway.metrics();
    const churn = { ...group, model: 'churn' };
    expect(sample(text, 'model_promote_last_result', { ...churn, result: 'failed' })).toBe(1);
    expect(sample(text, 'model_promote_history_success_ratio', churn)).toBe(0.8);
    expect(sample(text, 'model_promote_history_promotions', { ...churn, result: 'failed' })).toBe(1);
    expect(sample(text, 'model_promote_history_duration_seconds', { ...churn, quantile: '0.5' })).toBe(42.5);
    expect(sample(text, 'model_promote_history_duration_seconds', { ...churn, quantile: '0.95' })).toBe(300);
    expect(sample(text, 'model_promote_history_since_last_success_seconds', churn)).toBe(0);
    expect(text).toContain('# TYPE model_promote_history_success_ratio gauge');
  });

  it('fails with a code when nothing listens', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const push = pushgatewayReporter(url, new MemoryLogger()).finished(promotionRecord(), '');
    await expect(push).rejects.toBeInstanceOf(TelemetryError);
    await expect(push).rejects.toMatchObject({ code: 'pushgateway-unreachable' });
  });

  it('fails with a code and a hint when the URL is not the Pushgateway root', async () => {
    const push = pushgatewayReporter(`${gateway.url}/nope`, new MemoryLogger()).finished(
      promotionRecord(),
      '',
    );
    await expect(push).rejects.toMatchObject({ code: 'pushgateway-refused' });
  });
});
