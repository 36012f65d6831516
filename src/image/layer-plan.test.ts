import { describe, expect, it } from '@jest/globals';
import { ImageError } from './image-error.js';
import {
  OWN_LAYER_THRESHOLD,
  planLayers,
  planSignatureLayer,
  signatureImagePath,
  tarPrefix,
} from './layer-plan.js';

const MiB = 1024 * 1024;

/** A layer as `kind: name name ...` (directories end with /). */
function show(layers: ReturnType<typeof planLayers>): string[] {
  return layers.map((l) => `${l.kind}: ${l.entries.map((e) => e.name).join(' ')}`);
}

describe('planLayers', () => {
  it.each([
    {
      name: 'small files share one layer, sorted, with parent folders',
      files: [
        { path: 'tokenizer/vocab.txt', size: 10 },
        { path: 'config.json', size: 5 },
      ],
      modelPath: '/models',
      layers: ['shared: models/ models/config.json models/tokenizer/ models/tokenizer/vocab.txt'],
    },
    {
      name: 'a file of exactly 64 MiB gets its own layer, after the shared one',
      files: [
        { path: 'b.bin', size: OWN_LAYER_THRESHOLD },
        { path: 'a.json', size: 1 },
      ],
      modelPath: '/models',
      layers: ['shared: models/ models/a.json', 'file: models/ models/b.bin'],
    },
    {
      name: 'just under 64 MiB stays in the shared layer',
      files: [{ path: 'w.bin', size: OWN_LAYER_THRESHOLD - 1 }],
      modelPath: '/opt/model/',
      layers: ['shared: opt/ opt/model/ opt/model/w.bin'],
    },
    {
      name: 'big files only: one layer each, by path (byte order)',
      files: [
        { path: 'weights/z.safetensors', size: 100 * MiB },
        { path: 'weights/B.safetensors', size: 70 * MiB },
        { path: 'weights/a.safetensors', size: 64 * MiB },
      ],
      modelPath: '/m',
      layers: [
        'file: m/ m/weights/ m/weights/B.safetensors',
        'file: m/ m/weights/ m/weights/a.safetensors',
        'file: m/ m/weights/ m/weights/z.safetensors',
      ],
    },
    {
      name: 'modelPath / puts files at the root',
      files: [{ path: 'sub/x', size: 1 }],
      modelPath: '/',
      layers: ['shared: sub/ sub/x'],
    },
    {
      name: 'a folder sorts before its children even when a sibling name sorts between',
      files: [
        { path: 'a/b', size: 1 },
        { path: 'a-b', size: 1 },
      ],
      modelPath: '/models',
      layers: ['shared: models/ models/a-b models/a/ models/a/b'],
    },
  ])('$name', ({ files, modelPath, layers }) => {
    expect(show(planLayers(files, modelPath))).toEqual(layers);
  });

  it('counts bytes and files per layer', () => {
    const [shared, big] = planLayers(
      [
        { path: 'a', size: 3 },
        { path: 'b', size: 4 },
        { path: 'c', size: 64 * MiB },
      ],
      '/models',
    );
    expect(shared).toMatchObject({ bytes: 7, files: [{ path: 'a' }, { path: 'b' }] });
    expect(big).toMatchObject({ bytes: 64 * MiB, files: [{ path: 'c' }] });
  });

  it.each([
    { name: 'no files', files: [], modelPath: '/models', code: 'model-empty' },
    {
      name: 'absolute path',
      files: [{ path: '/etc/passwd', size: 1 }],
      modelPath: '/models',
      code: 'model-path-invalid',
    },
    {
      name: 'dot-dot',
      files: [{ path: 'a/../../x', size: 1 }],
      modelPath: '/models',
      code: 'model-path-invalid',
    },
    {
      name: 'empty segment',
      files: [{ path: 'a//x', size: 1 }],
      modelPath: '/models',
      code: 'model-path-invalid',
    },
    {
      name: 'listed twice',
      files: [
        { path: 'a', size: 1 },
        { path: 'a', size: 1 },
      ],
      modelPath: '/models',
      code: 'model-path-invalid',
    },
    {
      name: 'file is also a folder',
      files: [
        { path: 'a', size: 1 },
        { path: 'a/b', size: 1 },
      ],
      modelPath: '/models',
      code: 'model-path-invalid',
    },
    {
      name: 'negative size',
      files: [{ path: 'a', size: -1 }],
      modelPath: '/models',
      code: 'model-path-invalid',
    },
    {
      name: 'relative modelPath',
      files: [{ path: 'a', size: 1 }],
      modelPath: 'models',
      code: 'model-path-invalid',
    },
    {
      name: 'modelPath with ..',
      files: [{ path: 'a', size: 1 }],
      modelPath: '/models/../etc',
      code: 'model-path-invalid',
    },
  ])('refuses $name', ({ files, modelPath, code }) => {
    expect(() => planLayers(files, modelPath)).toThrow(ImageError);
    expect(() => planLayers(files, modelPath)).toThrow(expect.objectContaining({ code }));
  });
});

describe('tarPrefix', () => {
  it.each([
    { modelPath: '/models', prefix: 'models' },
    { modelPath: '/models/', prefix: 'models' },
    { modelPath: '/opt/ml/model', prefix: 'opt/ml/model' },
    { modelPath: '/', prefix: '' },
  ])('$modelPath -> "$prefix"', ({ modelPath, prefix }) => {
    expect(tarPrefix(modelPath)).toBe(prefix);
  });
});

describe('planSignatureLayer', () => {
  it.each([
    { modelPath: '/models', path: '/models/model.sig' },
    { modelPath: '/opt/ml/model/', path: '/opt/ml/model/model.sig' },
    { modelPath: '/', path: '/model.sig' },
  ])('puts the signature at $path, beside the model files', ({ modelPath, path }) => {
    const layer = planSignatureLayer({ source: 'custom.sig', size: 42 }, modelPath, [
      { path: 'config.json', size: 5 },
    ]);
    expect(signatureImagePath(modelPath)).toBe(path);
    const dirs = path.slice(1).split('/').slice(0, -1);
    expect(layer.entries.map((e) => e.name)).toEqual([
      ...dirs.map((_, i) => `${dirs.slice(0, i + 1).join('/')}/`),
      path.slice(1),
    ]);
    expect(layer.kind).toBe('signature');
    // The file is read from its own name in its folder; only the tar name is model.sig.
    expect(layer.files).toEqual([{ path: 'custom.sig', size: 42 }]);
    expect(layer.bytes).toBe(42);
  });

  it('leaves the model layers as they were: none of them holds the signature', () => {
    const files = [
      { path: 'config.json', size: 5 },
      { path: 'weights.bin', size: OWN_LAYER_THRESHOLD },
    ];
    const names = planLayers(files, '/models').flatMap((l) => l.entries.map((e) => e.name));
    expect(names).not.toContain('models/model.sig');
  });

  it('refuses a model with its own model.sig, which the signature would overwrite', () => {
    expect(() =>
      planSignatureLayer({ source: 'model.sig', size: 1 }, '/models', [{ path: 'model.sig', size: 3 }]),
    ).toThrow(expect.objectContaining({ code: 'model-path-invalid', kind: 'usage' }));
  });
});
