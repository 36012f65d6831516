/** Inputs, records and runs for the GitHub reporter tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parsePromotionInputs, type InputName, type PromotionInputs } from '../../src/inputs.js';
import { MemoryLogger } from '../../src/logger.js';
import type { PromotionRecord, PromotionStatus } from '../../src/report/promotion-record.js';

export const SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';

export function inputs(values: Partial<Record<InputName, string>> = {}): PromotionInputs {
  const given: Partial<Record<InputName, string>> = {
    registry: 'examples/registry',
    model: 'sentiment',
    version: 'champion',
    environment: 'production',
    catalog: 'examples/catalog.yaml',
    'github-token': 'ghs_test',
    ...values,
  };
  return parsePromotionInputs((name) => given[name], {});
}

export function record(status: PromotionStatus, overrides: Partial<PromotionRecord> = {}): PromotionRecord {
  return {
    schemaVersion: 1,
    promotionId: 'p-1',
    tool: { name: 'model-promote', version: '0.1.0' },
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:00:05.000Z',
    status,
    dryRun: status === 'planned',
    request: {
      registry: 'examples/registry',
      model: 'sentiment',
      version: 'champion',
      environment: 'production',
      catalog: 'examples/catalog.yaml',
      output: 'out/model-promote',
    },
    model: {
      name: 'sentiment',
      version: '2',
      requested: 'champion',
      aliases: ['champion'],
      labels: {},
      digest: `sha256:${'a'.repeat(64)}`,
      files: 3,
      bytes: 1024,
    },
    environment: {
      name: 'production',
      pool: 'gpu-a100-80g',
      endpoint: 'https://sentiment.models.example.com',
      explanation: [],
    },
    ...(status === 'succeeded' && {
      image: {
        reference: `oci-layout:out@sha256:${'b'.repeat(64)}`,
        digest: `sha256:${'b'.repeat(64)}`,
        base: 'base',
        layers: [],
      },
    }),
    ...(status === 'refused' && {
      error: {
        kind: 'refused',
        code: 'signature-mismatch',
        message: 'vocab.txt does not match its signed digest',
      },
    }),
    ...(status === 'failed' && {
      error: { kind: 'failed', code: 'rollout-timeout', message: 'rollout did not finish' },
    }),
    stages: [],
    ...overrides,
  } as PromotionRecord;
}

/** GITHUB_* variables of a run, with its event payload written to a file. */
export function runEnv(
  apiUrl: string,
  event: { name: string; payload?: Record<string, unknown>; ref?: string },
): NodeJS.ProcessEnv {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'model-promote-event-'));
  const eventPath = path.join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(event.payload ?? {}));
  return {
    GITHUB_REPOSITORY: 'octo-org/models',
    GITHUB_SHA: SHA,
    GITHUB_REF: event.ref ?? 'refs/heads/main',
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_API_URL: apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '42',
    GITHUB_RUN_ATTEMPT: '1',
  };
}

export const pullRequestEvent = (number: number) => ({
  name: 'pull_request',
  ref: `refs/pull/${number}/merge`,
  payload: { number, pull_request: { number, head: { sha: SHA } } },
});

/** Client settings that keep tests fast: no spacing between writes, retry-after in milliseconds. */
export const FAST = { spaceWrites: false, retryAfterUnitMs: 1 } as const;

export const logger = () => new MemoryLogger();
