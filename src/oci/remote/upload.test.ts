import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { startFaultProxy } from '../../../test/registry/fault-proxy.js';
import { type ResumableRegistry, startResumableRegistry } from '../../../test/registry/resumable-registry.js';
import { MemoryLogger } from '../../logger.js';
import { sha256Digest } from '../digest.js';
import { RegistryClient } from './client.js';
import type { BlobSource } from '../sink.js';
import { fixedChunks, rangeEnd, uploadBlob } from './upload.js';

async function* pieces(bytes: Buffer, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size);
}

async function collect(source: AsyncIterable<Buffer>): Promise<number[]> {
  const sizes: number[] = [];
  for await (const chunk of source) sizes.push(chunk.byteLength);
  return sizes;
}

describe('rangeEnd', () => {
  it.each([
    { header: '0-1023', next: 1024 },
    { header: 'bytes=0-99', next: 100 },
    { header: '0-0', next: 0 },
    { header: undefined, next: undefined },
    { header: 'garbage', next: undefined },
  ])('$header -> $next', ({ header, next }) => {
    expect(rangeEnd(header)).toBe(next);
  });
});

describe('fixedChunks', () => {
  it.each([
    { total: 10, piece: 3, chunk: 4, sizes: [4, 4, 2] },
    { total: 8, piece: 8, chunk: 4, sizes: [4, 4] },
    { total: 0, piece: 1, chunk: 4, sizes: [] },
    { total: 5, piece: 1, chunk: 16, sizes: [5] },
  ])('$total bytes in pieces of $piece -> $sizes', async ({ total, piece, chunk, sizes }) => {
    expect(await collect(fixedChunks(pieces(randomBytes(total), piece), chunk))).toEqual(sizes);
  });

  it('keeps the bytes in order', async () => {
    const bytes = randomBytes(1000);
    const out: Buffer[] = [];
    for await (const c of fixedChunks(pieces(bytes, 7), 64)) out.push(Buffer.from(c));
    expect(Buffer.concat(out).equals(bytes)).toBe(true);
  });
});

function resumingClient(host: string, logger: MemoryLogger): RegistryClient {
  return new RegistryClient({
    registry: host,
    logger,
    retry: { attempts: 6, baseDelayMs: 5, maxDelayMs: 50, jitter: true },
  });
}

describe('uploadBlob against a registry that keeps partial PATCH bytes', () => {
  let registry: ResumableRegistry;
  beforeAll(async () => {
    registry = await startResumableRegistry();
  });
  afterAll(async () => {
    await registry.stop();
  });

  it('resumes mid-chunk from the Range the registry reports, without starting over', async () => {
    const proxy = await startFaultProxy(registry.port, { dropEveryBytes: 300 * 1024, maxDrops: 4 });
    try {
      const logger = new MemoryLogger();
      const bytes = randomBytes(2 * 1024 * 1024 + 123);
      const digest = sha256Digest(bytes);
      const result = await uploadBlob(
        resumingClient(proxy.host, logger),
        'demo',
        { digest, size: bytes.byteLength },
        () => pieces(bytes, 64 * 1024),
        { mode: 'chunked', chunkSize: 512 * 1024, monolithicMaxBytes: 0 },
      );
      expect(result).toMatchObject({ digest, size: bytes.byteLength, restarts: 0 });
      expect(proxy.counts.drops).toBeGreaterThan(0);
      expect(
        logger.lines.filter((l) => l.includes('asking the registry where the upload stands')).length,
      ).toBe(proxy.counts.drops);
      expect(registry.blobs.get(digest)?.equals(bytes)).toBe(true);
      expect(registry.rangeMismatches).toBe(0);
      // Resuming resends only part of the broken chunks, never the whole blob again.
      expect(result.bytesSent).toBeLessThan(bytes.byteLength + proxy.counts.drops * 512 * 1024);
    } finally {
      await proxy.stop();
    }
  });

  it.each([
    { known: true, name: 'a spec chunk of known size' },
    { known: false, name: 'a chunked-encoding body of unknown size' },
  ])(
    'streams the blob in one PATCH ($name) and resumes a broken one where the registry stands',
    async ({ known }) => {
      const proxy = await startFaultProxy(registry.port, { dropEveryBytes: 300 * 1024, maxDrops: 3 });
      try {
        const logger = new MemoryLogger();
        const bytes = randomBytes(2 * 1024 * 1024 + 123);
        const digest = sha256Digest(bytes);
        registry.patchStarts.length = 0;
        const result = await uploadBlob(
          resumingClient(proxy.host, logger),
          'demo',
          known ? { digest, size: bytes.byteLength } : {},
          () => pieces(bytes, 64 * 1024),
          { monolithicMaxBytes: 0 },
        );
        expect(result).toMatchObject({ digest, size: bytes.byteLength, restarts: 0 });
        expect(registry.blobs.get(digest)?.equals(bytes)).toBe(true);
        expect(registry.rangeMismatches).toBe(0);
        expect(proxy.counts.drops).toBeGreaterThan(0);
        // One PATCH, then one per drop, each from the offset the registry held: never from 0 again.
        expect(registry.patchStarts).toHaveLength(proxy.counts.drops + 1);
        expect(registry.patchStarts[0]).toBe(0);
        for (const start of registry.patchStarts.slice(1)) expect(start).toBeGreaterThan(0);
        expect([...registry.patchStarts].sort((a, b) => a - b)).toEqual(registry.patchStarts);
      } finally {
        await proxy.stop();
      }
    },
  );

  it.each([
    { mode: 'stream' as const, known: true },
    { mode: 'stream' as const, known: false },
    { mode: 'chunked' as const, known: true },
  ])(
    'sends a source that refills one buffer for every chunk intact ($mode, size known: $known)',
    async ({ mode, known }) => {
      // As tar-layer.ts's read buffers do: a chunk's memory is reused once the next is pulled, so
      // the upload must be done with each chunk (on the socket) before it asks for the next.
      const bytes = randomBytes(8 * 1024 * 1024 + 77);
      const digest = sha256Digest(bytes);
      const reused = Buffer.alloc(64 * 1024);
      const source: BlobSource = async function* () {
        for (let at = 0; at < bytes.byteLength; at += reused.byteLength) {
          const n = bytes.copy(reused, 0, at, at + reused.byteLength);
          yield n === reused.byteLength ? reused : reused.subarray(0, n);
          reused.fill(0xee);
        }
      };
      const result = await uploadBlob(
        resumingClient(registry.host, new MemoryLogger()),
        'demo',
        known ? { digest, size: bytes.byteLength } : {},
        source,
        { mode, chunkSize: 1024 * 1024, monolithicMaxBytes: 0 },
      );
      expect(result).toMatchObject({ digest, size: bytes.byteLength });
      expect(registry.blobs.get(digest)?.equals(bytes)).toBe(true);
    },
  );

  it('resumes a blob read whole once from its source at the offset, without reading it again', async () => {
    // Cut near the end: the whole body has been read from the source (and hashed) by then.
    const bytes = randomBytes(1024 * 1024);
    const proxy = await startFaultProxy(registry.port, {
      dropEveryBytes: bytes.byteLength - 10_000,
      maxDrops: 1,
    });
    try {
      const logger = new MemoryLogger();
      const digest = sha256Digest(bytes);
      let opened = 0;
      const resumedAt: number[] = [];
      const source: BlobSource = () => {
        opened++;
        return pieces(bytes, 64 * 1024);
      };
      source.resume = (offset, size) => {
        resumedAt.push(offset);
        expect(size).toBe(bytes.byteLength);
        return pieces(bytes.subarray(offset), 64 * 1024);
      };
      const result = await uploadBlob(resumingClient(proxy.host, logger), 'demo', {}, source, {
        monolithicMaxBytes: 0,
      });
      expect(proxy.counts.drops).toBe(1);
      expect(result).toMatchObject({ digest, size: bytes.byteLength, restarts: 0 });
      expect(registry.blobs.get(digest)?.equals(bytes)).toBe(true);
      expect(opened).toBe(1);
      expect(resumedAt).toHaveLength(1);
      expect(resumedAt[0]).toBeGreaterThan(0);
      expect(logger.lines.some((l) => l.includes(`resuming at byte ${resumedAt[0]}`))).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  it('reads the source again from its start when resuming from it fails', async () => {
    const bytes = randomBytes(1024 * 1024);
    const proxy = await startFaultProxy(registry.port, {
      dropEveryBytes: bytes.byteLength - 10_000,
      maxDrops: 1,
    });
    try {
      const logger = new MemoryLogger();
      let opened = 0;
      const source: BlobSource = () => {
        opened++;
        return pieces(bytes, 64 * 1024);
      };
      source.resume = () =>
        (async function* () {
          yield* [];
          throw new Error('the server answered 200, not 206, to a Range request');
        })();
      const result = await uploadBlob(resumingClient(proxy.host, logger), 'demo', {}, source, {
        monolithicMaxBytes: 0,
      });
      expect(result.digest).toBe(sha256Digest(bytes));
      expect(registry.blobs.get(result.digest)?.equals(bytes)).toBe(true);
      expect(opened).toBe(2);
      expect(logger.lines.some((l) => l.includes('resuming from the source failed'))).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  it('computes the digest on the way when the caller does not know it', async () => {
    const client = new RegistryClient({ registry: registry.host });
    const bytes = randomBytes(100_000);
    const result = await uploadBlob(client, 'demo', {}, () => pieces(bytes, 10_000), { chunkSize: 30_000 });
    expect(result.digest).toBe(sha256Digest(bytes));
    expect(registry.blobs.get(result.digest)?.equals(bytes)).toBe(true);
  });

  it('refuses a source whose bytes do not match the digest given', async () => {
    const client = new RegistryClient({ registry: registry.host });
    const bytes = randomBytes(1000);
    await expect(
      uploadBlob(client, 'demo', { digest: sha256Digest(Buffer.from('other')), size: 1000 }, () =>
        pieces(bytes, 100),
      ),
    ).rejects.toMatchObject({ code: 'digest-mismatch' });
  });
});

describe('uploadBlob against a registry that takes only spec chunks', () => {
  let registry: ResumableRegistry;
  beforeAll(async () => {
    registry = await startResumableRegistry({ maxPatchBytes: 256 * 1024 });
  });
  afterAll(async () => {
    await registry.stop();
  });

  it('falls back to chunks when a stream is refused, and sends chunks from then on', async () => {
    const logger = new MemoryLogger();
    const client = new RegistryClient({ registry: registry.host, logger });
    for (const size of [700_000, 900_000]) {
      const bytes = randomBytes(size);
      const result = await uploadBlob(client, 'demo', {}, () => pieces(bytes, 50_000), {
        chunkSize: 256 * 1024,
        monolithicMaxBytes: 0,
      });
      expect(result.digest).toBe(sha256Digest(bytes));
      expect(registry.blobs.get(result.digest)?.equals(bytes)).toBe(true);
    }
    const refusals = logger.lines.filter((l) => l.includes('refused a streamed upload'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain('411');
  });
});
