import { describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { fileLayer } from '../image/layer-plan.js';
import { matchTarLayer } from './tar-layer-match.js';
import { type ContentCheck, packLayer } from './tar-layer.js';

const content = randomBytes(300_000 + 17);
const file = { path: 'weights/w.bin', size: content.byteLength };
const layer = fileLayer(file, '/models');

async function packed(sourceDateEpoch = 0, bytes = content): Promise<Buffer> {
  const { stream } = packLayer(layer, {
    sourceDateEpoch,
    openFile: async () =>
      (async function* () {
        yield bytes;
      })(),
  });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** The blob in odd-sized pieces, as a network gives it; `fail` ends it with an error (a digest check). */
async function* chunked(bytes: Buffer, fail?: Error): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += 65_537) yield bytes.subarray(i, i + 65_537);
  if (fail) throw fail;
}

/** Checks the bytes against the sha256 of `content`, as the signature's check does. */
function shaCheck(seen: { bytes: number }) {
  return async (path: string, size: number): Promise<ContentCheck> => {
    expect([path, size]).toEqual([file.path, file.size]);
    const hash = createHash('sha256');
    return {
      update: (chunk) => {
        seen.bytes += chunk.byteLength;
        hash.update(chunk);
      },
      finish: () => {
        if (hash.digest('hex') !== createHash('sha256').update(content).digest('hex'))
          throw new Error(`${path} does not match its signature`);
      },
    };
  };
}

describe('matchTarLayer', () => {
  it('matches our own layer, read once, its file checked', async () => {
    const blob = await packed();
    const seen = { bytes: 0 };
    let progress = 0;
    const match = await matchTarLayer(
      layer,
      { sourceDateEpoch: 0, check: shaCheck(seen), onBytes: (n) => (progress += n) },
      chunked(blob),
      blob.byteLength,
    );
    expect(match).toEqual({ matched: true });
    expect(seen.bytes).toBe(file.size);
    expect(progress).toBe(file.size);
  });

  it('throws what the check throws: a tampered file is never a match', async () => {
    const tampered = Buffer.from(content);
    tampered[1000]! ^= 1;
    const blob = await packed(0, tampered);
    await expect(
      matchTarLayer(
        layer,
        { sourceDateEpoch: 0, check: shaCheck({ bytes: 0 }) },
        chunked(blob),
        blob.byteLength,
      ),
    ).rejects.toThrow(/weights\/w\.bin does not match its signature/);
  });

  it('throws when the blob read fails at its end (the client checks the digest there)', async () => {
    const blob = await packed();
    await expect(
      matchTarLayer(
        layer,
        { sourceDateEpoch: 0 },
        chunked(blob, new Error('digest mismatch')),
        blob.byteLength,
      ),
    ).rejects.toThrow(/digest mismatch/);
  });

  it.each([
    {
      name: 'headers of another mtime',
      blob: () => packed(1_700_000_000),
      reason: /tar headers differ/,
    },
    {
      name: 'a byte after the end blocks that is not zero',
      blob: async () => {
        const bytes = await packed();
        bytes[bytes.byteLength - 1] = 1;
        return bytes;
      },
      reason: /tar ends otherwise/,
    },
    {
      name: 'an extra block at the end (the file would start elsewhere)',
      blob: async () => Buffer.concat([await packed(), Buffer.alloc(512)]),
      reason: /tar headers differ/,
    },
    {
      name: 'a blob too small for the file',
      blob: async () => Buffer.alloc(1024),
      reason: /cannot be our tar/,
    },
  ])('does not match $name', async ({ blob, reason }) => {
    const bytes = await blob();
    const match = await matchTarLayer(layer, { sourceDateEpoch: 0 }, chunked(bytes), bytes.byteLength);
    expect(match).toEqual({ matched: false, reason: expect.stringMatching(reason) });
  });

  it('does not match a blob longer than its descriptor says', async () => {
    const bytes = await packed();
    const longer = Buffer.concat([bytes, Buffer.alloc(512)]);
    const match = await matchTarLayer(layer, { sourceDateEpoch: 0 }, chunked(longer), bytes.byteLength);
    expect(match).toEqual({ matched: false, reason: expect.stringMatching(/the blob \d+ or more/) });
  });

  it('stops reading a blob that goes on past its size', async () => {
    const bytes = await packed();
    let extra = 0;
    async function* endless(): AsyncIterable<Uint8Array> {
      yield* chunked(bytes);
      for (;;) {
        extra++;
        yield Buffer.alloc(65_536);
      }
    }
    const match = await matchTarLayer(layer, { sourceDateEpoch: 0 }, endless(), bytes.byteLength);
    expect(match).toEqual({ matched: false, reason: expect.stringMatching(/or more/) });
    expect(extra).toBeLessThanOrEqual(1);
  });
});
