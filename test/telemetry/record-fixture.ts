/** A promotion record as the pipeline writes it, for the telemetry tests. */
import type { PromotionRecord } from '../../src/report/promotion-record.js';

export function promotionRecord(overrides: Partial<PromotionRecord> = {}): PromotionRecord {
  return {
    schemaVersion: 1,
    promotionId: 'p-1',
    tool: { name: 'model-promote', version: '0.1.0' },
    startedAt: '2026-01-02T03:04:05.000Z',
    finishedAt: '2026-01-02T03:04:07.500Z',
    status: 'succeeded',
    dryRun: false,
    request: {
      registry: 'examples/registry',
      model: 'sentiment',
      version: 'champion',
      environment: 'production',
      catalog: 'examples/catalog.yaml',
      output: 'out/x',
    },
    model: {
      name: 'sentiment',
      version: '2',
      requested: 'champion',
      aliases: ['champion'],
      labels: {},
      digest: 'sha256:aa',
      files: 3,
      bytes: 10,
    },
    environment: {
      name: 'production',
      pool: 'gpu-a100-80g',
      explanation: [],
      endpoint: 'https://models.example.com/',
    },
    image: {
      reference: 'oci-layout:out/x/image@sha256:bb',
      digest: 'sha256:bb',
      base: 'scratch',
      layers: [],
    },
    stages: [
      { name: 'fetch', startedAt: '2026-01-02T03:04:05.000Z', durationMs: 120, outcome: 'ok' },
      { name: 'verify', startedAt: '2026-01-02T03:04:05.120Z', durationMs: 1500, outcome: 'ok' },
      { name: 'build', startedAt: '2026-01-02T03:04:06.620Z', durationMs: 880, outcome: 'ok' },
    ],
    ...overrides,
  };
}
