/** Pushes to a real docker-registry 2.8 on loopback, then checks with skopeo and umoci. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startFaultProxy } from '../../../test/registry/fault-proxy.js';
import { startRegistry, type TestRegistry } from '../../../test/registry/registry-server.js';
import { type TinyImage, writeTinyImage } from '../../../test/registry/tiny-image.js';
import { scratchImage } from '../../image/base-image.js';
import { type BuildHooks, type BuildInput, buildImage, type LayerEvent } from '../../image/build.js';
import type { LayerDigest, LayerDigestStore } from '../../image/layer-key.js';
import type { BlobWriteEvent } from '../sink.js';
import type { ContentCheckHook } from '../tar-layer.js';
import { testModel, testPool } from '../../../test/image/image-fixtures.js';
import { MemoryLogger } from '../../logger.js';
import { OciLayoutSink } from '../layout-sink.js';
import { RegistryClient } from './client.js';
import { sha256Digest } from '../digest.js';
import { pushFromLayout } from './push-layout.js';
import { RegistryBaseSource } from './registry-base.js';
import { RegistrySink } from './registry-sink.js';
import type { RetryPolicy } from '../../retry.js';

const run = promisify(execFile);
const FAST: RetryPolicy = { attempts: 6, baseDelayMs: 10, maxDelayMs: 100, jitter: true };
const SMALL = { chunkSize: 256 * 1024, monolithicMaxBytes: 64 * 1024 };
const ONE_PASS = { ...SMALL, hashBeforeUpload: false };

let registry: TestRegistry;
let work: string;
let image: TinyImage;

beforeAll(async () => {
  registry = await startRegistry();
  work = await mkdtemp(join(tmpdir(), 'mp-push-'));
  image = await writeTinyImage(join(work, 'layout'), 'v1');
});

afterAll(async () => {
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

/** The body bytes the events say were sent. */
function sentBytes(events: readonly (BlobWriteEvent | LayerEvent)[]): number {
  return events.reduce((sum, e) => sum + (e.kind === 'sent' ? e.bytes : 0), 0);
}

function client(host = registry.host, logger = new MemoryLogger()): RegistryClient {
  return new RegistryClient({ registry: host, retry: FAST, logger });
}

describe('RegistrySink on an open registry', () => {
  it('pushes an image that skopeo inspects and umoci unpacks to the same bytes', async () => {
    const logger = new MemoryLogger();
    const sink = new RegistrySink(client(registry.host, logger), 'demo/model', {
      ...SMALL,
      progressMinBytes: 1,
    });
    const pushed = await pushFromLayout(image.layout, image.manifest, sink, ['v1']);
    expect(pushed.digest).toBe(image.manifest.digest);
    expect(sink.stats).toMatchObject({ blobsUploaded: 3, blobsSkipped: 0 });
    expect(logger.lines.some((l) => /pushing sha256:.* done$/.test(l))).toBe(true);

    const { stdout } = await run('skopeo', [
      'inspect',
      '--tls-verify=false',
      `docker://${registry.host}/demo/model:v1`,
    ]);
    expect((JSON.parse(stdout) as { Digest: string }).Digest).toBe(image.manifest.digest);

    const copied = join(work, 'copied');
    await run('skopeo', [
      'copy',
      '--src-tls-verify=false',
      `docker://${registry.host}/demo/model:v1`,
      `oci:${copied}:v1`,
    ]);
    await run('umoci', ['unpack', '--rootless', '--image', `${copied}:v1`, join(work, 'bundle')]);
    for (const [path, bytes] of Object.entries(image.files)) {
      expect((await readFile(join(work, 'bundle', 'rootfs', path))).equals(bytes)).toBe(true);
    }
  });

  it('pushes the same image in fixed-size chunks when asked to (for registries that refuse streams)', async () => {
    const sink = new RegistrySink(client(), 'chunked/model', { ...SMALL, mode: 'chunked' });
    const pushed = await pushFromLayout(image.layout, image.manifest, sink, ['v1']);
    expect(pushed.digest).toBe(image.manifest.digest);
    expect(sink.stats).toMatchObject({ blobsUploaded: 3, restarts: 0 });
    const { stdout } = await run('skopeo', [
      'inspect',
      '--tls-verify=false',
      `docker://${registry.host}/chunked/model:v1`,
    ]);
    expect((JSON.parse(stdout) as { Digest: string }).Digest).toBe(image.manifest.digest);
  });

  it('sends no blob bytes the second time (HEAD first)', async () => {
    const proxy = await startFaultProxy(registry.port);
    try {
      const sink = new RegistrySink(client(proxy.host), 'demo/model', SMALL);
      await pushFromLayout(image.layout, image.manifest, sink, ['v1-again']);
      expect(sink.stats).toMatchObject({ blobsSkipped: 3, blobsUploaded: 0, bytesUploaded: 0 });
      expect(proxy.counts.bytesUp).toBeLessThan(16 * 1024);
    } finally {
      await proxy.stop();
    }
  });

  it('mounts blobs from another repository of the same registry', async () => {
    const sink = new RegistrySink(client(), 'other/model', { ...SMALL, mountFrom: ['demo/model'] });
    await pushFromLayout(image.layout, image.manifest, sink, ['v1']);
    expect(sink.stats).toMatchObject({ blobsMounted: 3, blobsUploaded: 0, bytesUploaded: 0 });
    const { stdout } = await run('skopeo', [
      'inspect',
      '--tls-verify=false',
      `docker://${registry.host}/other/model:v1`,
    ]);
    expect((JSON.parse(stdout) as { Digest: string }).Digest).toBe(image.manifest.digest);
  });

  it('mounts one blob from the repository it names, and uploads it when that repository lacks it', async () => {
    const bytes = randomBytes(300 * 1024);
    const blob = {
      mediaType: 'application/vnd.oci.image.layer.v1.tar',
      digest: sha256Digest(bytes),
      size: bytes.byteLength,
    };
    let reads = 0;
    const source = async function* () {
      reads++;
      yield bytes;
    };
    await new RegistrySink(client(), 'mount/source', SMALL).writeBlob(blob, source);
    const logger = new MemoryLogger();
    const sink = new RegistrySink(client(registry.host, logger), 'mount/target', { ...SMALL, logger });
    const events: BlobWriteEvent[] = [];
    const mounted = await sink.writeBlob({ ...blob, mountFrom: 'mount/source' }, source, (e) =>
      events.push(e),
    );
    expect(mounted).toMatchObject({ digest: blob.digest, size: blob.size });
    expect(events).toEqual([{ kind: 'mounted', from: 'mount/source' }]);
    expect(reads).toBe(1);
    expect(sink.stats).toMatchObject({ blobsMounted: 1, blobsUploaded: 0, bytesUploaded: 0 });
    expect(sink.written).toEqual([blob.digest]);
    expect(logger.lines.join('\n')).toMatch(
      /mounted sha256:\S+ \(300.0 KiB\) into \S+\/mount\/target from mount\/source: nothing uploaded/,
    );

    const other = randomBytes(100 * 1024);
    const fallback = new RegistrySink(client(registry.host, logger), 'mount/elsewhere', { ...SMALL, logger });
    const fallbackEvents: BlobWriteEvent[] = [];
    await fallback.writeBlob(
      { ...blob, digest: sha256Digest(other), size: other.byteLength, mountFrom: 'mount/source' },
      async function* () {
        yield other;
      },
      (e) => fallbackEvents.push(e),
    );
    expect(fallback.stats).toMatchObject({ blobsMounted: 0, blobsUploaded: 1 });
    expect(new Set(fallbackEvents.map((e) => e.kind))).toEqual(new Set(['sent']));
    expect(sentBytes(fallbackEvents)).toBe(other.byteLength);
    expect(logger.lines.join('\n')).toMatch(
      /did not mount sha256:\S+ from mount\/source: uploaded it instead/,
    );
  });

  it('reads the pushed image back as a base image for linux/amd64', async () => {
    const source = new RegistryBaseSource(() => client());
    const text = `${registry.host}/demo/model:v1`;
    const base = await source.resolve({ kind: 'registry', reference: text }, text, {
      os: 'linux',
      architecture: 'amd64',
    });
    expect(base.digest).toBe(image.manifest.digest);
    expect(base.layers.map((l) => l.descriptor.digest)).toEqual(image.blobs.slice(1).map((b) => b.digest));
    let size = 0;
    for await (const chunk of base.layers[1]!.open()) size += chunk.byteLength;
    expect(size).toBe(image.blobs[2]!.size);
    await expect(
      source.resolve({ kind: 'registry', reference: text }, text, { os: 'linux', architecture: 'arm64' }),
    ).rejects.toMatchObject({
      code: 'platform-unknown',
    });
  });

  it('says which manifest is unknown', async () => {
    await expect(client().getManifest('demo/model', 'nope')).rejects.toMatchObject({
      code: 'manifest-unknown',
    });
  });

  it('says a registry that is not listening is unreachable', async () => {
    const dead = new RegistryClient({
      registry: '127.0.0.1:1',
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1, jitter: true },
    });
    await expect(dead.ping()).rejects.toMatchObject({ code: 'registry-unreachable' });
  });
});

describe('RegistrySink through a faulty network', () => {
  it('completes with the same digest when connections drop mid-blob and 503s come back', async () => {
    const proxy = await startFaultProxy(registry.port, {
      dropEveryBytes: 700 * 1024,
      maxDrops: 3,
      fail503EveryConnections: 3,
      max503: 3,
    });
    try {
      const logger = new MemoryLogger();
      const sink = new RegistrySink(client(proxy.host, logger), 'faulty/model', SMALL);
      const pushed = await pushFromLayout(image.layout, image.manifest, sink, ['v1']);
      expect(pushed.digest).toBe(image.manifest.digest);
      // docker-registry 2.8 cancels a session a broken PATCH left bytes in: those blobs start over.
      expect(sink.stats.restarts).toBeGreaterThan(0);
      expect(proxy.counts.drops).toBeGreaterThan(0);
      expect(proxy.counts.served503).toBeGreaterThan(0);
      const head = await client().headManifest('faulty/model', 'v1');
      expect(head?.digest).toBe(image.manifest.digest);
    } finally {
      await proxy.stop();
    }
  });

  it('tells each blob what went over the wire for it (bytes sent again after a break too) and when it had it', async () => {
    const bytes = randomBytes(1024 * 1024);
    const blob = { mediaType: 'application/vnd.oci.image.layer.v1.tar' };
    const source = async function* () {
      yield bytes;
    };
    const proxy = await startFaultProxy(registry.port, { dropEveryBytes: 700 * 1024, maxDrops: 1 });
    try {
      const sink = new RegistrySink(client(proxy.host), 'told/model', ONE_PASS);
      const events: BlobWriteEvent[] = [];
      const written = await sink.writeBlob(blob, source, (e) => events.push(e));
      expect(proxy.counts.drops).toBe(1);
      // One blob here: the sink's total (retries included) is this blob's own.
      expect(sentBytes(events)).toBe(sink.stats.bytesUploaded);
      expect(sentBytes(events)).toBeGreaterThan(bytes.byteLength);

      const again: BlobWriteEvent[] = [];
      await sink.writeBlob({ ...blob, digest: written.digest, size: written.size }, source, (e) =>
        again.push(e),
      );
      expect(again).toEqual([{ kind: 'present' }]);
    } finally {
      await proxy.stop();
    }
  });

  it('tags nothing when a blob upload finally fails', async () => {
    const proxy = await startFaultProxy(registry.port, { dropEveryBytes: 200 * 1024, maxDrops: 1_000 });
    try {
      const sink = new RegistrySink(client(proxy.host), 'broken/model', SMALL);
      await expect(pushFromLayout(image.layout, image.manifest, sink, ['v1'])).rejects.toMatchObject({
        code: 'blob-upload-failed',
      });
      await expect(
        sink.writeManifest(new Uint8Array(2), 'application/vnd.oci.image.manifest.v1+json', ['v1']),
      ).rejects.toMatchObject({
        code: 'push-incomplete',
      });
      expect(await client().headManifest('broken/model', 'v1')).toBeUndefined();
    } finally {
      await proxy.stop();
    }
  });
});

describe('buildImage into a RegistrySink (one pass, layer keys)', () => {
  const model: Record<string, Buffer> = {
    'config.json': Buffer.from('{"labels":["neg","pos"]}\n'),
    'weights/model.safetensors': randomBytes(3 * 1024 * 1024 + 17),
  };
  let modelDir: string;
  let sha256: Map<string, string>;

  beforeAll(async () => {
    modelDir = join(work, 'build-model');
    for (const [path, bytes] of Object.entries(model)) {
      await mkdir(join(modelDir, path, '..'), { recursive: true });
      await writeFile(join(modelDir, path), bytes);
    }
    sha256 = new Map(
      Object.entries(model).map(([path, bytes]) => [path, createHash('sha256').update(bytes).digest('hex')]),
    );
  });

  function input(pool = 'gpu-a', extra: Partial<BuildInput> = {}): BuildInput {
    return {
      directory: modelDir,
      files: Object.entries(model).map(([path, bytes]) => ({ path, size: bytes.byteLength })),
      pool: testPool({}, { name: pool }),
      base: scratchImage({ os: 'linux', architecture: 'amd64' }),
      model: testModel,
      tags: [`1.4.0-${pool}`],
      ...extra,
    };
  }

  function memoryStore(): LayerDigestStore & { entries: Map<string, LayerDigest> } {
    const entries = new Map<string, LayerDigest>();
    return {
      entries,
      get: (key) => Promise.resolve(entries.get(key)),
      set: (key, value) => {
        entries.set(key, value);
        return Promise.resolve();
      },
    };
  }

  /** Counts the file bytes read (the content check sees every one). */
  function reads(): { hook: ContentCheckHook; bytes: number } {
    const counter = {
      bytes: 0,
      hook: (async () => ({
        update: (chunk: Uint8Array) => void (counter.bytes += chunk.byteLength),
        finish: () => undefined,
      })) as ContentCheckHook,
    };
    return counter;
  }

  const modelBytes = () => Object.values(model).reduce((sum, b) => sum + b.byteLength, 0);

  it('reads each file once and pushes the digests the layout sink writes', async () => {
    const layout = await buildImage(input(), await OciLayoutSink.open(join(work, 'build-layout')));
    const read = reads();
    const sink = new RegistrySink(client(), 'single/model', ONE_PASS);
    const events = new Map<string, LayerEvent[]>();
    const pushed = await buildImage(input(), sink, {
      check: read.hook,
      onLayer: (layer, event) => events.set(layer.createdBy, [...(events.get(layer.createdBy) ?? []), event]),
    });
    expect(pushed.manifestDigest).toBe(layout.manifestDigest);
    // Each model layer: its own bytes sent, once (no fault here), then stored.
    expect([...events.keys()]).toEqual(pushed.plan.layers.map((l) => l.createdBy));
    pushed.plan.layers.forEach((layer, i) => {
      const told = events.get(layer.createdBy)!;
      expect(told.at(-1)).toEqual({ kind: 'stored' });
      expect(sentBytes(told)).toBe(pushed.modelLayers[i]!.size);
    });
    expect(pushed.layers).toEqual(layout.layers);
    expect(read.bytes).toBe(modelBytes());
    expect(sink.stats).toMatchObject({ blobsUploaded: layout.layers.length + 1, blobsSkipped: 0 });
    expect((await client().headManifest('single/model', '1.4.0-gpu-a'))?.digest).toBe(layout.manifestDigest);
  });

  it('sends no model bytes and reads no file for a second pool when the layer keys are known', async () => {
    const store = memoryStore();
    const hooks = (read: { hook: ContentCheckHook }): BuildHooks => ({
      check: read.hook,
      layerDigests: store,
      fileSha256: sha256,
    });
    const firstRead = reads();
    await buildImage(input('gpu-a'), new RegistrySink(client(), 'keyed/model', ONE_PASS), hooks(firstRead));
    expect(firstRead.bytes).toBe(modelBytes());
    expect(store.entries.size).toBe(1);

    const proxy = await startFaultProxy(registry.port);
    try {
      const secondRead = reads();
      const sink = new RegistrySink(client(proxy.host), 'keyed/model', ONE_PASS);
      const events: LayerEvent[] = [];
      const second = await buildImage(input('gpu-b'), sink, {
        ...hooks(secondRead),
        onLayer: (_layer, event) => events.push(event),
      });
      expect(secondRead.bytes).toBe(0);
      expect(events).toEqual([{ kind: 'reused' }, { kind: 'stored' }]);
      // Only the config can be new (it names the pool): a few KiB at most.
      expect(sink.stats.bytesUploaded).toBeLessThan(16 * 1024);
      expect(proxy.counts.bytesUp).toBeLessThan(32 * 1024);
      const { stdout } = await run('skopeo', [
        'inspect',
        '--tls-verify=false',
        `docker://${registry.host}/keyed/model:1.4.0-gpu-b`,
      ]);
      expect((JSON.parse(stdout) as { Digest: string }).Digest).toBe(second.manifestDigest);
    } finally {
      await proxy.stop();
    }
  });

  it('tags nothing and remembers no key when a single-pass upload finally fails', async () => {
    const proxy = await startFaultProxy(registry.port, { dropEveryBytes: 200 * 1024, maxDrops: 1_000 });
    try {
      const store = memoryStore();
      const building = buildImage(
        input(),
        new RegistrySink(client(proxy.host), 'broken-build/model', ONE_PASS),
        {
          layerDigests: store,
          fileSha256: sha256,
        },
      );
      await expect(building).rejects.toMatchObject({ code: 'blob-upload-failed' });
      expect(store.entries.size).toBe(0);
      expect(await client().headManifest('broken-build/model', '1.4.0-gpu-a')).toBeUndefined();
    } finally {
      await proxy.stop();
    }
  });

  it('tags nothing when a file is shorter than verified (a truncated layer)', async () => {
    const store = memoryStore();
    const files = input().files.map((f) => ({ ...f, size: f.size + 1 }));
    const sink = new RegistrySink(client(), 'truncated/model', ONE_PASS);
    await expect(
      buildImage(input('gpu-a', { files }), sink, { layerDigests: store, fileSha256: sha256 }),
    ).rejects.toMatchObject({ code: 'model-file-changed' });
    await expect(
      sink.writeManifest(new Uint8Array(2), 'application/vnd.oci.image.manifest.v1+json', ['x']),
    ).rejects.toMatchObject({ code: 'push-incomplete' });
    expect(store.entries.size).toBe(0);
    expect(await client().headManifest('truncated/model', '1.4.0-gpu-a')).toBeUndefined();
  });
});
