import { describe, expect, it } from '@jest/globals';
import { silentLogger } from '../../logger.js';
import {
  backoffDelay,
  isNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  TransientFailure,
  withRetry,
} from './retry.js';

const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000, random: () => 1 };

describe('backoff', () => {
  it.each([
    { attempt: 1, delay: 100 },
    { attempt: 2, delay: 200 },
    { attempt: 3, delay: 400 },
    { attempt: 5, delay: 1000 },
  ])('try $attempt waits at most $delay ms', ({ attempt, delay }) => {
    expect(backoffDelay(attempt, policy)).toBe(delay);
    expect(backoffDelay(attempt, { ...policy, random: () => 0 })).toBe(0);
  });

  it('honours Retry-After, capped', () => {
    expect(backoffDelay(1, policy, 700)).toBe(700);
    expect(backoffDelay(1, policy, 60_000)).toBe(1000);
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it.each([
    { status: 408, retry: true },
    { status: 429, retry: true },
    { status: 500, retry: true },
    { status: 503, retry: true },
    { status: 501, retry: false },
    { status: 400, retry: false },
    { status: 404, retry: false },
  ])('status $status retryable: $retry', ({ status, retry }) => {
    expect(isRetryableStatus(status)).toBe(retry);
  });

  it('sees reset connections through causes', () => {
    expect(
      isNetworkError(new Error('x', { cause: Object.assign(new Error('read'), { code: 'ECONNRESET' }) })),
    ).toBe(true);
    expect(isNetworkError(new Error('bad request'))).toBe(false);
  });
});

describe('withRetry', () => {
  it('retries transient failures a bounded number of times', async () => {
    const waits: number[] = [];
    let calls = 0;
    const failing = withRetry(
      'step',
      { ...policy, sleep: async (ms) => void waits.push(ms) },
      silentLogger,
      async () => {
        calls++;
        throw new TransientFailure('503', 503, calls === 1 ? 5 : undefined);
      },
    );
    await expect(failing).rejects.toThrow('503');
    expect(calls).toBe(4);
    expect(waits).toEqual([5, 200, 400]);
  });

  it('does not retry what is not transient', async () => {
    let calls = 0;
    await expect(
      withRetry('step', policy, silentLogger, async () => {
        calls++;
        throw new Error('400');
      }),
    ).rejects.toThrow('400');
    expect(calls).toBe(1);
  });
});
