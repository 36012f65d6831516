import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryLogger } from '../logger.js';
import { refreshPublicGoodRoot } from './public-good-root.js';

describe('refreshPublicGoodRoot', () => {
  let cachePath: string;
  beforeAll(async () => {
    cachePath = await mkdtemp(path.join(tmpdir(), 'tuf-cache-'));
  });
  afterAll(() => rm(cachePath, { recursive: true, force: true }));

  it('does not touch the network when MODEL_PROMOTE_OFFLINE=1', async () => {
    const logger = new MemoryLogger();
    const root = await refreshPublicGoodRoot({
      logger,
      env: { MODEL_PROMOTE_OFFLINE: '1' },
      mirrorURL: 'http://127.0.0.1:9', // would fail loudly if asked
      cachePath,
    });
    expect(root).toBeUndefined();
    expect(logger.lines).toEqual([expect.stringContaining('MODEL_PROMOTE_OFFLINE=1')]);
  });

  it('falls back to the shipped root, with one line saying why, when the mirror cannot be reached', async () => {
    // A port that was free a moment ago: connections to it are refused at once.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const logger = new MemoryLogger();
    const root = await refreshPublicGoodRoot({
      logger,
      env: {},
      mirrorURL: `http://127.0.0.1:${port}`,
      cachePath,
      timeoutMs: 2000,
    });
    expect(root).toBeUndefined();
    expect(logger.lines).toEqual([
      expect.stringMatching(/^Sigstore trusted root: TUF refresh failed \(.+\); using the copy shipped/),
    ]);
  });
});
