import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { YOUNG_GENERATION_FLAG, youngGenerationFlag } from './young-generation.js';

const run = promisify(execFile);
const MODULE = path.join(import.meta.dirname, 'young-generation.ts');

describe('youngGenerationFlag', () => {
  it.each([
    { name: 'no flags', execArgv: [], nodeOptions: undefined, flag: YOUNG_GENERATION_FLAG },
    {
      name: 'unrelated flags',
      execArgv: ['--enable-source-maps'],
      nodeOptions: '--max-old-space-size=512',
      flag: YOUNG_GENERATION_FLAG,
    },
    {
      name: 'semi-space size on the command line',
      execArgv: ['--max-semi-space-size=64'],
      nodeOptions: undefined,
      flag: undefined,
    },
    {
      name: 'semi-space size in NODE_OPTIONS',
      execArgv: [],
      nodeOptions: '--trace-gc  --max-semi-space-size=2',
      flag: undefined,
    },
    { name: 'underscore spelling', execArgv: [], nodeOptions: '--min_semi_space_size=1', flag: undefined },
    {
      name: 'growth factor given',
      execArgv: ['--semi-space-growth-factor', '4'],
      nodeOptions: '',
      flag: undefined,
    },
    {
      name: 'a longer flag that only starts alike',
      execArgv: ['--max-semi-space-sizes=1'],
      nodeOptions: undefined,
      flag: YOUNG_GENERATION_FLAG,
    },
  ])('$name', ({ execArgv, nodeOptions, flag }) => {
    expect(youngGenerationFlag(execArgv, nodeOptions)).toBe(flag);
  });
});

/**
 * The young generation's size after a burst of short-lived allocations, in a fresh node (this
 * module's TypeScript run by node's type stripping), with or without keepYoungGenerationSmall.
 */
async function newSpaceAfterBurst(keepSmall: boolean): Promise<number> {
  const script = `
    import v8 from 'node:v8';
    const { keepYoungGenerationSmall } = await import(${JSON.stringify(pathToFileURL(MODULE).href)});
    if (${keepSmall}) keepYoungGenerationSmall();
    let live = [];
    for (let i = 0; i < 3e6; i++) {
      live.push({ i });
      if (live.length > 20000) live = [];
    }
    const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(space.space_size));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return Number(stdout);
}

describe('keepYoungGenerationSmall', () => {
  it('stops V8 growing the young generation, which it otherwise grows under the same load', async () => {
    const [grown, kept] = await Promise.all([newSpaceAfterBurst(false), newSpaceAfterBurst(true)]);
    // The control proves the burst grows it (to V8's 16 MiB semi-spaces on 64-bit); held, it stays
    // at a few MiB whatever V8's starting size.
    expect(grown).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect(kept).toBeLessThanOrEqual(2 * 1024 * 1024);
  }, 30_000);
});
