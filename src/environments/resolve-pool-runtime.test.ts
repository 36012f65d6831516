/** resolvePool with drivers and runtimes: variant choice, refusals, and what must be read first. */
import { describe, expect, it } from '@jest/globals';
import { catalogSchema, type Catalog } from './catalog-schema.js';
import { EnvironmentError } from './environment-error.js';
import { baseRuntimeKey, basesToInspect, resolvePool, type BaseRuntimes } from './resolve-pool.js';

function catalogOf(pools: Record<string, unknown>[]): Catalog {
  return catalogSchema.parse({
    apiVersion: 'model-promote/v1',
    kind: 'ComputeCatalog',
    environments: { production: { pools } },
  });
}

const gpu = (name: string, driver: string, base: unknown, extra: Record<string, unknown> = {}) => ({
  name,
  requirements: { matchLabels: { accelerator: 'nvidia' } },
  accelerator: { vendor: 'nvidia' },
  driver: { version: driver },
  image: { base: { default: base } },
  ...extra,
});

const labels = { accelerator: 'nvidia' };
const cu118 = 'registry.example.com/serve:cu118';
const cu124 = 'registry.example.com/serve:cu124';
const cu126 = 'registry.example.com/serve:cu126';

/** What image/base-image.ts would have read from those images' configs. */
const read: BaseRuntimes = new Map(
  [
    [cu118, '11.8.0'],
    [cu124, '12.4.1'],
    [cu126, '12.6.3'],
  ].map(([ref = '', cuda]) => [
    baseRuntimeKey({ ref, platform: 'linux/amd64' }),
    { cuda, source: 'image env CUDA_VERSION' },
  ]),
);

function refusal(fn: () => unknown): EnvironmentError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EnvironmentError) return error;
    throw error;
  }
  throw new Error('expected an EnvironmentError');
}

describe('resolvePool: base variants', () => {
  const cases: {
    name: string;
    driver: string;
    variants: unknown;
    labels?: Record<string, string>;
    chosen: string;
    runtime: RegExp;
  }[] = [
    {
      name: 'the newest variant the driver runs fully',
      driver: '550.90.07',
      variants: [cu118, cu124],
      chosen: cu124,
      runtime:
        /^registry\.example\.com\/serve:cu124: driver 550\.90\.07 runs CUDA 12\.4\.1 .*; newest of 2 variants$/,
    },
    {
      name: 'minor-version compatibility counts: newest still wins, caveat shown',
      driver: '535.104.05',
      variants: [cu124, cu126, cu118],
      chosen: cu126,
      runtime: /cu126: .*through minor-version compatibility/,
    },
    {
      name: 'an old driver skips the variants it cannot run',
      driver: '520.61.05',
      variants: [cu126, cu118],
      chosen: cu118,
      runtime: /cu118: driver 520\.61\.05 runs CUDA 11\.8\.0/,
    },
    {
      name: "the model's range narrows the choice",
      driver: '560.35.05',
      variants: [cu126, cu124],
      labels: { cuda: '>=12.1 <12.5' },
      chosen: cu124,
      runtime: /cu124: .*; model needs cuda >=12\.1 <12\.5; newest of 2 variants$/,
    },
    {
      name: 'a runtime declared in the catalog needs no reading',
      driver: '550.90.07',
      variants: [{ ref: 'registry.example.com/opaque:1', cuda: '12.2' }],
      chosen: 'registry.example.com/opaque:1',
      runtime: /^driver 550\.90\.07 runs CUDA 12\.2 \(catalog\)/,
    },
  ];

  it.each(cases)('$name', ({ driver, variants, chosen, runtime, labels: extra }) => {
    const catalog = catalogOf([gpu('gpu', driver, variants)]);
    const choice = resolvePool(catalog, 'production', { ...labels, ...extra }, read);
    expect(choice.base.ref).toBe(chosen);
    expect(choice.runtime).toMatch(runtime);
    expect(choice.explanation[0]).toMatchObject({ selected: true, runtime: choice.runtime });
  });

  it('says nothing about runtimes when no base carries one (a modelcar on a GPU pool)', () => {
    const choice = resolvePool(catalogOf([gpu('gpu', '550.90.07', 'scratch')]), 'production', labels);
    expect(choice.runtime).toBeUndefined();
    expect(choice.explanation[0]).not.toHaveProperty('runtime');
  });

  it('a pool whose variants cannot run loses to one that can, and its row says why', () => {
    const catalog = catalogOf([
      gpu('old-driver', '470.82.01', cu124, { priority: 10 }),
      gpu('new-driver', '550.90.07', cu124),
    ]);
    const choice = resolvePool(catalog, 'production', labels, read);
    expect(choice.pool.name).toBe('new-driver');
    expect(choice.explanation[0]).toMatchObject({
      pool: 'old-driver',
      matched: false,
      reason: expect.stringMatching(/^driver 470\.82\.01 cannot run CUDA 12\.4\.1/) as unknown as string,
    });
  });
});

describe('resolvePool: refused before the build', () => {
  it('no-compatible-runtime names the driver, the runtime and the fix', () => {
    const catalog = catalogOf([gpu('gpu', '470.82.01', [cu124, cu126])]);
    const error = refusal(() => resolvePool(catalog, 'production', labels, read));
    expect(error).toMatchObject({ kind: 'refused', code: 'no-compatible-runtime', exitCode: 1 });
    expect(error.message).toMatch(
      /^no pool of environment production can run the model's base image: gpu: no variant fits: .*cu124: driver 470\.82\.01 cannot run CUDA 12\.4\.1 \(image env CUDA_VERSION\): needs driver >= 550\.54\.15/,
    );
    expect(error.message).toContain('POOL  PRIORITY  MATCH  RUNTIME');
    expect(error.hint).toMatch(
      /^pool gpu: add a base variant with CUDA 11\.x up to 11\.4\.4 \(the newest driver 470\.82\.01 runs fully\), or upgrade the driver to >= 550\.54\.15 \(runs registry\.example\.com\/serve:cu124\)/,
    );
    expect(error.explanation).toHaveLength(1);
  });

  it('no-matching-pool stays the refusal when no pool got as far as its runtime', () => {
    const catalog = catalogOf([gpu('gpu', '470.82.01', cu124)]);
    expect(refusal(() => resolvePool(catalog, 'production', { accelerator: 'amd' }, read)).code).toBe(
      'no-matching-pool',
    );
  });

  it('a cuda label that is not a range is a usage error naming it', () => {
    const catalog = catalogOf([gpu('gpu', '550.90.07', cu124)]);
    const error = refusal(() => resolvePool(catalog, 'production', { ...labels, cuda: 'recent' }, read));
    expect(error).toMatchObject({ kind: 'usage', code: 'invalid-runtime-requirement', exitCode: 2 });
    expect(error.message).toBe('model label cuda="recent" is not a version range');
    expect(error.hint).toContain('>=12.1 <13');
  });
});

describe('basesToInspect', () => {
  it('names undeclared, non-scratch variants of matching pools where a runtime matters', () => {
    const catalog = catalogOf([
      gpu('gpu', '550.90.07', [cu124, { ref: cu118, cuda: '11.8' }, 'scratch']),
      { ...gpu('cpu-like', '550.90.07', cu126), requirements: { matchLabels: { accelerator: 'none' } } },
      { name: 'no-driver', image: { base: { default: cu126 } } },
      {
        name: 'arm',
        driver: { version: '550.90.07' },
        image: { base: { default: cu124 }, platform: 'linux/arm64' },
      },
    ]);
    expect(basesToInspect(catalog, 'production', labels)).toEqual([
      { ref: cu124, platform: 'linux/amd64' },
      { ref: cu124, platform: 'linux/arm64' },
    ]);
    // With a requirement, a pool that states no driver is read too.
    expect(basesToInspect(catalog, 'production', { ...labels, cuda: '>=12' })).toContainEqual({
      ref: cu126,
      platform: 'linux/amd64',
    });
  });
});
