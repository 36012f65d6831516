import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OciLayoutSink } from '../oci/layout-sink.js';
import { MediaType } from '../oci/media-types.js';
import type { BlobSource, BlobToWrite, ImageSink } from '../oci/sink.js';
import type { ImageIndex, ImageManifest } from '../oci/types.js';
import { scratchImage } from './base-image.js';
import { type BuildInput, buildImage } from './build.js';
import type { LayerDigest, LayerDigestStore } from './layer-key.js';
import type { ModelFile } from './layer-plan.js';
import type { ContentCheckHook } from '../oci/tar-layer.js';
import { planImage } from './plan.js';
import {
  MiB,
  readJson,
  readLayer,
  sha256File,
  tempDir,
  testModel,
  testPool,
  tool,
  writeModel,
} from '../../test/image/image-fixtures.js';

const scratch = scratchImage({ os: 'linux', architecture: 'amd64' });
let work: string;
let modelDir: string;
let files: ModelFile[];

beforeAll(async () => {
  work = await tempDir('build');
  modelDir = join(work, 'model');
  files = await writeModel(modelDir, {
    'config.json': '{"labels":["neg","pos"]}\n',
    'tokenizer/vocab.txt': 'a\nb\nc\n',
    'weights/model.safetensors': 64 * MiB,
    [`nested/${'long-directory-name-'.repeat(6)}/file.bin`]: 'long name\n',
  });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function input(extra: Partial<BuildInput> = {}): BuildInput {
  return {
    files,
    directory: modelDir,
    pool: testPool(),
    base: scratch,
    model: testModel,
    tags: ['1.4.0'],
    ...extra,
  };
}

async function build(name: string, extra: Partial<BuildInput> = {}) {
  const dir = join(work, name);
  const built = await buildImage(input(extra), await OciLayoutSink.open(dir));
  return { dir, built };
}

describe('buildImage determinism', () => {
  it('gives the same manifest digest for the same input, another for another SOURCE_DATE_EPOCH', async () => {
    const first = await build('same-1');
    const second = await build('same-2');
    const later = await build('later', { sourceDateEpoch: 1700000000 });
    expect(second.built.manifestDigest).toBe(first.built.manifestDigest);
    expect(Buffer.from(second.built.manifest.bytes)).toEqual(Buffer.from(first.built.manifest.bytes));
    expect(later.built.manifestDigest).not.toBe(first.built.manifestDigest);
    expect(later.built.config.created).toBe('2023-11-14T22:13:20Z');
  });
});

describe('buildImage onto scratch', () => {
  let dir: string;
  let built: Awaited<ReturnType<typeof buildImage>>;
  beforeAll(async () => {
    ({ dir, built } = await build('scratch', { tags: ['1.4.0', 'champion'] }));
  });

  it('puts files of 64 MiB or more in their own layer, after the shared one', async () => {
    expect(
      built.layers.map((l) => ({
        mediaType: l.mediaType,
        title: l.annotations?.['org.opencontainers.image.title'],
      })),
    ).toEqual([
      { mediaType: MediaType.Layer, title: undefined },
      { mediaType: MediaType.Layer, title: 'weights/model.safetensors' },
    ]);
    const big = await readLayer(dir, built.layers[1]!.digest);
    expect(big.map((e) => [e.name, e.size])).toEqual([
      ['models/', 0],
      ['models/weights/', 0],
      ['models/weights/model.safetensors', 64 * MiB],
    ]);
    expect(built.config.rootfs.diff_ids).toEqual(built.layers.map((l) => l.digest));
    expect(built.config.history?.map((h) => h.created_by)).toEqual([
      'model-promote: COPY model files (3 files) /models',
      'model-promote: COPY weights/model.safetensors /models/weights/model.safetensors',
    ]);
  });

  it('writes deterministic tar headers (mtime, owner, modes, no user names)', async () => {
    const shared = await readLayer(dir, built.layers[0]!.digest);
    expect(shared.map((e) => e.name)).toEqual([
      'models/',
      'models/config.json',
      'models/nested/',
      `models/nested/${'long-directory-name-'.repeat(6)}/`,
      `models/nested/${'long-directory-name-'.repeat(6)}/file.bin`,
      'models/tokenizer/',
      'models/tokenizer/vocab.txt',
    ]);
    for (const entry of shared) {
      expect({ ...entry, name: '', sha256: '', size: 0 }).toEqual({
        name: '',
        type: entry.name.endsWith('/') ? 'directory' : 'file',
        mode: entry.name.endsWith('/') ? 0o755 : 0o644,
        uid: 0,
        gid: 0,
        mtime: 0,
        uname: '',
        gname: '',
        size: 0,
        sha256: '',
      });
    }
  });

  it('writes a layout umoci lists and unpacks to exactly the model files', async () => {
    expect(await tool('umoci', ['ls', '--layout', dir])).toBe('1.4.0\nchampion\n');
    const bundle = join(work, 'bundle-scratch');
    await tool('umoci', ['unpack', '--rootless', '--image', `${dir}:champion`, bundle]);
    const rootfs = join(bundle, 'rootfs');
    expect(await readdir(rootfs)).toEqual(['models']);
    const unpacked = (await readdir(join(rootfs, 'models'), { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(join(rootfs, 'models').length + 1))
      .sort();
    expect(unpacked).toEqual(files.map((f) => f.path).sort());
    for (const file of files) {
      expect(await sha256File(join(rootfs, 'models', file.path))).toBe(
        await sha256File(join(modelDir, file.path)),
      );
    }
    const runtime = await readJson<{ process: { env: string[] } }>(join(bundle, 'config.json'));
    expect(runtime.process.env).toEqual(expect.arrayContaining(['MODEL_PATH=/models', 'CUDA_VERSION=12.4']));
  });

  it('writes a layout skopeo inspects, with the labels', async () => {
    const inspected = JSON.parse(await tool('skopeo', ['inspect', `oci:${dir}:1.4.0`])) as {
      Digest: string;
      Labels: Record<string, string>;
      Architecture: string;
      Os: string;
      Layers: string[];
    };
    expect(inspected).toMatchObject({ Digest: built.manifestDigest, Architecture: 'amd64', Os: 'linux' });
    expect(inspected.Layers).toEqual(built.layers.map((l) => l.digest));
    expect(inspected.Labels).toMatchObject({
      'dev.model-promote.model.digest': testModel.digest,
      'dev.model-promote.pool': 'gpu-a100',
      'dev.model-promote.accelerator': 'nvidia/A100-SXM4-80GB',
      'org.opencontainers.image.created': '1970-01-01T00:00:00Z',
    });
  });

  it('tags both names in index.json, each with one descriptor', async () => {
    const index = await readJson<ImageIndex>(join(dir, 'index.json'));
    expect(
      index.manifests.map((d) => [d.digest, d.annotations?.['org.opencontainers.image.ref.name']]),
    ).toEqual([
      [built.manifestDigest, '1.4.0'],
      [built.manifestDigest, 'champion'],
    ]);
    const manifest = await readJson<ImageManifest>(
      join(dir, 'blobs', 'sha256', built.manifestDigest.slice(7)),
    );
    expect(manifest.layers).toEqual(built.layers);
    expect(built.size).toBe(
      built.manifest.descriptor.size + manifest.config.size + manifest.layers.reduce((s, l) => s + l.size, 0),
    );
  });
});

describe('buildImage hooks', () => {
  it('feeds every byte of every file to the content check, then finishes it', async () => {
    const seen: Record<string, { size: number; sha256: string; finished: boolean }> = {};
    await buildImage(input(), await OciLayoutSink.open(join(work, 'checked')), {
      check: async (path, size) => {
        const hash = createHash('sha256');
        return {
          update: (chunk) => void hash.update(chunk),
          finish: () => void (seen[path] = { size, sha256: hash.digest('hex'), finished: true }),
        };
      },
    });
    for (const file of files) {
      expect(seen[file.path]).toEqual({
        size: file.size,
        sha256: await sha256File(join(modelDir, file.path)),
        finished: true,
      });
    }
  });

  it.each([
    { name: 'finish throws', where: 'finish' as const },
    { name: 'update throws', where: 'update' as const },
  ])('aborts with nothing tagged when the check throws ($name)', async ({ where }) => {
    const dir = join(work, `check-fails-${where}`);
    const failing = new Error('digest of weights/model.safetensors does not match the signature');
    const building = buildImage(input(), await OciLayoutSink.open(dir), {
      check: async (path) => ({
        update: () => {
          if (where === 'update' && path === 'weights/model.safetensors') throw failing;
        },
        finish: () => {
          if (where === 'finish' && path === 'weights/model.safetensors') throw failing;
        },
      }),
    });
    await expect(building).rejects.toMatchObject({
      code: 'content-check-failed',
      message: expect.stringContaining('checking model file weights/model.safetensors: digest of'),
      cause: failing,
    });
    expect((await readJson<ImageIndex>(join(dir, 'index.json'))).manifests).toEqual([]);
    expect((await readdir(join(dir, 'blobs'))).filter((n) => n !== 'sha256')).toEqual([]);
  });

  it('refuses a file that changed size since verification', async () => {
    const dir = join(work, 'changed');
    const lying = files.map((f) => (f.path === 'config.json' ? { ...f, size: f.size + 1 } : f));
    await expect(buildImage(input({ files: lying }), await OciLayoutSink.open(dir))).rejects.toMatchObject({
      code: 'model-file-changed',
      message: expect.stringContaining('config.json has only'),
    });
    expect((await readJson<ImageIndex>(join(dir, 'index.json'))).manifests).toEqual([]);
  });

  it('reports progress up to the total model bytes', async () => {
    const progress: { stage: string; bytesDone: number; bytesTotal: number }[] = [];
    await buildImage(input(), await OciLayoutSink.open(join(work, 'progress')), {
      progress: (p) => progress.push(p),
    });
    const total = files.reduce((s, f) => s + f.size, 0);
    expect(progress.at(-1)).toEqual({ stage: 'model layers', bytesDone: total, bytesTotal: total });
    expect(progress.every((p, i) => i === 0 || p.bytesDone >= progress[i - 1]!.bytesDone)).toBe(true);
  });
});

describe('buildImage with layer keys', () => {
  /** A LayerDigestStore in memory. */
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

  /** Wraps a sink and counts the blob sources it opens (a model layer's source reads its files). */
  function counting(sink: ImageSink): ImageSink & { opened: number; bytes: number } {
    const counted = {
      name: sink.name,
      opened: 0,
      bytes: 0,
      hasBlob: (digest: string) => sink.hasBlob(digest),
      writeBlob: (blob: BlobToWrite, source: BlobSource) =>
        sink.writeBlob(blob, async function* () {
          counted.opened++;
          for await (const chunk of source()) {
            counted.bytes += chunk.byteLength;
            yield chunk;
          }
        }),
      writeManifest: (bytes: Uint8Array, mediaType: string, tags: readonly string[]) =>
        sink.writeManifest(bytes, mediaType, tags),
    };
    return counted;
  }

  async function fileSha256(): Promise<Map<string, string>> {
    return new Map(
      await Promise.all(files.map(async (f) => [f.path, await sha256File(join(modelDir, f.path))] as const)),
    );
  }

  function countingCheck(): { hook: ContentCheckHook; read: string[] } {
    const read: string[] = [];
    return { read, hook: async (path) => ({ update: () => void read.push(path), finish: () => undefined }) };
  }

  it('reads no file and writes no layer the second time, and builds the same image', async () => {
    const dir = join(work, 'keyed');
    const store = memoryStore();
    const sha256 = await fileSha256();
    const plain = await build('keyed-reference');

    const firstCheck = countingCheck();
    const firstSink = counting(await OciLayoutSink.open(dir));
    const first = await buildImage(input(), firstSink, {
      layerDigests: store,
      fileSha256: sha256,
      check: firstCheck.hook,
    });
    expect(first.manifestDigest).toBe(plain.built.manifestDigest);
    expect(store.entries.size).toBe(first.plan.layers.length);
    // One pass: each model layer's source opened once (plus the config), each file read once.
    expect(firstSink.opened).toBe(first.plan.layers.length + 1);
    expect(new Set(firstCheck.read)).toEqual(new Set(files.map((f) => f.path)));

    const secondCheck = countingCheck();
    const secondSink = counting(await OciLayoutSink.open(dir));
    const progress: number[] = [];
    const second = await buildImage(input({ tags: ['again'] }), secondSink, {
      layerDigests: store,
      fileSha256: sha256,
      check: secondCheck.hook,
      progress: (p) => p.stage === 'model layers' && progress.push(p.bytesDone),
    });
    expect(second.manifestDigest).toBe(first.manifestDigest);
    expect(second.layers).toEqual(first.layers);
    expect(secondCheck.read).toEqual([]);
    expect(secondSink.opened).toBe(0); // the config's digest is known too, and the layout has it
    expect(secondSink.bytes).toBe(0);
    expect(progress.at(-1)).toBe(files.reduce((sum, f) => sum + f.size, 0));
  });

  it('writes the layer when the sink lacks the blob the store names, and keeps the store right', async () => {
    const store = memoryStore();
    const sha256 = await fileSha256();
    await buildImage(input(), await OciLayoutSink.open(join(work, 'keyed-a')), {
      layerDigests: store,
      fileSha256: sha256,
    });
    // A stale entry: names a blob no sink has.
    const [staleKey] = [...store.entries.keys()];
    const right = store.entries.get(staleKey!)!;
    store.entries.set(staleKey!, { digest: `sha256:${'0'.repeat(64)}`, size: 1 });
    const check = countingCheck();
    const built = await buildImage(input(), await OciLayoutSink.open(join(work, 'keyed-b')), {
      layerDigests: store,
      fileSha256: sha256,
      check: check.hook,
    });
    expect(built.layers).toContainEqual(expect.objectContaining(right));
    expect(store.entries.get(staleKey!)).toEqual(right);
    expect(check.read.length).toBeGreaterThan(0);
  });

  it("keys nothing without the files' sha256 (shards): every layer is read", async () => {
    const store = memoryStore();
    const check = countingCheck();
    await buildImage(input(), await OciLayoutSink.open(join(work, 'unkeyed')), {
      layerDigests: store,
      fileSha256: new Map([[files[0]!.path, 'a'.repeat(64)]]),
      check: check.hook,
    });
    expect(store.entries.size).toBe(0);
    expect(new Set(check.read)).toEqual(new Set(files.map((f) => f.path)));
  });
});

describe('buildImage with the signature', () => {
  const signatureBytes = Buffer.from('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}\n');
  // Named as a file kept outside the model folder: the image calls it model.sig all the same.
  const signature: NonNullable<BuildInput['signature']> = {
    name: join('signatures', 'sentiment-1.4.0.sig'),
    bytes: signatureBytes,
  };

  it('adds one layer after the model layers, holding the verified bytes at /models/model.sig', async () => {
    const plain = await build('unsigned');
    const { dir, built } = await build('signed', { signature });
    // The model layers are the files alone: the same digests as an image without the signature.
    expect(built.modelLayers).toEqual(plain.built.layers);
    expect(built.layers).toEqual([...plain.built.layers, built.signatureLayer]);
    const entries = await readLayer(dir, built.signatureLayer!.digest);
    expect(entries.map((e) => [e.name, e.type, e.mode, e.mtime, e.size, e.sha256])).toEqual([
      ['models/', 'directory', 0o755, 0, 0, createHash('sha256').digest('hex')],
      [
        'models/model.sig',
        'file',
        0o644,
        0,
        signatureBytes.byteLength,
        createHash('sha256').update(signatureBytes).digest('hex'),
      ],
    ]);
    expect(built.config.rootfs.diff_ids.at(-1)).toBe(built.signatureLayer!.digest);
    expect(built.config.history?.at(-1)?.created_by).toBe(
      'model-promote: COPY model signature /models/model.sig',
    );
    expect(built.config.config?.Env).toContain('MODEL_SIGNATURE_PATH=/models/model.sig');
    expect(built.config.config?.Labels?.['dev.model-promote.model.signature']).toBe('/models/model.sig');
    expect(built.plan.signaturePath).toBe('/models/model.sig');
  });

  it('is deterministic: the same inputs give the same digest', async () => {
    const first = await build('signed-1', { signature });
    const second = await build('signed-2', { signature });
    expect(second.built.manifestDigest).toBe(first.built.manifestDigest);
    expect(second.built.signatureLayer).toEqual(first.built.signatureLayer);
  });

  it('unpacks with umoci to the model files and the signature beside them', async () => {
    const { dir } = await build('signed-umoci', { signature });
    const bundle = join(work, 'bundle-signed');
    await tool('umoci', ['unpack', '--rootless', '--image', `${dir}:1.4.0`, bundle]);
    expect(await readFile(join(bundle, 'rootfs', 'models', 'model.sig'))).toEqual(signatureBytes);
    expect(await sha256File(join(bundle, 'rootfs', 'models', 'config.json'))).toBe(
      await sha256File(join(modelDir, 'config.json')),
    );
  });
});

/** A file's bytes as a registry's response body would give them: chunks of uneven size, none block-aligned. */
async function* unevenChunks(file: string): AsyncIterable<Uint8Array> {
  const bytes = await readFile(join(modelDir, file));
  const sizes = [1, 511, 4093, 65_537, 300_001];
  for (let at = 0, i = 0; at < bytes.byteLength; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

describe('buildImage from streams (a streamed promotion)', () => {
  it('writes the same layers, config and manifest as the build from the folder', async () => {
    const fromFolder = await build('folder-twin');
    const opened: string[] = [];
    const streamed = await build('streamed', {
      directory: join(work, 'no-such-folder'),
      openFile: async (file) => {
        opened.push(file.path);
        return unevenChunks(file.path);
      },
    });
    expect(streamed.built.manifestDigest).toBe(fromFolder.built.manifestDigest);
    expect(streamed.built.layers).toEqual(fromFolder.built.layers);
    expect(opened.sort()).toEqual(files.map((f) => f.path).sort());
  });

  it('fails a layer whose stream ends early, naming the file; no manifest is written', async () => {
    const dir = join(work, 'streamed-short');
    const sink = await OciLayoutSink.open(dir);
    await expect(
      buildImage(
        input({
          openFile: async (file) =>
            (async function* () {
              yield* unevenChunks(file.path);
              if (file.path === 'tokenizer/vocab.txt') throw new Error('connection reset by the registry');
            })(),
        }),
        sink,
      ),
    ).rejects.toMatchObject({
      code: 'model-file-changed',
      message: expect.stringMatching(/tokenizer\/vocab\.txt.*connection reset/),
    });
    expect((await readJson<ImageIndex>(join(dir, 'index.json'))).manifests).toEqual([]);
  });
});

describe('planImage', () => {
  it('describes the layers, base and config without reading files', () => {
    const plan = planImage({ ...input(), files: [...files, { path: 'not/on/disk.bin', size: 100 * MiB }] });
    expect(plan.layers.map((l) => [l.kind, l.files.map((f) => f.path), l.bytes])).toEqual([
      [
        'shared',
        ['config.json', `nested/${'long-directory-name-'.repeat(6)}/file.bin`, 'tokenizer/vocab.txt'],
        41,
      ],
      ['file', ['not/on/disk.bin'], 100 * MiB],
      ['file', ['weights/model.safetensors'], 64 * MiB],
    ]);
    expect(plan.base).toEqual({ reference: 'scratch', layers: 0, bytes: 0 });
    expect(plan.config.env).toContainEqual(['MODEL_PATH', '/models']);
  });

  it('refuses an invalid tag before anything is written', () => {
    expect(() => planImage(input({ tags: ['no spaces'] }))).toThrow(
      expect.objectContaining({ code: 'tag-invalid' }),
    );
  });
});

describe('readFile sanity', () => {
  it('the big model file is 64 MiB of zeros', async () => {
    expect((await readFile(join(modelDir, 'weights/model.safetensors'))).byteLength).toBe(64 * MiB);
  });
});
