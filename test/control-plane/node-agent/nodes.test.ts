import { describe, expect, it } from '@jest/globals';
import { loadCatalog } from '../../../src/environments/catalog-loader.js';
import { nodeForPool, nodeObject, nodesForCatalog, times } from './nodes.js';

describe('nodes shaped like the catalog pools', () => {
  it('quantities multiply exactly', () => {
    expect(times('8', 7, 'cpu')).toBe('56000m');
    expect(times('500m', 3, 'cpu')).toBe('1500m');
    expect(times('64Gi', 7, 'memory')).toBe(String(7 * 64 * 2 ** 30));
    expect(() => times('lots', 2, 'memory')).toThrow('memory lots is not a quantity');
  });

  it('a GPU pool: its nodeSelector labels, room for maxReplicas + 1 pods, the taint it tolerates', async () => {
    const { catalog } = await loadCatalog('examples/catalog.yaml');
    const pool = catalog.environments.production!.pools.find((p) => p.name === 'gpu-a100-80g')!;
    const node = nodeForPool('production', pool);
    expect(node.name).toBe('production-gpu-a100-80g');
    expect(node.labels).toMatchObject(pool.nodeSelector);
    expect(node.labels['nvidia.com/gpu.present']).toBe('true');
    expect(node.capacity['nvidia.com/gpu']).toBe(String(pool.scaling.maxReplicas + 1));
    expect(node.taints).toEqual([{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }]);
    expect(nodeObject(node)).toMatchObject({
      kind: 'Node',
      metadata: {
        labels: { 'kubernetes.io/hostname': 'production-gpu-a100-80g', 'kubernetes.io/os': 'linux' },
      },
      spec: { taints: node.taints },
    });
  });

  it('every pool of every environment, and the untainted general node', async () => {
    const { catalog } = await loadCatalog('examples/catalog.yaml');
    const nodes = nodesForCatalog(catalog);
    const pools = Object.values(catalog.environments).flatMap((env) => env.pools);
    expect(nodes).toHaveLength(pools.length + 1);
    expect(nodes.at(-1)).toMatchObject({ name: 'general', taints: [] });
    expect(new Set(nodes.map((n) => n.name)).size).toBe(nodes.length);
  });
});
