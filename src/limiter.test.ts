import { describe, expect, it } from '@jest/globals';
import { Limiter, mapLimited } from './limiter.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Limiter', () => {
  it('runs at most `limit` tasks at once', async () => {
    const limiter = new Limiter(2);
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        limiter.run(async () => {
          most = Math.max(most, ++running);
          await tick();
          running--;
        }),
      ),
    );
    expect(most).toBe(2);
  });
});

describe('mapLimited', () => {
  it('keeps the items order whatever finishes first', async () => {
    const delays = [3, 0, 2, 1];
    const out = await mapLimited(delays, 2, async (d, i) => {
      for (let n = 0; n < d; n++) await tick();
      return i;
    });
    expect(out).toEqual([0, 1, 2, 3]);
  });

  it('starts nothing after a failure, waits for the running items, throws the first failure', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = mapLimited([0, 1, 2, 3, 4], 2, async (i) => {
      started.push(i);
      if (i === 0) throw new Error('item 0 broke');
      for (let n = 0; n < 3; n++) await tick();
      finished.push(i);
      return i;
    });
    await expect(run).rejects.toThrow('item 0 broke');
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([1]); // the running item was waited for
  });
});
