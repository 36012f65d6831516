import { describe, expect, it } from '@jest/globals';
import { type ModelFile, planLayers } from './layer-plan.js';
import { layerKey } from './layer-key.js';
import { TAR_LAYER_FORMAT } from '../oci/tar-layer.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

interface KeyInput {
  readonly files: readonly ModelFile[];
  readonly sha256: Readonly<Record<string, string>>;
  readonly modelPath: string;
  readonly epoch: number;
  readonly format: string;
}

const base: KeyInput = {
  files: [
    { path: 'config.json', size: 10 },
    { path: 'weights/model.safetensors', size: 20 },
  ],
  sha256: { 'config.json': A, 'weights/model.safetensors': B },
  modelPath: '/models',
  epoch: 0,
  format: TAR_LAYER_FORMAT,
};

/** The key of the single (shared) layer the input plans to. */
function keyOf(input: KeyInput): string | undefined {
  const layers = planLayers(input.files, input.modelPath);
  expect(layers).toHaveLength(1);
  return layerKey(layers[0]!, input.epoch, new Map(Object.entries(input.sha256)), input.format);
}

describe('layerKey', () => {
  it('is 64 hex and the same for the same inputs', () => {
    expect(keyOf(base)).toMatch(/^[a-f0-9]{64}$/);
    expect(keyOf({ ...base, files: [...base.files].reverse() })).toBe(keyOf(base));
    // Upper-case hex names the same digest.
    expect(keyOf({ ...base, sha256: { ...base.sha256, 'config.json': A.toUpperCase() } })).toBe(keyOf(base));
  });

  it.each<{ name: string; change: Partial<KeyInput> }>([
    {
      name: 'a file path',
      change: {
        files: [base.files[0]!, { path: 'weights/other.safetensors', size: 20 }],
        sha256: { 'config.json': A, 'weights/other.safetensors': B },
      },
    },
    {
      name: 'a folder (same file name)',
      change: {
        files: [base.files[0]!, { path: 'w/model.safetensors', size: 20 }],
        sha256: { 'config.json': A, 'w/model.safetensors': B },
      },
    },
    {
      name: 'a file size',
      change: { files: [base.files[0]!, { path: 'weights/model.safetensors', size: 21 }] },
    },
    { name: 'a file sha256', change: { sha256: { ...base.sha256, 'weights/model.safetensors': C } } },
    {
      name: 'two files swap contents',
      change: { sha256: { 'config.json': B, 'weights/model.safetensors': A } },
    },
    {
      name: 'one more file',
      change: {
        files: [...base.files, { path: 'vocab.txt', size: 1 }],
        sha256: { ...base.sha256, 'vocab.txt': C },
      },
    },
    { name: 'the modelPath prefix', change: { modelPath: '/opt/models' } },
    { name: 'the modelPath at the root', change: { modelPath: '/' } },
    { name: 'SOURCE_DATE_EPOCH', change: { epoch: 1_700_000_000 } },
    { name: 'the tar format', change: { format: `${TAR_LAYER_FORMAT}+next` } },
  ])('changes with $name', ({ change }) => {
    const changed = keyOf({ ...base, ...change });
    expect(changed).toMatch(/^[a-f0-9]{64}$/);
    expect(changed).not.toBe(keyOf(base));
  });

  it.each<{ name: string; sha256: Record<string, string> }>([
    { name: 'a file has no sha256 (shards)', sha256: { 'config.json': A } },
    { name: 'a sha256 is not 64 hex', sha256: { ...base.sha256, 'config.json': 'abc' } },
  ])('is undefined when $name', ({ sha256 }) => {
    expect(keyOf({ ...base, sha256 })).toBeUndefined();
  });
});
