/** deploy() against the real control plane, through client-node: the node agent's pods answer real inferences. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { deploy, reportOf } from '../../src/deploy/deploy.js';
import { waitFor } from '../control-plane/wait.js';
import {
  deployFailure as failure,
  deployInput,
  startWorld,
  testPool,
  type DeployWorld,
} from './deploy-fixtures.js';

let world: DeployWorld;
let apps: AppsV1Api;
let core: CoreV1Api;

beforeAll(async () => {
  world = await startWorld();
  const kc = new KubeConfig();
  kc.loadFromString(world.kubeconfig);
  apps = kc.makeApiClient(AppsV1Api);
  core = kc.makeApiClient(CoreV1Api);
});
afterAll(async () => {
  await world.close();
});

async function liveVersion(ns: string): Promise<string | undefined> {
  const d = await apps.readNamespacedDeployment({ name: 'sentiment-production', namespace: ns });
  return d.metadata?.annotations?.['model-promote.dev/version'];
}

describe('a clean promotion', () => {
  it('v1, then v2: pods answer real inferences that depend on the model files; the summary says v1 -> v2', async () => {
    const ns = await world.namespace('clean');
    const pool = testPool(ns);
    const first = await deploy(deployInput(world, pool, world.v1));
    expect(first.previousVersion).toBeUndefined();
    expect(first.applied).toEqual([
      expect.stringMatching(/^ConfigMap\/sentiment-production-/),
      'Deployment/sentiment-production',
      'Service/sentiment-production',
      'HorizontalPodAutoscaler/sentiment-production',
    ]);
    expect(first.smokeReply).toEqual({ label: 'positive', score: 0.930862, version: '1' });
    expect(first.smoke).toMatchObject({ requests: 10 });

    const input = deployInput(world, pool, world.v2);
    const second = await deploy(input);
    expect(second.previousVersion).toBe('1');
    expect(second.smokeReply).toEqual({ label: 'positive', score: 0.937027, version: '2' });
    expect(second.rolledBack).toBe(false);
    expect(input.logger.lines).toContain(`sentiment: v1 -> v2 in test-cluster/${ns}`);
    expect(input.logger.lines.join('\n')).toMatch(/deployment\/sentiment-production: ready \d\/2/);
    expect(await liveVersion(ns)).toBe('2');
    const d = await apps.readNamespacedDeployment({ name: 'sentiment-production', namespace: ns });
    expect(d.metadata?.annotations).toMatchObject({
      'model-promote.dev/promotion-id': input.promotionId,
      'model-promote.dev/image-digest': world.v2.digest,
    });
    // the Lease is released
    expect(await world.list('Lease', ns)).toEqual([]);
  });
});

describe('a failing v2 rolls back to v1', () => {
  const cases = [
    {
      fault: { kind: 'image-pull' } as const,
      code: 'rollout-failed',
      says: /ImagePullBackOff|ErrImagePull|progress deadline/,
      event: /Failed/,
    },
    {
      fault: { kind: 'crash-loop', message: 'CUDA out of memory' } as const,
      code: 'rollout-failed',
      says: /CrashLoopBackOff/,
      event: /BackOff/,
      log: /CUDA out of memory/,
    },
    {
      fault: { kind: 'never-ready' } as const,
      code: 'rollout-failed',
      says: /exceeded its progress deadline/,
      event: /Unhealthy/,
    },
    {
      fault: { kind: 'wrong-image' } as const,
      code: 'wrong-image',
      says: /runs .*@sha256:[0-9a-f]{64}, not sha256:/,
      event: /Pulled/,
    },
  ];
  for (const c of cases) {
    it(`${c.fault.kind}: v1 pods back, reason with events and log tail`, async () => {
      const ns = await world.namespace(`fault-${c.fault.kind}`);
      const pool = testPool(ns);
      await deploy(deployInput(world, pool, world.v1));
      await world.setFault(ns, { image: world.v2.reference }, c.fault);
      const input = deployInput(world, pool, world.v2);
      const error = await failure(deploy(input));
      await world.setFault(ns, { image: world.v2.reference }, undefined);
      expect(error.code).toBe(c.code);
      expect(error.kind).toBe('failed');
      expect(error.exitCode).toBe(1);
      expect(error.message).toMatch(c.says);
      expect(error.message).toMatch(/rolled back to v1$/);
      expect(error.evidence?.events.join('\n')).toMatch(c.event);
      if (c.log) expect(error.evidence?.logTail.join('\n')).toMatch(c.log);
      expect(reportOf(error)).toMatchObject({
        rolledBack: true,
        previousVersion: '1',
        reason: expect.any(String),
      });
      expect(await liveVersion(ns)).toBe('1');
      // The rollout is complete once v2's ReplicaSet is scaled to 0; its pods may still be in their
      // grace period (deleted, not yet gone), like kubectl rollout status allows.
      const pods = await core.listNamespacedPod({ namespace: ns });
      const running = pods.items.filter((p) => !p.metadata?.deletionTimestamp);
      expect([...new Set(running.map((p) => p.spec?.containers[0]?.image))]).toEqual([world.v1.reference]);
      // And the next promotion (v2, fixed) goes through without force: our rollback's fields are taken back.
      const again = deployInput(world, pool, world.v2);
      const fixed = await deploy(again);
      expect(fixed.previousVersion).toBe('1');
      expect(
        again.logger.lines.some((l) => l.includes('taking back fields from our own earlier rollback')),
      ).toBe(true);
    });
  }

  it('slow-ready is still a success', async () => {
    const ns = await world.namespace('slow');
    await world.setFault(ns, {}, { kind: 'slow-ready', delayMs: 800 });
    const started = performance.now();
    const result = await deploy(deployInput(world, testPool(ns), world.v1));
    // The pods get ready 800 ms after they are made, which is after deploy() started (the rollout
    // clock itself starts once the objects are applied, so under load it sees less of the delay).
    expect(performance.now() - started).toBeGreaterThanOrEqual(800);
    expect(result.rolloutSeconds).toBeGreaterThan(0);
    await world.setFault(ns, {}, undefined);
  });

  it('a first-time deploy that fails deletes what it created', async () => {
    const ns = await world.namespace('first-fails');
    await world.setFault(ns, {}, { kind: 'crash-loop' });
    const error = await failure(deploy(deployInput(world, testPool(ns), world.v1)));
    await world.setFault(ns, {}, undefined);
    expect(error.message).toMatch(/removed what it created$/);
    for (const kind of ['Deployment', 'Service', 'ConfigMap', 'HorizontalPodAutoscaler', 'Lease'] as const) {
      expect(await world.list(kind, ns)).toEqual([]);
    }
    // The pods go as the real garbage collector and kubelet remove them, after deploy() returns.
    await waitFor('the pods to be gone', async () => (await world.list('Pod', ns)).length === 0, 30_000);
  });

  it('an SLO breach rolls back', async () => {
    const ns = await world.namespace('slo');
    await deploy(deployInput(world, testPool(ns), world.v1));
    const strict = testPool(ns, { serving: { latencySLO: { p95Ms: 0.001 } } });
    const error = await failure(deploy(deployInput(world, strict, world.v2)));
    expect(error.code).toBe('slo-breached');
    expect(error.message).toMatch(/p95 .* ms > 0.001 ms.*rolled back to v1$/);
    expect(await liveVersion(ns)).toBe('1');
  });
});
