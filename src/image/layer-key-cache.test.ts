import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryLogger } from '../logger.js';
import { LAYER_DIGESTS_FILE, LayerKeyCache } from './layer-key-cache.js';
import { tempDir } from '../../test/image/image-fixtures.js';

const key = (n: number) => n.toString(16).padStart(64, '0');
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, 'f')}`;

let work: string;
beforeAll(async () => {
  work = await tempDir('layer-key-cache');
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('LayerKeyCache', () => {
  it('remembers entries across instances, in a JSON file in the folder', async () => {
    const folder = join(work, 'roundtrip', 'nested');
    const cache = new LayerKeyCache(folder);
    expect(await cache.get(key(1))).toBeUndefined();
    await Promise.all([
      cache.set(key(1), { digest: digest(1), size: 10 }),
      cache.set(key(2), { digest: digest(2), size: 20 }),
    ]);
    const again = new LayerKeyCache(folder);
    expect(await again.get(key(1))).toEqual({ digest: digest(1), size: 10 });
    expect(await again.get(key(2))).toEqual({ digest: digest(2), size: 20 });
    expect(JSON.parse(await readFile(join(folder, LAYER_DIGESTS_FILE), 'utf8'))).toMatchObject({
      version: 1,
    });
  });

  it('drops the oldest entries past maxEntries', async () => {
    const folder = join(work, 'evict');
    const cache = new LayerKeyCache(folder, { maxEntries: 2 });
    for (const n of [1, 2, 3]) await cache.set(key(n), { digest: digest(n), size: n });
    const again = new LayerKeyCache(folder);
    expect(await again.get(key(1))).toBeUndefined();
    expect(await again.get(key(3))).toEqual({ digest: digest(3), size: 3 });
  });

  it.each([
    { name: 'not JSON', text: '{"version":1,' },
    { name: 'another version', text: JSON.stringify({ version: 2, layers: {} }) },
    {
      name: 'a bad digest',
      text: JSON.stringify({ version: 1, layers: { [key(1)]: { digest: 'md5:x', size: 1 } } }),
    },
    {
      name: 'a bad size',
      text: JSON.stringify({ version: 1, layers: { [key(1)]: { digest: digest(1), size: -1 } } }),
    },
    {
      name: 'a bad key',
      text: JSON.stringify({ version: 1, layers: { nope: { digest: digest(1), size: 1 } } }),
    },
  ])('reads a file with $name as no entry', async ({ name, text }) => {
    const folder = join(work, `bad-${name.replace(/\W/g, '-')}`);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, LAYER_DIGESTS_FILE), text);
    const cache = new LayerKeyCache(folder);
    expect(await cache.get(key(1))).toBeUndefined();
    expect(await cache.get('nope')).toBeUndefined();
  });

  it('warns and goes on when the file cannot be written', async () => {
    const blocker = join(work, 'a-file');
    await writeFile(blocker, 'not a folder');
    const logger = new MemoryLogger();
    const cache = new LayerKeyCache(join(blocker, 'cache'), { logger });
    await cache.set(key(1), { digest: digest(1), size: 1 });
    expect(logger.lines.some((l) => l.includes('could not remember layer digests'))).toBe(true);
    // Still remembered for the rest of this run.
    expect(await cache.get(key(1))).toEqual({ digest: digest(1), size: 1 });
  });
});
