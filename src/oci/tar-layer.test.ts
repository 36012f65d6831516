import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import tar from 'tar-stream';
import { layerTail, packLayer, type TarLayer } from './tar-layer.js';

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

describe('layerTail (a one-file layer resumed at an offset)', () => {
  it.each([
    { name: 'a file not a multiple of 512', size: 70_001 },
    { name: 'a file a multiple of 512', size: 65_536 },
    { name: 'an empty file', size: 0 },
  ])('gives exactly the packed bytes from any offset after the headers: $name', async ({ size }) => {
    const bytes = randomBytes(size);
    const file = { path: 'weights/model.bin', size };
    const layer: TarLayer = {
      entries: [
        { kind: 'directory', name: 'models/' },
        { kind: 'directory', name: 'models/weights/' },
        { kind: 'file', name: 'models/weights/model.bin', file },
      ],
    };
    const { stream } = packLayer(layer, {
      sourceDateEpoch: 0,
      openFile: async () =>
        (async function* () {
          yield bytes;
        })(),
    });
    const { tarBytes } = await drain(stream);
    const contentStart = tarBytes.byteLength - 1024 - ((512 - (size % 512)) % 512) - size;
    const ranges: number[] = [];
    const openFrom = async (_: unknown, start: number) => {
      ranges.push(start);
      return (async function* () {
        yield bytes.subarray(start, start + 1000);
        yield bytes.subarray(start + 1000);
      })();
    };
    for (const offset of [
      contentStart,
      contentStart + 1,
      contentStart + size,
      tarBytes.byteLength - 1,
      tarBytes.byteLength,
    ]) {
      const tail = layerTail(file, offset, tarBytes.byteLength, openFrom);
      expect(tail).toBeDefined();
      expect((await drain(tail!)).tarBytes.equals(tarBytes.subarray(offset))).toBe(true);
    }
    // The headers are not kept: an offset inside them packs the layer again.
    expect(layerTail(file, contentStart - 1, tarBytes.byteLength, openFrom)).toBeUndefined();
    // Bytes after the file's content never ask the source.
    expect(ranges.every((start) => start < size)).toBe(true);
  });

  it('fails when the source gives fewer bytes than the file has left', async () => {
    const file = { path: 'a.bin', size: 4096 };
    const tail = layerTail(file, 2048 + 100, 2048 + 4096 + 1024, async () =>
      (async function* () {
        yield Buffer.alloc(10);
      })(),
    );
    await expect(drain(tail!)).rejects.toMatchObject({
      code: 'model-file-changed',
      message: expect.stringMatching(/a\.bin gave 10 bytes/),
    });
  });
});
