import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashPool } from './hash-pool.js';

let dir: string;
const data = randomBytes(3 * 1024 * 1024 + 7);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hash-pool-'));
  await writeFile(join(dir, 'data'), data);
  await mkdir(join(dir, 'folder'));
  await symlink(join(dir, 'data'), join(dir, 'link'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('HashPool', () => {
  it('hashes many ranges on a few workers, and counts every byte', async () => {
    let bytes = 0;
    const pool = new HashPool({ workers: 2, blockSize: 64 * 1024, onBytes: (n) => (bytes += n) });
    const ranges = [
      [0, data.length],
      [0, 1],
      [1_000_000, 2_500_000],
      [data.length - 7, data.length],
      [5, 5 + 64 * 1024],
    ] as const;
    try {
      const results = await Promise.all([
        ...ranges.map(([start, end]) =>
          pool.hash({ path: join(dir, 'data'), algorithm: 'sha256', start, end }),
        ),
        pool.hash({ path: join(dir, 'data'), algorithm: 'sha256', start: 0 }),
      ]);
      expect(results).toEqual([
        ...ranges.map(([start, end]) => ({ digest: sha(data.subarray(start, end)), length: end - start })),
        { digest: sha(data), length: data.length },
      ]);
      expect(bytes).toBe(ranges.reduce((sum, [s, e]) => sum + e - s, 0) + data.length);
    } finally {
      await pool.close();
    }
  });

  it.each([
    { label: 'a vanished file', job: { path: 'missing' }, code: 'file-unreadable', text: 'ENOENT' },
    { label: 'a folder', job: { path: 'folder' }, code: 'model-changed', text: 'not a regular file' },
    {
      label: 'a file shorter than the shard',
      job: { path: 'data', end: data.length + 10 },
      code: 'model-changed',
      text: 'the file ended',
    },
    {
      label: 'a symlink when links are refused',
      job: { path: 'link', noFollow: true },
      code: 'model-changed',
      text: 'ELOOP',
    },
  ])('names the file on $label ($code), and keeps working', async ({ job, code, text }) => {
    const pool = new HashPool({ workers: 1 });
    try {
      const path = join(dir, job.path);
      await expect(
        pool.hash({ algorithm: 'sha256', start: 0, ...job, path, label: `model/${job.path}` }),
      ).rejects.toMatchObject({
        code,
        message: expect.stringMatching(new RegExp(`model/${job.path}.*${text}`)),
      });
      await expect(
        pool.hash({ path: join(dir, 'data'), algorithm: 'sha256', start: 0, end: 10 }),
      ).resolves.toEqual({
        digest: sha(data.subarray(0, 10)),
        length: 10,
      });
    } finally {
      await pool.close();
    }
  });

  it('a worker that dies fails its job with hash-worker-failed', async () => {
    const pool = new HashPool({ workers: 1 });
    try {
      await expect(
        pool.hash({ path: join(dir, 'data'), algorithm: 'no-such-hash', start: 0 }),
      ).rejects.toMatchObject({
        code: 'file-unreadable',
      });
      // The worker survived a thrown error; now kill it from outside while it works.
      const job = pool.hash({ path: join(dir, 'data'), algorithm: 'sha256', start: 0 });
      const slots = (pool as unknown as { slots: { worker: { emit(e: string, v: unknown): void } }[] }).slots;
      slots[0]!.worker.emit('error', new Error('out of memory'));
      await expect(job).rejects.toMatchObject({
        code: 'hash-worker-failed',
        message: expect.stringContaining('out of memory'),
      });
      await expect(
        pool.hash({ path: join(dir, 'data'), algorithm: 'sha256', start: 0, end: 1 }),
      ).resolves.toMatchObject({ length: 1 });
    } finally {
      await pool.close();
    }
  });

  it('aborting rejects running and queued jobs, and later ones', async () => {
    const controller = new AbortController();
    const pool = new HashPool({ workers: 1, blockSize: 64 * 1024, signal: controller.signal });
    const running = pool.hash({ path: join(dir, 'data'), algorithm: 'sha256', start: 0 });
    const queued = pool.hash({ path: join(dir, 'data'), algorithm: 'sha256', start: 0 });
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'aborted' });
    await expect(queued).rejects.toMatchObject({ code: 'aborted' });
    await expect(pool.hash({ path: join(dir, 'data'), algorithm: 'sha256', start: 0 })).rejects.toMatchObject(
      { code: 'aborted' },
    );
    await pool.close();
  });

  it('closing rejects jobs not done and terminates the workers', async () => {
    const pool = new HashPool({ workers: 2 });
    const job = pool.hash({ path: join(dir, 'data'), algorithm: 'sha256', start: 0 });
    const closing = pool.close();
    await expect(job).rejects.toMatchObject({ code: 'aborted' });
    await closing;
    expect((pool as unknown as { slots: unknown[] }).slots).toHaveLength(0);
  });
});
