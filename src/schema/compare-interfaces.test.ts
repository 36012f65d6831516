import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { checkCompatibility, compareInterfaces } from './compare-interfaces.js';
import { extractInterface } from './extract-interface.js';
import { folderFiles } from './model-files.js';
import type { ModelInterface } from './model-interface.js';
import { parseMlmodelSignature } from './read-mlmodel.js';

const iface = (
  inputs: ModelInterface['inputs'],
  outputs: ModelInterface['outputs'] = [],
): ModelInterface => ({
  source: 'model-schema.json',
  file: 'model-schema.json',
  inputs,
  outputs,
  tensors: [],
});

describe('compareInterfaces', () => {
  const cases: {
    name: string;
    before: ModelInterface;
    after: ModelInterface;
    breaking: string[];
    additions?: number;
    compatible?: number;
  }[] = [
    {
      name: 'same',
      before: iface([{ name: 'x', dtype: 'float32', shape: [null, 4] }]),
      after: iface([{ name: 'x', dtype: 'float32', shape: [null, 4] }]),
      breaking: [],
    },
    {
      name: 'input removed',
      before: iface([{ name: 'x', dtype: 'float32' }]),
      after: iface([]),
      breaking: ['removed'],
    },
    {
      name: 'dtype changed',
      before: iface([{ name: 'x', dtype: 'float32' }]),
      after: iface([{ name: 'x', dtype: 'int64' }]),
      breaking: ['dtype'],
    },
    {
      name: 'fixed dim changed',
      before: iface([{ name: 'x', dtype: 'float32', shape: [null, 4] }]),
      after: iface([{ name: 'x', dtype: 'float32', shape: [null, 8] }]),
      breaking: ['dimension'],
    },
    {
      name: 'rank changed',
      before: iface([{ name: 'x', dtype: 'float32', shape: [4] }]),
      after: iface([{ name: 'x', dtype: 'float32', shape: [4, 1] }]),
      breaking: ['rank'],
    },
    {
      name: 'input relaxed to dynamic',
      before: iface([{ name: 'x', dtype: 'float32', shape: [1, 4] }]),
      after: iface([{ name: 'x', dtype: 'float32', shape: [null, 4] }]),
      breaking: [],
      compatible: 1,
    },
    {
      name: 'input narrowed to fixed',
      before: iface([{ name: 'x', dtype: 'float32', shape: [null] }]),
      after: iface([{ name: 'x', dtype: 'float32', shape: [3] }]),
      breaking: ['dimension'],
    },
    {
      name: 'output relaxed to dynamic',
      before: iface([], [{ name: 'y', dtype: 'float32', shape: [2] }]),
      after: iface([], [{ name: 'y', dtype: 'float32', shape: [null] }]),
      breaking: ['dimension'],
    },
    {
      name: 'input and output added',
      before: iface([]),
      after: iface([{ name: 'x', dtype: 'string' }], [{ name: 'y', dtype: 'string' }]),
      breaking: [],
      additions: 2,
    },
  ];
  it.each(cases)('$name', ({ before, after, breaking, additions = 0, compatible = 0 }) => {
    const result = compareInterfaces(before, after);
    expect(result.breaking.map((c) => c.kind)).toEqual(breaking);
    expect(result.additions).toHaveLength(additions);
    expect(result.compatible).toHaveLength(compatible);
  });
});

describe('checkCompatibility', () => {
  it('refuses a breaking change unless allowed, naming the change', () => {
    const before = iface([{ name: 'text', dtype: 'string' }]);
    const after = iface([{ name: 'text', dtype: 'int64' }]);
    expect(() => checkCompatibility(before, after, false)).toThrow(
      expect.objectContaining({
        kind: 'refused',
        code: 'breaking-schema',
        message: expect.stringContaining('input `text`: dtype string -> int64'),
      }),
    );
    expect(checkCompatibility(before, after, true).breaking.map((c) => c.description)).toEqual([
      'input `text`: dtype string -> int64',
    ]);
  });

  it('has nothing to break without a previous interface', () => {
    expect(
      checkCompatibility(undefined, iface([{ name: 'x', dtype: 'string' }]), false).additions,
    ).toHaveLength(1);
  });
});

describe('extractInterface', () => {
  it('reads the example model from its config.json, and v1 -> v2 is compatible', async () => {
    const v1 = await extractInterface(
      await folderFiles(path.resolve('examples/registry/sentiment/1'), 'model.sig'),
    );
    const v2 = await extractInterface(
      await folderFiles(path.resolve('examples/registry/sentiment/2'), 'model.sig'),
    );
    expect(v2).toEqual({
      source: 'config.json',
      file: 'config.json',
      inputs: [{ name: 'text', dtype: 'string' }],
      outputs: [
        { name: 'label', dtype: 'string' },
        { name: 'score', dtype: 'float32' },
      ],
      tensors: [],
    });
    expect(checkCompatibility(v1, v2!, false).breaking).toEqual([]);
  });

  it('reads an MLmodel signature (column and tensor specs)', () => {
    const text = `flavors: {}\nsignature:\n  inputs: '[{"type": "string", "name": "text"}, {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}, "name": "x"}]'\n  outputs: '[{"type": "double"}]'\n`;
    expect(parseMlmodelSignature(text, 'MLmodel')).toMatchObject({
      inputs: [
        { name: 'text', dtype: 'string' },
        { name: 'x', dtype: 'float32', shape: [null, 4] },
      ],
      outputs: [{ name: '#0', dtype: 'float64' }],
    });
  });
});
