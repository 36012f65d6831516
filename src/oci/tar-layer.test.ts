import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import tar from 'tar-stream';
import { packLayer, type TarLayer } from './tar-layer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tar-layer-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Reads a tar stream the way a sink does (done with each chunk before the next), copying it out. */
async function drain(
  stream: AsyncIterable<Uint8Array>,
): Promise<{ tarBytes: Buffer; memories: number; chunks: number }> {
  const parts: Buffer[] = [];
  const memories = new Set<ArrayBufferLike>();
  let chunks = 0;
  for await (const chunk of stream) {
    parts.push(Buffer.from(chunk));
    memories.add(chunk.buffer);
    chunks++;
  }
  return { tarBytes: Buffer.concat(parts), memories: memories.size, chunks };
}

async function extract(tarBytes: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extractor = tar.extract();
  const finished = new Promise<void>((resolve, reject) => {
    extractor.on('entry', (header, body, next) => {
      const parts: Buffer[] = [];
      body.on('data', (part: unknown) => void parts.push(Buffer.from(part as Uint8Array)));
      body.on('end', () => {
        files.set(header.name, Buffer.concat(parts));
        next();
      });
    });
    extractor.on('finish', resolve);
    extractor.on('error', reject);
  });
  extractor.end(tarBytes);
  await finished;
  return files;
}

const layerOf = (...files: [string, number][]): TarLayer => ({
  entries: files.map(([name, size]) => ({ kind: 'file', name, file: { path: name, size } })),
});

describe('packLayer', () => {
  it('reuses a few read buffers for a large file, and every byte arrives intact', async () => {
    const big = randomBytes(5 * 1024 * 1024 + 123);
    const small = randomBytes(1000);
    await writeFile(path.join(dir, 'big.bin'), big);
    await writeFile(path.join(dir, 'small.bin'), small);
    const { stream, done } = packLayer(layerOf(['big.bin', big.length], ['small.bin', small.length]), {
      directory: dir,
      sourceDateEpoch: 0,
    });
    const { tarBytes, memories, chunks } = await drain(stream);
    await done;
    const files = await extract(tarBytes);
    expect(sha256(files.get('big.bin')!)).toBe(sha256(big));
    expect(sha256(files.get('small.bin')!)).toBe(sha256(small));
    // 21 reads of 256 KiB went through far fewer distinct buffers (headers and padding aside).
    expect(chunks).toBeGreaterThan(21);
    expect(memories).toBeLessThan(chunks / 2);
  });

  it('the same layer packs to the same bytes twice (reuse changes nothing in the output)', async () => {
    const data = randomBytes(3 * 1024 * 1024);
    await writeFile(path.join(dir, 'w.bin'), data);
    const pack = async () => {
      const { stream, done } = packLayer(layerOf(['w.bin', data.length]), {
        directory: dir,
        sourceDateEpoch: 0,
      });
      const { tarBytes } = await drain(stream);
      await done;
      return sha256(tarBytes);
    };
    expect(await pack()).toBe(await pack());
  });

  it('refuses a file that shrank or grew after verification, naming it', async () => {
    const data = randomBytes(600 * 1024);
    await writeFile(path.join(dir, 'w.bin'), data);
    const refused = async (size: number, problem: RegExp) => {
      const { stream, done } = packLayer(layerOf(['w.bin', size]), { directory: dir, sourceDateEpoch: 0 });
      const drained = drain(stream).catch(() => undefined);
      await expect(done).rejects.toThrow(problem);
      await drained;
    };
    await refused(data.length + 10, /model file w\.bin has only 614400 of the 614410 verified bytes/);
    await refused(data.length - 10, /model file w\.bin grew beyond the 614390 verified bytes/);
    await truncate(path.join(dir, 'w.bin'), 0);
    await refused(data.length, /model file w\.bin has only 0 of the 614400 verified bytes/);
  });
});
