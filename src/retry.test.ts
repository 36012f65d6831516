import { describe, expect, it } from '@jest/globals';
import { MemoryLogger, silentLogger } from './logger.js';
import {
  backoffDelay,
  isTransient,
  isRetryableStatus,
  parseRetryAfter,
  RetriesExhausted,
  type RetryPolicy,
  TransientFailure,
  withRetry,
} from './retry.js';

const policy: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  jitter: true,
  random: () => 1,
};
const reset = () => Object.assign(new Error('read'), { code: 'ECONNRESET' });
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('the retry policy', () => {
  it.each([
    { name: 'try 1, full jitter at its top', attempt: 1, delay: 100 },
    { name: 'try 2 doubles', attempt: 2, delay: 200 },
    { name: 'try 3 doubles again', attempt: 3, delay: 400 },
    { name: 'try 5 is capped', attempt: 5, delay: 1000 },
    { name: 'jitter at its bottom', attempt: 3, delay: 0, change: { random: () => 0 } },
    { name: 'jitter halfway', attempt: 3, delay: 200, change: { random: () => 0.5 } },
    {
      name: 'no jitter: the backoff itself',
      attempt: 3,
      delay: 400,
      change: { jitter: false, random: () => 0 },
    },
    { name: 'Retry-After honoured', attempt: 1, delay: 700, retryAfterMs: 700 },
    { name: 'Retry-After of 0', attempt: 3, delay: 0, retryAfterMs: 0 },
    { name: 'Retry-After capped', attempt: 1, delay: 1000, retryAfterMs: 60_000 },
  ])('waits: $name', ({ attempt, delay, change, retryAfterMs }) => {
    expect(backoffDelay(attempt, { ...policy, ...change }, retryAfterMs)).toBe(delay);
  });

  it.each([
    { name: 'delta-seconds', value: '3', ms: 3000 },
    { name: 'delta-seconds with spaces', value: ' 120 ', ms: 120_000 },
    { name: 'an HTTP-date ahead', value: new Date(NOW + 6000).toUTCString(), ms: 6000 },
    { name: 'an HTTP-date past', value: new Date(NOW - 6000).toUTCString(), ms: 0 },
    { name: 'an RFC 850 date', value: 'Thursday, 01-Jan-26 12:00:09 GMT', ms: 9000 },
    { name: 'an asctime date', value: 'Thu Jan  1 12:00:02 2026', ms: 2000 },
    { name: 'a negative number', value: '-5', ms: undefined },
    { name: 'a fraction', value: '1.5', ms: undefined },
    { name: 'words', value: 'soon', ms: undefined },
    { name: 'empty', value: '', ms: undefined },
    { name: 'absent', value: null, ms: undefined },
  ])('reads Retry-After: $name', ({ value, ms }) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  it.each([
    { name: '408', error: new TransientFailure('408', 408), transient: true },
    { name: 'a reset connection', error: reset(), transient: true },
    {
      name: 'a reset connection as a cause',
      error: new Error('fetch failed', { cause: reset() }),
      transient: true,
    },
    { name: 'socket hang up', error: new Error('socket hang up'), transient: true },
    { name: 'a plain error', error: new Error('bad request'), transient: false },
    { name: 'a string', error: 'boom', transient: false },
    {
      name: 'a step whose retries ran out',
      error: new RetriesExhausted('token', 5, reset()),
      transient: false,
    },
  ])('transient: $name is $transient', ({ error, transient }) => {
    expect(isTransient(error)).toBe(transient);
  });

  it.each([
    { status: 408, retry: true },
    { status: 429, retry: true },
    { status: 500, retry: true },
    { status: 503, retry: true },
    { status: 501, retry: false },
    { status: 505, retry: false },
    { status: 400, retry: false },
    { status: 404, retry: false },
    { status: 600, retry: false },
  ])('status $status retryable: $retry', ({ status, retry }) => {
    expect(isRetryableStatus(status)).toBe(retry);
  });
});

describe('withRetry', () => {
  const recorded = () => {
    const waits: number[] = [];
    return { waits, policy: { ...policy, sleep: async (ms: number) => void waits.push(ms) } };
  };

  it('retries transient failures a bounded number of times, then names the cause and the count', async () => {
    const { waits, policy: quick } = recorded();
    const logger = new MemoryLogger();
    let calls = 0;
    const error = await withRetry('pushing x', quick, logger, async () => {
      calls++;
      throw new TransientFailure('503 from host', 503, calls === 1 ? 5 : undefined);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhausted);
    expect((error as RetriesExhausted).message).toBe('pushing x: 503 from host, still failing after 4 tries');
    expect((error as RetriesExhausted).cause).toBeInstanceOf(TransientFailure);
    expect(calls).toBe(4);
    expect(waits).toEqual([5, 200, 400]);
    expect(logger.lines).toEqual([
      'warning: pushing x: 503 from host; try 2 of 4 in 5 ms',
      'warning: pushing x: 503 from host; try 3 of 4 in 200 ms',
      'warning: pushing x: 503 from host; try 4 of 4 in 400 ms',
    ]);
  });

  it('returns what a later try returns', async () => {
    const { policy: quick } = recorded();
    let calls = 0;
    const value = await withRetry('step', quick, silentLogger, async (attempt) => {
      calls++;
      if (attempt < 3) throw reset();
      return attempt;
    });
    expect(value).toBe(3);
    expect(calls).toBe(3);
  });

  it('throws what is not transient as it is, at once', async () => {
    let calls = 0;
    const bad = new Error('400');
    await expect(
      withRetry('step', policy, silentLogger, async () => {
        calls++;
        throw bad;
      }),
    ).rejects.toBe(bad);
    expect(calls).toBe(1);
  });

  it('with one attempt, throws the failure itself', async () => {
    const failure = new TransientFailure('503', 503);
    await expect(
      withRetry('step', { ...policy, attempts: 1 }, silentLogger, () => Promise.reject(failure)),
    ).rejects.toBe(failure);
  });

  it('follows the policy on what is transient', async () => {
    const { policy: quick } = recorded();
    let calls = 0;
    await expect(
      withRetry('step', { ...quick, isTransient: () => true }, silentLogger, async () => {
        calls++;
        throw new Error('anything');
      }),
    ).rejects.toThrow('step: anything, still failing after 4 tries');
    expect(calls).toBe(4);
  });

  it('stops waiting, and trying, when the signal aborts', async () => {
    const controller = new AbortController();
    const failure = new TransientFailure('503', 503);
    let calls = 0;
    const started = performance.now();
    const run = withRetry(
      'step',
      { ...policy, baseDelayMs: 60_000, maxDelayMs: 60_000 },
      silentLogger,
      async () => {
        calls++;
        setTimeout(() => controller.abort(), 10);
        throw failure;
      },
      controller.signal,
    );
    await expect(run).rejects.toBe(failure);
    expect(calls).toBe(1);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
