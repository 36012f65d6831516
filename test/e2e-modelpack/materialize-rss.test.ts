/**
 * Bounded memory: a 256 MiB file streamed through a tar layer into the download cache, in a child
 * process whose peak RSS (getrusage) must stay under 200 MiB — the file is never buffered.
 */
import { afterAll, expect, it } from '@jest/globals';
import { chmod, readdir } from 'node:fs/promises';
import path from 'node:path';
import { execFileAsync, REPO, TempDirs } from '../e2e/helpers.js';

const temp = new TempDirs();
afterAll(() => temp.cleanup());

it('materializes a 256 MiB file with peak RSS under 200 MiB', async () => {
  const root = await temp.make('mp-rss-');
  const { stdout } = await execFileAsync(
    path.join(REPO, 'node_modules/.bin/tsx'),
    [path.join(REPO, 'test/e2e-modelpack/materialize-rss-child.ts'), root, '256'],
    { cwd: REPO, maxBuffer: 1024 * 1024 },
  );
  const result = JSON.parse(stdout) as {
    maxRssBytes: number;
    bytes: number;
    sha256: string;
    expected: string;
  };
  expect(result.bytes).toBe(256 * 1024 * 1024);
  expect(result.sha256).toBe(result.expected);
  expect(result.maxRssBytes).toBeLessThan(200 * 1024 * 1024);
  // Blobs are read-only: make them removable.
  for (const name of await readdir(path.join(root, 'blobs/sha256')))
    await chmod(path.join(root, 'blobs/sha256', name), 0o644);
}, 120_000);
