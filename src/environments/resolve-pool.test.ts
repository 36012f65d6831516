import { describe, expect, it } from '@jest/globals';
import { catalogSchema, type Catalog } from './catalog-schema.js';
import { EnvironmentError } from './environment-error.js';
import { resolvePool } from './resolve-pool.js';

type PoolInput = { name: string; priority?: number; requirements?: object; base?: Record<string, string> };

function catalogOf(pools: PoolInput[]): Catalog {
  return catalogSchema.parse({
    apiVersion: 'model-promote/v1',
    kind: 'ComputeCatalog',
    environments: {
      production: {
        pools: pools.map(({ name, priority, requirements, base }) => ({
          name,
          ...(priority !== undefined && { priority }),
          ...(requirements && { requirements }),
          image: { base: base ?? { default: 'scratch' } },
        })),
      },
      staging: { pools: [{ name: 'any', image: { base: { default: 'scratch' } } }] },
    },
  });
}

const nvidia = { matchLabels: { accelerator: 'nvidia' } };
const nvidiaSmall = {
  matchLabels: { accelerator: 'nvidia' },
  matchExpressions: [{ key: 'gpu-memory', operator: 'Le', values: ['24Gi'] }],
};
const labels = { accelerator: 'nvidia', 'gpu-memory': '16Gi', runtime: 'onnx' };

describe('resolvePool: tie rule', () => {
  const cases: { name: string; pools: PoolInput[]; winner: string; reasons: string[] }[] = [
    {
      name: 'the only match',
      pools: [
        { name: 'amd', requirements: { matchLabels: { accelerator: 'amd' } } },
        { name: 'gpu', requirements: nvidia },
      ],
      winner: 'gpu',
      reasons: [
        'label accelerator=nvidia is not amd (needs accelerator=amd)',
        'selected: the only matching pool',
      ],
    },
    {
      name: 'highest priority wins over specificity and order',
      pools: [
        { name: 'specific', requirements: nvidiaSmall },
        { name: 'preferred', priority: 5, requirements: nvidia },
      ],
      winner: 'preferred',
      reasons: [
        'matches, but preferred wins: lower priority (0 < 5)',
        'selected: highest priority (5 > 0 of specific)',
      ],
    },
    {
      name: 'same priority: the most specific wins',
      pools: [
        { name: 'broad', requirements: nvidia },
        { name: 'specific', requirements: nvidiaSmall },
      ],
      winner: 'specific',
      reasons: [
        'matches, but specific wins: same priority, fewer requirements (1 < 2)',
        'selected: same priority as broad, most specific (2 > 1 requirements)',
      ],
    },
    {
      name: 'full tie: catalog order',
      pools: [
        { name: 'first', requirements: nvidia },
        { name: 'second', requirements: nvidia },
        { name: 'third', priority: -1 },
      ],
      winner: 'first',
      reasons: [
        'selected: same priority and requirements as second, first in catalog order',
        'matches, but first wins: same priority and requirements, earlier in catalog order',
        'matches, but first wins: lower priority (-1 < 0)',
      ],
    },
    {
      name: 'a pool without a base for the runtime does not match',
      pools: [
        { name: 'torch-only', priority: 9, requirements: nvidia, base: { pytorch: 'scratch' } },
        { name: 'onnx', requirements: nvidia, base: { onnx: 'oci-layout:/layouts/onnx:1.18' } },
      ],
      winner: 'onnx',
      reasons: [
        'no base image for runtime onnx and no default (image.base has pytorch)',
        'selected: the only matching pool',
      ],
    },
  ];
  it.each(cases)('$name', ({ pools, winner, reasons }) => {
    const choice = resolvePool(catalogOf(pools), 'production', labels);
    expect(choice.pool.name).toBe(winner);
    expect(choice.environment).toBe('production');
    expect(choice.explanation.map((r) => r.reason)).toEqual(reasons);
    expect(choice.explanation.filter((r) => r.selected).map((r) => r.pool)).toEqual([winner]);
    expect(choice.explanation.map((r) => r.pool)).toEqual(pools.map((p) => p.name));
  });
});

describe('resolvePool: base image', () => {
  const cases: {
    name: string;
    base: Record<string, string>;
    labels: Record<string, string>;
    key: string;
    kind: string;
  }[] = [
    {
      name: 'runtime picks its base',
      base: { default: 'scratch', onnx: 'nvcr.io/nvidia/tritonserver:24.05-py3' },
      labels,
      key: 'onnx',
      kind: 'registry',
    },
    {
      name: 'default when the runtime has none',
      base: { default: 'scratch', pytorch: 'x/y:1' },
      labels,
      key: 'default',
      kind: 'scratch',
    },
    {
      name: 'default without a runtime label',
      base: { default: 'oci-layout:/l' },
      labels: { accelerator: 'nvidia' },
      key: 'default',
      kind: 'oci-layout',
    },
  ];
  it.each(cases)('$name', ({ base, labels: modelLabels, key, kind }) => {
    const choice = resolvePool(catalogOf([{ name: 'p', base }]), 'production', modelLabels);
    expect(choice.baseKey).toBe(key);
    expect(choice.base.kind).toBe(kind);
  });

  it('explains a missing runtime label', () => {
    const error = catchError(() =>
      resolvePool(catalogOf([{ name: 'p', base: { onnx: 'scratch' } }]), 'production', {}),
    );
    expect(error.explanation[0]?.reason).toBe(
      'model has no runtime label and image.base has no default (has onnx)',
    );
  });
});

function catchError(fn: () => unknown): EnvironmentError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EnvironmentError) return error;
    throw error;
  }
  throw new Error('expected an EnvironmentError');
}

describe('resolvePool: refusals', () => {
  it('refuses with every row when no pool matches', () => {
    const catalog = catalogOf([
      { name: 'amd', requirements: { matchLabels: { accelerator: 'amd' } } },
      {
        name: 'big',
        requirements: { matchExpressions: [{ key: 'gpu-memory', operator: 'Gt', values: ['24Gi'] }] },
      },
    ]);
    const error = catchError(() => resolvePool(catalog, 'production', labels));
    expect(error).toMatchObject({ kind: 'refused', code: 'no-matching-pool', exitCode: 1 });
    expect(error.explanation).toEqual([
      {
        pool: 'amd',
        matched: false,
        selected: false,
        priority: 0,
        requirements: 1,
        reason: 'label accelerator=nvidia is not amd (needs accelerator=amd)',
      },
      {
        pool: 'big',
        matched: false,
        selected: false,
        priority: 0,
        requirements: 1,
        reason: 'label gpu-memory=16Gi is not > 24Gi',
      },
    ]);
    expect(error.message).toContain('no pool of environment production matches the model');
    expect(error.message).toContain('big   0         no     label gpu-memory=16Gi is not > 24Gi');
    expect(error.hint).toBeTruthy();
  });

  it('names the known environments for an unknown one', () => {
    const error = catchError(() =>
      resolvePool({ catalog: catalogOf([{ name: 'p' }]), file: 'c.yaml' }, 'prod', labels),
    );
    expect(error).toMatchObject({ kind: 'usage', code: 'unknown-environment', exitCode: 2 });
    expect(error.message).toBe('unknown environment "prod"; the catalog c.yaml defines production, staging');
  });

  it('does not take inherited properties for environments', () => {
    expect(() => resolvePool(catalogOf([{ name: 'p' }]), 'constructor', labels)).toThrow(
      'unknown environment',
    );
  });
});
