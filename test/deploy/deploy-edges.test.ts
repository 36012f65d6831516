/** Bad input, the Lease, the KServe form, dry run and the real kubectl, against the test cluster. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppsV1Api, CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';
import { deploy, deployOne, reportOf } from '../../src/deploy/deploy.js';
import { diffText } from '../../src/deploy/apply-diff.js';
import { typeOf } from '../cluster/resources.js';
import { leaseName } from '../../src/deploy/lease.js';
import {
  deployFailure as failure,
  deployInput,
  namespace,
  startWorld,
  testPool,
  type DeployWorld,
} from './deploy-fixtures.js';

const run = promisify(execFile);
let world: DeployWorld;

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world.close();
});

const nothingIn = (ns: string) =>
  ['deployments', 'services', 'configmaps', 'leases'].flatMap((plural) =>
    world.cluster.store.list(typeOf(plural), ns),
  );

describe('bad input: a clear line, an exit code, nothing half-applied', () => {
  it('RBAC 403 names the verb, resource and namespace; the ConfigMap already applied is removed', async () => {
    const ns = await namespace(world, 'rbac');
    world.cluster.setForbidden([{ verbs: ['patch'], resources: ['deployments'], namespaces: [ns] }]);
    try {
      const error = await failure(deploy(deployInput(world, testPool(ns), world.v1)));
      expect(error.code).toBe('forbidden');
      expect(error.exitCode).toBe(1);
      expect(error.message).toContain(
        `cannot patch resource "deployments" in API group "apps" in the namespace "${ns}"`,
      );
      expect(error.hint).toContain('"patch" on Deployment in namespace rbac');
      expect(reportOf(error)?.rolledBack).toBe(true);
    } finally {
      world.cluster.setForbidden([]);
    }
    expect(nothingIn(ns)).toEqual([]);
  });

  it('422 names the field', async () => {
    const ns = await namespace(world, 'invalid');
    const input = deployInput(world, testPool(ns), world.v1);
    const objects = structuredClone(input.objects) as Array<{ kind: string; spec?: Record<string, unknown> }>;
    (objects.find((o) => o.kind === 'Deployment')!.spec as Record<string, unknown>).replicas = 'three';
    const error = await failure(deploy({ ...input, objects: objects as never }));
    expect(error.code).toBe('invalid-manifest');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('invalid field spec.replicas');
    expect(nothingIn(ns)).toEqual([]);
  });

  it('a missing namespace is a usage error before anything is written', async () => {
    const error = await failure(deploy(deployInput(world, testPool('nowhere'), world.v1)));
    expect([error.code, error.exitCode]).toEqual(['namespace-missing', 2]);
    expect(error.message).toBe('namespace "nowhere" does not exist in cluster test-cluster');
  });

  it('an unknown context names the contexts there are', async () => {
    const error = await failure(
      deploy(deployInput(world, testPool('default', { context: 'prod-eu' }), world.v1)),
    );
    expect([error.code, error.exitCode]).toEqual(['unknown-context', 2]);
    expect(error.message).toBe('context "prod-eu" is not in the kubeconfig (contexts: test-cluster)');
  });

  it('an unreachable cluster', async () => {
    const kubeconfig = world.front.kubeconfig.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:1');
    const error = await failure(deploy({ ...deployInput(world, testPool('default'), world.v1), kubeconfig }));
    expect([error.code, error.exitCode]).toEqual(['cluster-unreachable', 1]);
    expect(error.message).toMatch(/^cannot reach the Kubernetes API server \(cluster test-cluster\)/);
  });

  it('an oci-layout image is refused for a real cluster', async () => {
    const error = await failure(
      deploy(deployInput(world, testPool('default'), world.v1, { allowLayoutImages: false })),
    );
    expect(error.code).toBe('image-not-pullable');
    expect(error.hint).toContain('image-repository');
  });
});

describe('the Lease', () => {
  it('a second promotion waits, then fails naming the holder', async () => {
    const ns = await namespace(world, 'lease');
    const pool = testPool(ns);
    const held = await deployOne(deployInput(world, pool, world.v1, { promotionId: 'promotion-A' }));
    const second = deployInput(world, pool, world.v2, {
      promotionId: 'promotion-B',
      timeouts: { rolloutSeconds: 30, leaseWaitSeconds: 1 },
    });
    const started = Date.now();
    const error = await failure(deploy(second));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(error.code).toBe('lease-held');
    expect(error.message).toContain('held by promotion promotion-A');
    expect(second.logger.lines.join('\n')).toContain('waiting up to 1 s');
    await held.release();
    // Released: a third promotion goes through, having waited for nobody.
    const third = await deploy(deployInput(world, pool, world.v2, { promotionId: 'promotion-C' }));
    expect(third.previousVersion).toBe('1');
  });

  it('a waiting promotion takes the Lease as soon as it is released', async () => {
    const ns = await namespace(world, 'lease-wait');
    const pool = testPool(ns);
    const held = await deployOne(deployInput(world, pool, world.v1, { promotionId: 'holder' }));
    const waiting = deploy(
      deployInput(world, pool, world.v2, {
        promotionId: 'waiter',
        timeouts: { rolloutSeconds: 30, leaseWaitSeconds: 20 },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    await held.release();
    expect((await waiting).previousVersion).toBe('1');
  });
});

describe('a Lease lost mid-rollout', () => {
  it('stops before reporting, and does not roll back over the promotion that holds it now', async () => {
    const ns = await namespace(world, 'lease-lost');
    world.cluster.setFault({ namespace: ns }, { kind: 'slow-ready', delayMs: 2500 });
    const input = deployInput(world, testPool(ns), world.v1, {
      promotionId: 'slow-one',
      timeouts: { rolloutSeconds: 30, leaseSeconds: 1 },
    });
    const running = failure(deploy(input));
    const kc = new KubeConfig();
    kc.loadFromString(world.front.kubeconfig);
    const leases = kc.makeApiClient(CoordinationV1Api);
    const name = leaseName('sentiment');
    let current;
    for (let i = 0; i < 100 && !current; i++) {
      current = await leases.readNamespacedLease({ name, namespace: ns }).catch(() => undefined);
      if (!current) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(current?.spec?.holderIdentity).toBe('slow-one');
    await leases.replaceNamespacedLease({
      name,
      namespace: ns,
      body: { ...current!, spec: { ...current!.spec, holderIdentity: 'promotion-X' } },
    });
    const error = await running;
    world.cluster.setFault({ namespace: ns }, undefined);
    expect(error.code).toBe('lease-lost');
    expect(error.message).toContain('promotion promotion-X holds it now');
    expect(error.message).toMatch(/not rolled back: another promotion holds the Lease now$/);
    // Nothing of ours was undone or deleted, and the new holder's Lease is left alone.
    const apps = kc.makeApiClient(AppsV1Api);
    expect((await apps.listNamespacedDeployment({ namespace: ns })).items).toHaveLength(1);
    expect((await leases.readNamespacedLease({ name, namespace: ns })).spec?.holderIdentity).toBe(
      'promotion-X',
    );
  });
});

describe('KServe form', () => {
  it('applies the InferenceService and waits for Ready', async () => {
    const ns = await namespace(world, 'kserve');
    const input = deployInput(world, testPool(ns, { form: 'kserve' }), world.v1);
    const result = await deploy(input);
    expect(result.applied).toEqual([
      expect.stringMatching(/^ConfigMap\//),
      'InferenceService/sentiment-production',
    ]);
    expect(input.logger.lines).toContain('inferenceservice/sentiment-production: Ready');
  });

  it('a failing InferenceService is rolled back (deleted when new)', async () => {
    const ns = await namespace(world, 'kserve-fail');
    world.cluster.setFault({ namespace: ns }, { kind: 'crash-loop' });
    const error = await failure(deploy(deployInput(world, testPool(ns, { form: 'kserve' }), world.v1)));
    world.cluster.setFault({ namespace: ns }, undefined);
    expect(error.message).toMatch(/RevisionFailed|failed: Revision/);
    expect(world.cluster.store.list(typeOf('inferenceservices'), ns)).toEqual([]);
  });
});

describe('dry run', () => {
  it('server-side dry run: a diff against the live objects, nothing changed', async () => {
    const ns = await namespace(world, 'dry');
    const pool = testPool(ns);
    await deploy(deployInput(world, pool, world.v1));
    const before = world.cluster.store.list(typeOf('deployments'), ns)[0]?.metadata.generation;
    const result = await deploy(deployInput(world, pool, world.v2, { dryRun: true }));
    const text = diffText(result.diff ?? []);
    expect(text).toMatch(/^\+ ConfigMap\/sentiment-production-\w+ \(create\)/m);
    expect(text).toContain('~ Deployment/sentiment-production (update)');
    expect(text).toMatch(/- +model-promote\.dev\/version: "1"/);
    expect(text).toMatch(/\+ +model-promote\.dev\/version: "2"/);
    expect(world.cluster.store.list(typeOf('deployments'), ns)[0]?.metadata.generation).toBe(before);
    expect(world.cluster.store.list(typeOf('leases'), ns)).toEqual([]);
  });
});

describe('the real kubectl after a promotion', () => {
  it('rollout status is complete and describe shows our annotations', async () => {
    const ns = await namespace(world, 'kubectl');
    const input = deployInput(world, testPool(ns), world.v1);
    await deploy(input);
    const kubectl = (...args: string[]) =>
      run('kubectl', ['--kubeconfig', world.front.kubeconfigPath, '-n', ns, ...args], { timeout: 20_000 });
    const status = await kubectl('rollout', 'status', 'deploy/sentiment-production', '--timeout=10s');
    expect(status.stdout).toContain('deployment "sentiment-production" successfully rolled out');
    const describe = await kubectl('describe', 'deploy', 'sentiment-production');
    expect(describe.stdout).toContain(`model-promote.dev/promotion-id: ${input.promotionId}`);
    expect(describe.stdout).toContain('model-promote.dev/version: 1');
    expect(describe.stdout).toContain(`model-promote.dev/image-digest: ${world.v1.digest}`);
  });
});

describe('several clusters', () => {
  it('promotes in order, and a failure in the second rolls back the first', async () => {
    const { deployToClusters } = await import('../../src/deploy/cluster-targets.js');
    const a = await namespace(world, 'multi-a');
    const b = await namespace(world, 'multi-b');
    const pool = testPool(a);
    await deployToClusters(deployInput(world, pool, world.v1), [
      { context: 'test-cluster', namespace: a },
      { context: 'test-cluster', namespace: b },
    ]);
    world.cluster.setFault({ namespace: b }, { kind: 'crash-loop' });
    const error = await failure(
      deployToClusters(deployInput(world, pool, world.v2), [
        { context: 'test-cluster', namespace: a },
        { context: 'test-cluster', namespace: b },
      ]),
    );
    world.cluster.setFault({ namespace: b }, undefined);
    expect(error.message).toMatch(/CrashLoopBackOff.*rolled back to v1; rolled back test-cluster too$/);
    for (const ns of [a, b]) {
      const d = world.cluster.store.list(typeOf('deployments'), ns)[0];
      expect(d?.metadata.annotations?.['model-promote.dev/version']).toBe('1');
    }
  });
});
