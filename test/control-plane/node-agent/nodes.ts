/**
 * The Nodes the node agent registers, shaped like the pools of a compute catalog (pure): each pool
 * gets a node carrying its nodeSelector labels, tainted where the pool tolerates a taint, with room
 * for the pool's largest rollout (maxReplicas + the one surge pod) of its requests, GPUs included.
 * So the real scheduler decides: a pod whose nodeSelector matches no node stays Pending.
 *
 * One more node, `general`, has no taints and room for many small pods: tests whose pools name no
 * nodes land there.
 */
import type { Catalog, Pool } from '../../../src/environments/catalog-schema.js';
import { parseQuantity } from '../../../src/environments/quantity.js';
import { resourcesFor } from '../../../src/deploy/render-container.js';

export interface NodeSpec {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly capacity: Record<string, string>;
  readonly taints: ReadonlyArray<{ key: string; value?: string; effect: string }>;
}

const GENERAL: NodeSpec = {
  name: 'general',
  labels: { 'node.kubernetes.io/instance-type': 'general' },
  capacity: { cpu: '256', memory: '1Ti', 'ephemeral-storage': '10Ti', pods: '250' },
  taints: [],
};

/** `count` times a quantity, as Kubernetes would print it (`4000m`, `68719476736`). */
export function times(quantity: string, count: number, name: string): string {
  const q = parseQuantity(quantity);
  if (!q) throw new Error(`node capacity: ${name} ${quantity} is not a quantity`);
  const scaled = q.numerator * BigInt(count);
  if (name === 'cpu') return `${(scaled * 1000n + q.denominator - 1n) / q.denominator}m`;
  return String((scaled + q.denominator - 1n) / q.denominator);
}

/** Labels a device plugin and node feature discovery would put on the pool's nodes. */
function acceleratorLabels(pool: Pool): Record<string, string> {
  const a = pool.accelerator;
  if (!a || a.vendor === 'none') return {};
  return {
    [`${a.vendor}.com/gpu.present`]: 'true',
    ...(a.product ? { [`${a.vendor}.com/gpu.product`]: a.product } : {}),
    [`${a.vendor}.com/gpu.count`]: String(a.count),
  };
}

export function nodeForPool(environment: string, pool: Pool): NodeSpec {
  const room = pool.scaling.maxReplicas + 1;
  const requests = resourcesFor(pool).requests ?? {};
  const capacity: Record<string, string> = {
    cpu: '2',
    memory: '4Gi',
    'ephemeral-storage': '100Gi',
    pods: '110',
  };
  for (const [name, value] of Object.entries(requests)) capacity[name] = times(value, room, name);
  const taints = pool.tolerations
    .filter((t) => t.key && t.effect)
    .map((t) => ({
      key: t.key as string,
      ...(t.value ? { value: t.value } : {}),
      effect: t.effect as string,
    }));
  return {
    name: `${environment}-${pool.name}`.toLowerCase().slice(0, 63),
    labels: { ...acceleratorLabels(pool), ...pool.nodeSelector },
    capacity,
    taints,
  };
}

/** One node per pool of every environment (pools that name the same nodes share none), and `general`. */
export function nodesForCatalog(catalog: Catalog | undefined): NodeSpec[] {
  const nodes = Object.entries(catalog?.environments ?? {}).flatMap(([environment, env]) =>
    env.pools.map((pool) => nodeForPool(environment, pool)),
  );
  return [...nodes, GENERAL];
}

/** The Node object (spec and labels; status is the agent's to write). */
export function nodeObject(spec: NodeSpec): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      labels: {
        'kubernetes.io/hostname': spec.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        ...spec.labels,
      },
    },
    spec: spec.taints.length > 0 ? { taints: spec.taints } : {},
  };
}
