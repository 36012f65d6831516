/**
 * ModelPack layers opened from an offset (issue 15) against a real docker-registry 2.8: a raw layer
 * and an uncompressed tar layer give the file's bytes from any offset through Range requests; a
 * compressed layer has none. In front of the registry, a proxy that drops the Range header stands in
 * for a registry that ignores ranges (it then answers 200 with the whole blob): the bytes are still
 * the right ones, and a whole blob whose digest is wrong is refused instead of used.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import tar from 'tar-stream';
import { MemoryLogger } from '../../src/logger.js';
import { sha256Digest } from '../../src/oci/digest.js';
import { RegistryClient } from '../../src/oci/remote/client.js';
import { uploadBlob } from '../../src/oci/remote/upload.js';
import type { LayerFormat, ModelPackFile } from '../../src/registry/modelpack.js';
import { layerFileFrom } from '../../src/registry/modelpack-range.js';
import { startRegistry, type TestRegistry } from '../registry/registry-server.js';
import { type RewritingProxy, startRewritingProxy } from '../registry/rewriting-proxy.js';

const PATH = 'weights/model.bin';
/** Not a multiple of 512: the tar layer pads the file. */
const data = randomBytes(300_001);
let registry: TestRegistry;
const layers = new Map<LayerFormat, { digest: string; size: number }>();

/** The file in a tar behind a folder entry, as tar-stream packs it. */
async function tarOf(bytes: Buffer): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  pack.entry({ name: 'weights/', type: 'directory' });
  pack.entry({ name: PATH, type: 'file' }, bytes);
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  registry = await startRegistry();
  const client = new RegistryClient({ registry: registry.host });
  for (const [format, bytes] of [
    ['raw', data],
    ['tar', await tarOf(data)],
  ] as const) {
    const blob = { digest: sha256Digest(bytes), size: bytes.byteLength };
    await uploadBlob(client, 'models/ranges', blob, async function* () {
      yield bytes;
    });
    layers.set(format, blob);
  }
}, 60_000);
afterAll(async () => {
  await registry?.stop();
});

function file(format: LayerFormat): ModelPackFile {
  const layer = layers.get(format) ?? layers.get('tar')!;
  return {
    path: PATH,
    layer: { mediaType: `application/vnd.cncf.model.weight.v1.${format}`, ...layer },
    format,
    size: data.byteLength,
  };
}

async function read(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * The registry behind a proxy that drops every request's Range header, as a registry that does not
 * serve ranges; `corrupt` flips one byte of every blob it passes on.
 */
function startRangeDroppingProxy(corrupt = false): Promise<RewritingProxy> {
  return startRewritingProxy(registry.port, {
    dropRange: true,
    corrupt: (req) => corrupt && req.method === 'GET' && /\/blobs\/sha256:/.test(req.url ?? ''),
  });
}

const STARTS = [0, 1, 511, 512, 150_000, data.byteLength - 1, data.byteLength];

describe('a ModelPack layer opened from an offset, on docker-registry 2.8', () => {
  it.each([{ format: 'raw' as const }, { format: 'tar' as const }])(
    '$format layer: the file from each offset',
    async ({ format }) => {
      const client = new RegistryClient({ registry: registry.host });
      const openFrom = layerFileFrom(client, 'models/ranges', file(format), 'layer')!;
      expect(openFrom).toBeDefined();
      for (const start of STARTS) {
        expect((await read(await openFrom(start))).equals(data.subarray(start))).toBe(true);
      }
    },
  );

  it.each([{ format: 'tar+gzip' as const }, { format: 'tar+zstd' as const }])(
    '$format layer: no offset to seek to, so no openFrom',
    ({ format }) => {
      const client = new RegistryClient({ registry: registry.host });
      expect(layerFileFrom(client, 'models/ranges', file(format), 'layer')).toBeUndefined();
    },
  );

  it('reads the real registry in ranges: a 206 for the asked bytes only', async () => {
    const logger = new MemoryLogger();
    const client = new RegistryClient({ registry: registry.host, logger });
    const { digest } = layers.get('raw')!;
    const bytes = await read(client.openBlobRange('models/ranges', digest, 1000, 1999));
    expect(bytes.equals(data.subarray(1000, 2000))).toBe(true);
    expect(logger.lines.filter((l) => l.includes('ignored the Range'))).toEqual([]);
  });

  it.each([{ format: 'raw' as const }, { format: 'tar' as const }])(
    '$format layer from a registry that ignores Range: the whole blob, skipped to the offset',
    async ({ format }) => {
      const proxy = await startRangeDroppingProxy();
      try {
        const logger = new MemoryLogger();
        const client = new RegistryClient({ registry: proxy.host, logger });
        const openFrom = layerFileFrom(client, 'models/ranges', file(format), 'layer')!;
        for (const start of [1, 150_000, data.byteLength - 1]) {
          expect((await read(await openFrom(start))).equals(data.subarray(start))).toBe(true);
        }
        expect(proxy.ranges.length).toBeGreaterThan(0);
        expect(logger.lines.some((l) => /ignored the Range and sent the whole blob/.test(l))).toBe(true);
      } finally {
        await proxy.stop();
      }
    },
  );

  it('refuses a whole blob whose digest is wrong, sent for a Range', async () => {
    const proxy = await startRangeDroppingProxy(true);
    try {
      const client = new RegistryClient({ registry: proxy.host });
      const openFrom = layerFileFrom(client, 'models/ranges', file('raw'), 'layer')!;
      await expect(read(await openFrom(150_000))).rejects.toMatchObject({
        code: 'digest-mismatch',
        message: expect.stringMatching(
          /reading bytes 150000-300000 of blob sha256:[0-9a-f]{64} .*: got sha256:/,
        ),
      });
    } finally {
      await proxy.stop();
    }
  });
});
