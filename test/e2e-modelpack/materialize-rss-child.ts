/**
 * Child process of materialize-rss.test.ts: streams one generated file of SIZE MiB, packed as a
 * ModelPack tar layer, through fileFromLayer and DownloadCache.materialize into CACHE, then prints
 * {"maxRssBytes", "sha256", "bytes"} as JSON. Nothing is held in memory but the current chunk.
 */
import { createHash } from 'node:crypto';
import tar from 'tar-stream';
import { silentLogger } from '../../src/logger.js';
import { DownloadCache } from '../../src/registry/download-cache.js';
import { fileFromLayer } from '../../src/registry/modelpack-layer.js';

const [cacheRoot, sizeMiB] = process.argv.slice(2);
const MiB = 1024 * 1024;
const size = Number(sizeMiB) * MiB;
const expected = createHash('sha256');

function layer(): AsyncIterable<Uint8Array> {
  const pack = tar.pack();
  const entry = pack.entry({ name: 'big.bin', size, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 });
  void (async () => {
    for (let i = 0; i < size / MiB; i++) {
      const chunk = Buffer.alloc(MiB, i % 251);
      expected.update(chunk);
      if (!entry.write(chunk)) await new Promise<void>((resolve) => entry.once('drain', () => resolve()));
    }
    entry.end(() => undefined);
    pack.finalize();
  })();
  return pack as unknown as AsyncIterable<Uint8Array>;
}

const cache = new DownloadCache(cacheRoot!);
const result = await cache.materialize(
  'rss',
  [{ path: 'big.bin', size, open: async () => fileFromLayer(layer(), 'tar', 'big.bin', 'rss layer') }],
  { logger: silentLogger, label: 'rss' },
);
process.stdout.write(
  JSON.stringify({
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    bytes: result.downloadedBytes,
    sha256: result.hashed.get('big.bin'),
    expected: expected.digest('hex'),
  }),
);
