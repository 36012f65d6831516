import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadCatalog } from './catalog-loader.js';
import { resolvePool } from './resolve-pool.js';
import { environmentSigningPolicy } from './signing-policy.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const v1 = { accelerator: 'nvidia', 'gpu-memory': '16Gi', workload: 'online-inference', runtime: 'onnx' };
const v2 = { ...v1, 'gpu-memory': '40Gi' };

describe('examples/catalog.yaml', () => {
  it('loads, with the production signing key resolved next to it', async () => {
    const loaded = await loadCatalog('examples/catalog.yaml', root);
    expect(Object.keys(loaded.catalog.environments)).toEqual(['staging', 'production']);
    expect(loaded.catalog.environments.production?.signing?.publicKeys).toEqual([
      path.join(root, 'examples', 'keys', 'example-signing.pub.pem'),
    ]);
  });

  const cases: { name: string; environment: string; labels: Record<string, string>; pool: string }[] = [
    { name: 'demo v1 in production', environment: 'production', labels: v1, pool: 'gpu-l4-24g' },
    { name: 'demo v2 (champion) in production', environment: 'production', labels: v2, pool: 'gpu-a100-80g' },
    { name: 'demo v1 in staging', environment: 'staging', labels: v1, pool: 'gpu-t4-16g-shared' },
    { name: 'demo v2 in staging', environment: 'staging', labels: v2, pool: 'gpu-a100-40g-shared' },
    {
      name: 'a CPU model',
      environment: 'production',
      labels: { workload: 'batch', runtime: 'sklearn' },
      pool: 'cpu-general',
    },
  ];
  it.each(cases)('$name -> $pool, on a base that works offline', async ({ environment, labels, pool }) => {
    const loaded = await loadCatalog('examples/catalog.yaml', root);
    const choice = resolvePool(loaded, environment, labels);
    expect(choice.pool.name).toBe(pool);
    expect(choice.base.kind === 'scratch' || choice.base.kind === 'oci-layout').toBe(true);
    expect(choice.explanation).toHaveLength(loaded.catalog.environments[environment]?.pools.length ?? -1);
  });

  it('explains the production choice for v1', async () => {
    const loaded = await loadCatalog('examples/catalog.yaml', root);
    expect(
      resolvePool(loaded, 'production', v1).explanation.map(({ pool, matched, reason }) => ({
        pool,
        matched,
        reason,
      })),
    ).toEqual([
      { pool: 'gpu-a100-80g', matched: false, reason: 'label gpu-memory=16Gi is not > 24Gi' },
      { pool: 'gpu-l4-24g', matched: true, reason: 'selected: the only matching pool' },
      {
        pool: 'cpu-general',
        matched: false,
        reason: 'label accelerator=nvidia is in [nvidia, amd] (needs NotIn)',
      },
    ]);
  });

  it('requires the example key in production, nothing in staging', async () => {
    const loaded = await loadCatalog('examples/catalog.yaml', root);
    const production = await environmentSigningPolicy(loaded, 'production');
    expect(production?.publicKeys.map((k) => k.written)).toEqual(['keys/example-signing.pub.pem']);
    expect(production?.publicKeys[0]?.content).toContain('BEGIN PUBLIC KEY');
    expect(await environmentSigningPolicy(loaded, 'staging')).toBeUndefined();
  });

  it('refuses a model too large for every pool', async () => {
    const loaded = await loadCatalog('examples/catalog.yaml', root);
    expect(() => resolvePool(loaded, 'production', { ...v1, 'gpu-memory': '96Gi' })).toThrow(
      expect.objectContaining({ code: 'no-matching-pool' }),
    );
  });
});
