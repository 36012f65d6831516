import { describe, expect, it } from '@jest/globals';
import { PromotionError } from '../errors.js';
import { MemoryLogger } from '../logger.js';
import type { PromotionRecord } from './promotion-record.js';
import { StageRunner } from './stage-runner.js';

function setup() {
  const record = { stages: [] } as unknown as PromotionRecord;
  const logger = new MemoryLogger();
  const groups: string[] = [];
  const runner = new StageRunner(
    record,
    logger,
    () => new Date('2025-01-01T00:00:00Z'),
    async (name, work) => {
      groups.push(name);
      return work();
    },
  );
  return { record, logger, groups, runner };
}

describe('StageRunner', () => {
  it('records an ok stage with its detail, logs the detail, and runs it in a group', async () => {
    const { record, logger, groups, runner } = setup();
    expect(
      await runner.run(
        'fetch',
        async () => 41 + 1,
        (n) => `got ${n}`,
      ),
    ).toBe(42);
    expect(record.stages).toEqual([
      {
        name: 'fetch',
        startedAt: '2025-01-01T00:00:00.000Z',
        durationMs: expect.any(Number),
        outcome: 'ok',
        detail: 'got 42',
      },
    ]);
    expect(logger.lines).toEqual(['fetch: got 42']);
    expect(groups).toEqual(['fetch']);
  });

  it("logs the stage's lines and its detail inside its group, in order", async () => {
    const record = { stages: [] } as unknown as PromotionRecord;
    const log: string[] = [];
    const logger = { info: (m: string) => log.push(m), warn: (m: string) => log.push(m), debug() {} };
    const runner = new StageRunner(record, logger, undefined, async (name, work) => {
      log.push(`open ${name}`);
      try {
        return await work();
      } finally {
        log.push(`close ${name}`);
      }
    });
    await runner.run(
      'verify',
      async () => {
        log.push('hashing');
        return 4;
      },
      (n) => `${n} files`,
    );
    expect(log).toEqual(['open verify', 'hashing', 'verify: 4 files', 'close verify']);
  });

  it('records no detail when none is given', async () => {
    const { record, runner } = setup();
    await runner.run('plan', async () => undefined);
    expect(record.stages[0]).not.toHaveProperty('detail');
  });

  it.each([
    {
      name: 'refused',
      thrown: new PromotionError('refused', 'bad-signature', 'no'),
      outcome: 'refused',
      detail: 'bad-signature',
    },
    { name: 'failed', thrown: new PromotionError('failed', 'io', 'broke'), outcome: 'failed', detail: 'io' },
    {
      name: 'usage',
      thrown: new PromotionError('usage', 'invalid-catalog', 'bad'),
      outcome: 'failed',
      detail: 'invalid-catalog',
    },
    { name: 'a plain Error', thrown: new Error('boom'), outcome: 'failed', detail: 'internal' },
    { name: 'a thrown string', thrown: 'boom', outcome: 'failed', detail: 'internal' },
  ])(
    'a stage that throws $name is $outcome, and the error travels on as a PromotionError',
    async ({ thrown, outcome, detail }) => {
      const { record, runner } = setup();
      const error = await runner
        .run('verify', async () => {
          throw thrown;
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PromotionError);
      if (thrown instanceof PromotionError) expect(error).toBe(thrown);
      expect(record.stages).toEqual([expect.objectContaining({ name: 'verify', outcome, detail })]);
    },
  );

  it('skip records a skipped stage', () => {
    const { record, runner } = setup();
    runner.skip('deploy', 'no kubeconfig');
    expect(record.stages).toEqual([
      {
        name: 'deploy',
        startedAt: '2025-01-01T00:00:00.000Z',
        durationMs: 0,
        outcome: 'skipped',
        detail: 'no kubeconfig',
      },
    ]);
  });
});
