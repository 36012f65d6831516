import { describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { MediaType } from '../oci/media-types.js';
import {
  annotationLabels,
  buildConfig,
  buildManifest,
  classifyFile,
  configLabels,
  layerMediaType,
  MODELPACK_ARTIFACT_TYPE,
  MODELPACK_CONFIG_TYPE,
  parseLayerMediaType,
  parseModelPackManifest,
} from './modelpack.js';
import { fileFromLayer } from './modelpack-layer.js';
import { modelRepository, parseOciLocation } from './oci-model-registry.js';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('buildManifest / parseModelPackManifest', () => {
  const layers = [
    { path: 'config.json', size: 409, digest: D('1'), layerSize: 2048, sourceDateEpoch: 0, prefix: 'models' },
    {
      path: 'weights.safetensors',
      size: 256,
      digest: D('2'),
      layerSize: 2048,
      sourceDateEpoch: 1_700_000_000,
      prefix: 'opt/model',
    },
    { path: 'README.md', size: 10, digest: D('3'), layerSize: 1536, sourceDateEpoch: 0, prefix: '' },
    { path: 'blob.xyz', size: 1, digest: D('4'), layerSize: 1536, sourceDateEpoch: 0, prefix: 'models' },
  ];
  const manifest = buildManifest({
    config: { mediaType: MODELPACK_CONFIG_TYPE, digest: D('c'), size: 100 },
    layers,
    version: '2',
    labels: { accelerator: 'nvidia', 'gpu-memory': '40Gi' },
  });

  it('writes the spec: artifactType, config type, one layer per file with its path and metadata', () => {
    expect(manifest).toMatchObject({
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      artifactType: MODELPACK_ARTIFACT_TYPE,
      config: { mediaType: MODELPACK_CONFIG_TYPE, digest: D('c'), size: 100 },
      annotations: {
        'org.opencontainers.image.version': '2',
        'dev.model-promote.label.accelerator': 'nvidia',
        'dev.model-promote.label.gpu-memory': '40Gi',
      },
    });
    expect(manifest.layers.map((l) => [l.mediaType, l.annotations?.['org.cncf.model.filepath']])).toEqual([
      ['application/vnd.cncf.model.weight.config.v1.tar', 'config.json'],
      ['application/vnd.cncf.model.weight.v1.tar', 'weights.safetensors'],
      ['application/vnd.cncf.model.doc.v1.tar', 'README.md'],
      ['application/vnd.cncf.model.weight.config.v1.tar', 'blob.xyz'],
    ]);
    expect(manifest.layers[3]!.annotations?.['org.cncf.model.file.mediatype.untested']).toBe('true');
    expect(JSON.parse(manifest.layers[1]!.annotations!['org.cncf.model.file.metadata+json']!)).toEqual({
      name: 'weights.safetensors',
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: 256,
      mtime: '2023-11-14T22:13:20.000Z',
      typeflag: 48,
    });
    expect(manifest.layers.map((l) => l.annotations?.['dev.model-promote.layer.prefix'])).toEqual([
      'models',
      'opt/model',
      '',
      'models',
    ]);
  });

  it('reads back what it wrote', () => {
    const parsed = parseModelPackManifest(MediaType.ImageManifest, json(manifest), 'r/m:2');
    expect(parsed.version).toBe('2');
    expect(parsed.annotationLabels).toEqual({ accelerator: 'nvidia', 'gpu-memory': '40Gi' });
    expect(parsed.files.map((f) => [f.path, f.format, f.size, f.sha256])).toEqual([
      ['config.json', 'tar', 409, undefined],
      ['weights.safetensors', 'tar', 256, undefined],
      ['README.md', 'tar', 10, undefined],
      ['blob.xyz', 'tar', 1, undefined],
    ]);
    expect(parsed.files.map((f) => [f.prefix, f.sourceDateEpoch])).toEqual([
      ['models', 0],
      ['opt/model', 1_700_000_000],
      ['', 0],
      ['models', 0],
    ]);
  });

  it.each([
    { prefix: '../etc', message: /not a clean relative path/ },
    { prefix: '/models', message: /not a clean relative path/ },
    { prefix: 'models/', message: /not a clean relative path/ },
  ])('refuses a layer prefix $prefix', ({ prefix, message }) => {
    const [first, ...rest] = manifest.layers;
    const bad = {
      ...manifest,
      layers: [
        { ...first, annotations: { ...first!.annotations, 'dev.model-promote.layer.prefix': prefix } },
        ...rest,
      ],
    };
    expect(() => parseModelPackManifest(MediaType.ImageManifest, json(bad), 'r/m:2')).toThrow(message);
  });

  const base = {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    artifactType: MODELPACK_ARTIFACT_TYPE,
    config: { mediaType: MODELPACK_CONFIG_TYPE, digest: D('c'), size: 2 },
  };
  const layer = (mediaType: string, annotations?: Record<string, string>, size = 10) => ({
    mediaType,
    digest: D('a'),
    size,
    ...(annotations && { annotations }),
  });
  const cases: {
    name: string;
    mediaType?: string;
    manifest: unknown;
    files?: [string, string, number | undefined, string | undefined][];
    error?: { code: string; kind: string; message: RegExp };
  }[] = [
    {
      name: 'a raw layer: the layer digest is the file sha256',
      manifest: {
        ...base,
        layers: [
          layer('application/vnd.cncf.model.weight.v1.raw', { 'org.cncf.model.filepath': 'w.bin' }, 99),
        ],
      },
      files: [['w.bin', 'raw', 99, 'a'.repeat(64)]],
    },
    {
      name: 'gzip and zstd tar layers, ./ prefix trimmed, no metadata: size unknown',
      manifest: {
        ...base,
        layers: [
          layer('application/vnd.cncf.model.code.v1.tar+gzip', { 'org.cncf.model.filepath': './src/run.py' }),
          layer('application/vnd.cncf.model.dataset.v1.tar+zstd', { 'org.cncf.model.filepath': 'data.csv' }),
        ],
      },
      files: [
        ['src/run.py', 'tar+gzip', undefined, undefined],
        ['data.csv', 'tar+zstd', undefined, undefined],
      ],
    },
    {
      name: 'no artifactType but the ModelPack config type (older modctl)',
      manifest: {
        ...base,
        artifactType: undefined,
        layers: [layer(layerMediaType('weight'), { 'org.cncf.model.filepath': 'a' })],
      },
      files: [['a', 'tar', undefined, undefined]],
    },
    {
      name: 'an ordinary container image',
      manifest: {
        ...base,
        artifactType: undefined,
        config: { mediaType: MediaType.ImageConfig, digest: D('c'), size: 2 },
        layers: [],
      },
      error: {
        code: 'not-modelpack',
        kind: 'usage',
        message:
          /r\/m:2 is not a ModelPack model artifact: its artifact type is application\/vnd\.oci\.image\.config\.v1\+json/,
      },
    },
    {
      name: 'an image index',
      mediaType: MediaType.ImageIndex,
      manifest: { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [] },
      error: {
        code: 'not-modelpack',
        kind: 'usage',
        message: /is not a ModelPack model artifact: it is an image index/,
      },
    },
    {
      name: 'a KitOps ModelKit',
      manifest: {
        ...base,
        artifactType: undefined,
        config: { mediaType: 'application/vnd.kitops.modelkit.config.v1+json', digest: D('c'), size: 2 },
        layers: [],
      },
      error: { code: 'not-modelpack', kind: 'usage', message: /is a KitOps ModelKit/ },
    },
    {
      name: 'a layer of another type',
      manifest: { ...base, layers: [layer(MediaType.Layer, { 'org.cncf.model.filepath': 'a' })] },
      error: {
        code: 'layer-unsupported',
        kind: 'refused',
        message:
          /layer 0 has media type application\/vnd\.oci\.image\.layer\.v1\.tar, not a ModelPack layer type/,
      },
    },
    {
      name: 'a layer without a file path',
      manifest: { ...base, layers: [layer(layerMediaType('doc'))] },
      error: {
        code: 'layer-unsupported',
        kind: 'refused',
        message: /has no org\.cncf\.model\.filepath annotation/,
      },
    },
    {
      name: 'a path leaving the model folder',
      manifest: {
        ...base,
        layers: [layer(layerMediaType('doc'), { 'org.cncf.model.filepath': '../etc/passwd' })],
      },
      error: {
        code: 'layer-unsupported',
        kind: 'refused',
        message: /"\.\.\/etc\/passwd" is not a clean relative path/,
      },
    },
    {
      name: 'not JSON',
      manifest: 'garbage',
      error: { code: 'not-modelpack', kind: 'usage', message: /its manifest is not JSON/ },
    },
  ];
  it.each(cases)('$name', ({ mediaType, manifest: value, files, error }) => {
    const bytes = typeof value === 'string' ? Buffer.from(value) : json(value);
    const read = () => parseModelPackManifest(mediaType ?? MediaType.ImageManifest, bytes, 'r/m:2');
    if (error) {
      let thrown: unknown;
      try {
        read();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toMatchObject({ code: error.code, kind: error.kind });
      expect((thrown as Error).message).toMatch(error.message);
    } else {
      expect(read().files.map((f) => [f.path, f.format, f.size, f.sha256])).toEqual(files);
    }
  });
});

describe('labels', () => {
  it.each<{ name: string; annotations: Record<string, string>; want: Record<string, string> }>([
    {
      name: 'our prefix',
      annotations: { 'dev.model-promote.label.runtime': 'onnx' },
      want: { runtime: 'onnx' },
    },
    {
      name: 'org.cncf.model.* keys',
      annotations: { 'org.cncf.model.accelerator': 'nvidia' },
      want: { accelerator: 'nvidia' },
    },
    {
      name: 'ours win over org.cncf.model.*; file keys and others are not labels',
      annotations: {
        'org.cncf.model.runtime': 'a',
        'dev.model-promote.label.runtime': 'b',
        'org.cncf.model.filepath': 'x',
        'org.opencontainers.image.version': '2',
        'dev.model-promote.label.': 'empty key',
      },
      want: { runtime: 'b' },
    },
  ])('annotations: $name', ({ annotations, want }) => {
    expect(annotationLabels(annotations)).toEqual(want);
  });

  it.each([
    {
      name: 'the spec fields',
      config: {
        descriptor: { family: 'qwen2' },
        config: {
          format: 'safetensors',
          paramSize: '8b',
          precision: 'bf16',
          quantization: 'awq',
          architecture: 'transformer',
        },
      },
      want: {
        format: 'safetensors',
        'param-size': '8b',
        precision: 'bf16',
        quantization: 'awq',
        architecture: 'transformer',
        family: 'qwen2',
      },
    },
    { name: 'an empty config', config: {}, want: {} },
    { name: 'not JSON', config: 'x', want: {} },
  ])('config: $name', ({ config, want }) => {
    expect(configLabels(typeof config === 'string' ? Buffer.from(config) : json(config))).toEqual(want);
  });

  it('the config of a built version lists the layers as diffIds', () => {
    expect(
      buildConfig(
        'm',
        '1',
        [{ path: 'a', size: 1, digest: D('1'), layerSize: 2, sourceDateEpoch: 0, prefix: '' }],
        'onnx',
      ),
    ).toEqual({
      descriptor: { name: 'm', version: '1' },
      modelfs: { type: 'layers', diffIds: [D('1')] },
      config: { format: 'onnx' },
    });
  });
});

describe('media types and file kinds', () => {
  it.each([
    ['application/vnd.cncf.model.weight.config.v1.tar+gzip', { kind: 'weight.config', format: 'tar+gzip' }],
    ['application/vnd.cncf.model.doc.v1.raw', { kind: 'doc', format: 'raw' }],
    ['application/vnd.cncf.model.weights.v1.tar', undefined],
    ['application/vnd.oci.image.layer.v1.tar', undefined],
  ])('%s', (mediaType, want) => {
    expect(parseLayerMediaType(mediaType)).toEqual(want);
  });

  it.each([
    ['model.safetensors', 'weight'],
    ['sub/model.onnx', 'weight'],
    ['tokenizer.json', 'weight.config'],
    ['vocab.txt', 'weight.config'],
    ['README.md', 'doc'],
    ['LICENSE', 'doc'],
    ['serve.py', 'code'],
  ])('%s is a %s file', (file, kind) => {
    expect(classifyFile(file).kind).toBe(kind);
  });
});

describe('oci:// locations', () => {
  it.each([
    { uri: 'oci://127.0.0.1:5000/models/sentiment', model: 'sentiment', want: 'models/sentiment' },
    { uri: 'oci://127.0.0.1:5000/models', model: 'sentiment', want: 'models/sentiment' },
    { uri: 'oci://ghcr.io/org/models/', model: 'sentiment', want: 'org/models/sentiment' },
    { uri: 'oci://localhost:5000', model: 'sentiment', want: 'sentiment' },
  ])('$uri + $model -> $want', ({ uri, model, want }) => {
    expect(modelRepository(parseOciLocation(uri), model)).toBe(want);
  });

  it.each(['oci://host/repo:tag', 'oci://host/Repo', 'oci://bad host/x', 'oci://h/r@sha256:abc'])(
    'refuses %s',
    (uri) => {
      expect(() => parseOciLocation(uri)).toThrow(/registry oci:\/\/.* (has an invalid|names a tag)/);
    },
  );

  it('refuses a model name that cannot be a repository', () => {
    expect(() => modelRepository(parseOciLocation('oci://h/models'), 'Sentiment')).toThrow(
      /cannot be an OCI repository name/,
    );
  });
});

async function tarOf(entries: { name: string; content?: string; type?: 'directory' }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory' });
    else pack.entry({ name: e.name, size: Buffer.byteLength(e.content ?? '') }, e.content ?? '');
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function collect(iterable: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

async function* chunked(bytes: Buffer, size = 100): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size);
}

describe('fileFromLayer', () => {
  it('streams the one file of a tar layer (folder entries allowed)', async () => {
    const layer = await tarOf([
      { name: 'sub/', type: 'directory' },
      { name: './sub/a.txt', content: 'hello '.repeat(300) },
    ]);
    expect(await collect(fileFromLayer(chunked(layer), 'tar', 'sub/a.txt', 'L'))).toBe('hello '.repeat(300));
  });

  it('streams PREFIX/path when the layer is annotated with that prefix, and nothing else', async () => {
    const layer = await tarOf([
      { name: 'opt/', type: 'directory' },
      { name: 'opt/models/', type: 'directory' },
      { name: 'opt/models/sub/', type: 'directory' },
      { name: 'opt/models/sub/a.txt', content: 'prefixed' },
    ]);
    expect(await collect(fileFromLayer(chunked(layer), 'tar', 'sub/a.txt', 'L', 'opt/models'))).toBe(
      'prefixed',
    );
    await expect(collect(fileFromLayer(chunked(layer), 'tar', 'sub/a.txt', 'L'))).rejects.toThrow(
      /the layer of sub\/a\.txt holds file "opt\/models\/sub\/a\.txt"/,
    );
    await expect(collect(fileFromLayer(chunked(layer), 'tar', 'sub/a.txt', 'L', 'models'))).rejects.toThrow(
      /the layer of models\/sub\/a\.txt holds file "opt\/models\/sub\/a\.txt"/,
    );
    const plain = await tarOf([{ name: 'a', content: 'x' }]);
    await expect(collect(fileFromLayer(chunked(plain), 'tar', 'a', 'L', 'models'))).rejects.toThrow(
      /the layer of models\/a holds file "a"/,
    );
  });

  it('unpacks gzip layers and passes raw layers through', async () => {
    const layer = gzipSync(await tarOf([{ name: 'a', content: 'gz' }]));
    expect(await collect(fileFromLayer(chunked(layer), 'tar+gzip', 'a', 'L'))).toBe('gz');
    expect(await collect(fileFromLayer(chunked(Buffer.from('raw')), 'raw', 'a', 'L'))).toBe('raw');
  });

  it.each([
    {
      name: 'another file',
      entries: [{ name: 'b', content: 'x' }],
      message: /the layer of a holds file "b"/,
    },
    {
      name: 'two files',
      entries: [
        { name: 'a', content: 'x' },
        { name: 'c', content: 'y' },
      ],
      message: /holds file "c"/,
    },
    {
      name: 'nothing',
      entries: [{ name: 'd/', type: 'directory' as const }],
      message: /holds no file at all/,
    },
  ])('refuses a layer holding $name', async ({ entries, message }) => {
    const layer = await tarOf(entries);
    await expect(collect(fileFromLayer(chunked(layer), 'tar', 'a', 'L'))).rejects.toThrow(message);
  });

  it('fails when the blob fails, even after the file was read (a digest check at the end)', async () => {
    const layer = await tarOf([{ name: 'a', content: 'x' }]);
    async function* failing(): AsyncIterable<Uint8Array> {
      yield* chunked(layer);
      throw new Error('digest mismatch');
    }
    await expect(collect(fileFromLayer(failing(), 'tar', 'a', 'L'))).rejects.toThrow(/digest mismatch/);
  });
});
