import { describe, expect, it } from '@jest/globals';
import { percentile, sloBreaches, smokeTest, type SmokeTransport } from './smoke.js';

describe('smoke', () => {
  it('nearest-rank percentiles', () => {
    const v = Array.from({ length: 20 }, (_, i) => i + 1);
    expect([percentile(v, 50), percentile(v, 95), percentile([], 50)]).toEqual([10, 19, 0]);
  });
  it('SLO breaches', () => {
    expect(sloBreaches(10, 50, { p50Ms: 20, p95Ms: 40 })).toEqual(['p95 50.0 ms > 40 ms']);
    expect(sloBreaches(10, 50, undefined)).toEqual([]);
  });
  it('health, then one inference, then N timed requests', async () => {
    const calls: string[] = [];
    const transport: SmokeTransport = async (method, path) => {
      calls.push(`${method} ${path}`);
      return { status: 200, body: method === 'GET' ? '{}' : '{"label":"positive","score":0.9}' };
    };
    const result = await smokeTest(transport, {
      namespace: 'n',
      service: 's',
      healthPath: '/healthz',
      inferencePath: '/v1/predict',
      inputExample: { text: 'x' },
      requests: 3,
    });
    expect(calls).toEqual([
      'GET /healthz',
      'POST /v1/predict',
      'POST /v1/predict',
      'POST /v1/predict',
      'POST /v1/predict',
    ]);
    expect(result.reply).toEqual({ label: 'positive', score: 0.9 });
  });
  it('a failing inference is smoke-failed', async () => {
    const transport: SmokeTransport = async (method) => ({
      status: method === 'GET' ? 200 : 500,
      body: 'boom',
    });
    await expect(
      smokeTest(transport, {
        namespace: 'n',
        service: 's',
        healthPath: '/h',
        inferencePath: '/p',
        inputExample: {},
      }),
    ).rejects.toMatchObject({ code: 'smoke-failed' });
  });
});
