/** Bad input, RBAC, the Lease, the KServe form, dry run and the real kubectl, against the real control plane. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppsV1Api, CoordinationV1Api, KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { deploy, deployOne } from '../../src/deploy/deploy.js';
import { diffText } from '../../src/deploy/apply-diff.js';
import { leaseName } from '../../src/deploy/lease.js';
import { serviceAccountKubeconfig, sharedPlane } from '../control-plane/shared-plane.js';
import {
  deployFailure as failure,
  deployInput,
  startWorld,
  testPool,
  type DeployWorld,
} from './deploy-fixtures.js';

const run = promisify(execFile);
let world: DeployWorld;
/** A CA certificate (base64 PEM) that did not sign the API server's certificate. */
let WRONG_CA: string;

beforeAll(async () => {
  world = await startWorld();
  const { stdout } = await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/CN=another-ca', '-keyout', '/dev/null',
  ]); // prettier-ignore
  WRONG_CA = Buffer.from(stdout).toString('base64');
});

/**
 * A ServiceAccount `promoter` in `namespace`, a Role with what docs/deploy.md says a promotion
 * needs there, bound to it; `override` replaces the verbs of some resources (to leave one out).
 * Returns a kubeconfig with the account's token.
 */
async function grant(namespace: string, override: Record<string, string[]>): Promise<string> {
  const kubeconfig = await serviceAccountKubeconfig(sharedPlane(), namespace, 'promoter');
  const all = ['get', 'patch', 'update', 'delete', 'create', 'list', 'watch'];
  const rules = [
    { apiGroups: [''], resources: ['configmaps', 'services'], verbs: all },
    { apiGroups: [''], resources: ['pods', 'events'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    { apiGroups: [''], resources: ['services/proxy'], verbs: ['get', 'create'] },
    { apiGroups: ['apps'], resources: ['deployments'], verbs: override.deployments ?? all },
    { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: all },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: all },
  ];
  const objects = [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'promoter', namespace },
      rules,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'promoter', namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'promoter' },
      subjects: [{ kind: 'ServiceAccount', name: 'promoter', namespace }],
    },
  ];
  for (const object of objects) await world.admin.apply(object as KubernetesObject, { fieldManager: 'test' });
  return kubeconfig;
}
afterAll(async () => {
  await world.close();
});

const nothingIn = async (ns: string) =>
  (
    await Promise.all(
      (['Deployment', 'Service', 'ConfigMap', 'Lease'] as const).map((kind) => world.list(kind, ns)),
    )
  ).flat();

describe('bad input: a clear line, an exit code, nothing half-applied', () => {
  it('RBAC: a service account that may not patch Deployments is refused before the Lease, every missing permission named', async () => {
    const ns = await world.namespace('rbac');
    const promoter = await grant(ns, { deployments: ['get', 'update', 'delete', 'list', 'watch'] });
    const error = await failure(
      deploy({ ...deployInput(world, testPool(ns), world.v1), kubeconfig: promoter }),
    );
    expect([error.code, error.exitCode]).toEqual(['forbidden', 1]);
    expect(error.message).toBe(
      `user "system:serviceaccount:${ns}:promoter" may not patch deployments.apps in namespace ${ns} (cluster test-cluster); nothing was applied`,
    );
    expect(error.hint).toContain(`grant patch deployments.apps in namespace ${ns}`);
    expect(await nothingIn(ns)).toEqual([]);
  });

  it('RBAC: a service account granted exactly docs/deploy.md in one namespace promotes there, and nowhere else', async () => {
    const ns = await world.namespace('rbac-ok');
    const promoter = await grant(ns, {});
    const result = await deploy({ ...deployInput(world, testPool(ns), world.v1), kubeconfig: promoter });
    expect(result.smokeReply).toMatchObject({ version: '1' });
    const other = await world.namespace('rbac-other');
    const error = await failure(
      deploy({ ...deployInput(world, testPool(other), world.v1), kubeconfig: promoter }),
    );
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(
      /^user "system:serviceaccount:rbac-ok-\w+:promoter" may not get configmaps, patch configmaps, .* in namespace rbac-other-/,
    );
    expect(await nothingIn(other)).toEqual([]);
  });

  it('401: credentials the cluster refuses fail before anything is written', async () => {
    const ns = await world.namespace('unauthorized');
    const kubeconfig = world.kubeconfig.replace(/token: \S+/, 'token: not-a-token-of-this-cluster');
    const error = await failure(deploy({ ...deployInput(world, testPool(ns), world.v1), kubeconfig }));
    expect([error.code, error.exitCode]).toEqual(['unauthorized', 1]);
    expect(error.message).toMatch(/refused our credentials \(401 Unauthorized\)/);
    expect(error.message).not.toContain('not-a-token-of-this-cluster');
    expect(error.hint).toMatch(/token or client certificate/);
    expect(await nothingIn(ns)).toEqual([]);
  });

  it('a CA that did not sign the server certificate fails before anything is written', async () => {
    const ns = await world.namespace('wrong-ca');
    const kubeconfig = world.kubeconfig.replace(
      /certificate-authority-data: \S+/,
      `certificate-authority-data: ${WRONG_CA}`,
    );
    const error = await failure(deploy({ ...deployInput(world, testPool(ns), world.v1), kubeconfig }));
    expect([error.code, error.exitCode]).toEqual(['tls-untrusted', 1]);
    expect(error.hint).toMatch(/certificate-authority-data/);
    expect(await nothingIn(ns)).toEqual([]);
  });

  it.each([
    {
      what: 'a value validation refuses (422)',
      replicas: -1,
      says: /invalid field spec\.replicas: .*must be greater than or equal to 0/,
    },
    {
      what: 'a value of the wrong type (server-side apply: 500)',
      replicas: 'three',
      says: /invalid field spec\.replicas: expected numeric/,
    },
  ])('$what names the field; nothing is left applied', async ({ replicas, says }) => {
    const ns = await world.namespace('invalid');
    const input = deployInput(world, testPool(ns), world.v1);
    const objects = structuredClone(input.objects) as Array<{ kind: string; spec?: Record<string, unknown> }>;
    (objects.find((o) => o.kind === 'Deployment')!.spec as Record<string, unknown>).replicas = replicas;
    const error = await failure(deploy({ ...input, objects: objects as never }));
    expect([error.code, error.exitCode]).toEqual(['invalid-manifest', 2]);
    expect(error.message).toMatch(says);
    expect(await nothingIn(ns)).toEqual([]);
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
    const kubeconfig = world.kubeconfig.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:1');
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

describe('the real scheduler', () => {
  it('a nodeSelector no node matches leaves the pods Pending: the failure says why the scheduler refused', async () => {
    const ns = await world.namespace('unschedulable');
    const pool = testPool(ns, { nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' } });
    const error = await failure(
      deploy(deployInput(world, pool, world.v1, { timeouts: { rolloutSeconds: 6, leaseWaitSeconds: 2 } })),
    );
    expect(error.code).toBe('rollout-failed');
    expect(error.message).toMatch(
      /is not scheduled: 0\/\d+ nodes are available: .*didn't match Pod's node affinity\/selector/,
    );
    expect(error.hint).toMatch(/nodeSelector, tolerations and resources/);
    expect(error.evidence?.events.join('\n')).toMatch(/FailedScheduling/);
    expect(error.evidence?.logTail.join('\n')).not.toMatch(/Content-Type/);
    expect(await nothingIn(ns)).toEqual([]);
  });
});

describe('another field manager', () => {
  it('owns a field we set: apply-conflict naming it and the manager; force takes it over', async () => {
    const ns = await world.namespace('conflict');
    const pool = testPool(ns);
    await deploy(deployInput(world, pool, world.v1));
    // The platform team's own server-side apply (kubectl, another field manager) takes a field we set.
    const patch = JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'sentiment-production', namespace: ns },
      spec: { revisionHistoryLimit: 3 },
    });
    const kubectl = execFile('kubectl', [
      '--kubeconfig', world.kubeconfigPath, 'apply', '--server-side', '--force-conflicts',
      '--field-manager', 'platform-team', '-f', '-',
    ]); // prettier-ignore
    kubectl.stdin?.end(patch);
    await new Promise((resolve, reject) =>
      kubectl.once('exit', (code) => (code === 0 ? resolve(code) : reject(new Error(`kubectl ${code}`)))),
    );

    const error = await failure(deploy(deployInput(world, pool, world.v2)));
    expect([error.code, error.exitCode]).toEqual(['apply-conflict', 1]);
    expect(error.message).toMatch(/conflict with "platform-team".*\.spec\.revisionHistoryLimit/);
    expect(error.hint).toMatch(/force: true/);
    const still = (await world.list('Deployment', ns))[0];
    expect(still?.metadata.annotations?.['model-promote.dev/version']).toBe('1');

    const forced = await deploy(deployInput(world, pool, world.v2, { force: true }));
    expect(forced.previousVersion).toBe('1');
    const taken = (await world.list('Deployment', ns))[0];
    expect((taken?.spec as { revisionHistoryLimit?: number }).revisionHistoryLimit).toBe(10);
  });
});

describe('the Lease', () => {
  it('a second promotion waits, then fails naming the holder', async () => {
    const ns = await world.namespace('lease');
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
    const ns = await world.namespace('lease-wait');
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
    const ns = await world.namespace('lease-lost');
    await world.setFault(ns, {}, { kind: 'slow-ready', delayMs: 2500 });
    const input = deployInput(world, testPool(ns), world.v1, {
      promotionId: 'slow-one',
      timeouts: { rolloutSeconds: 30, leaseSeconds: 1 },
    });
    const running = failure(deploy(input));
    // Mid-rollout: every object applied, the pods not ready yet.
    for (let i = 0; i < 200 && !input.logger.lines.some((l) => l.startsWith('sentiment: v1 in ')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const kc = new KubeConfig();
    kc.loadFromString(world.kubeconfig);
    const leases = kc.makeApiClient(CoordinationV1Api);
    const name = leaseName('sentiment');
    let current;
    for (let i = 0; i < 100 && !current; i++) {
      current = await leases.readNamespacedLease({ name, namespace: ns }).catch(() => undefined);
      if (!current) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(current?.spec?.holderIdentity).toBe('slow-one');
    // Take it over as another promotion would; the holder renews every third of a second, so a
    // write between our read and our replace is a 409: read again and retry.
    for (let attempt = 0; ; attempt++) {
      const taken = await leases
        .replaceNamespacedLease({
          name,
          namespace: ns,
          body: { ...current!, spec: { ...current!.spec, holderIdentity: 'promotion-X' } },
        })
        .then(() => true)
        .catch((error: { code?: number }) => {
          if (error.code !== 409 || attempt >= 20) throw error;
          return false;
        });
      if (taken) break;
      current = await leases.readNamespacedLease({ name, namespace: ns });
    }
    const error = await running;
    await world.setFault(ns, {}, undefined);
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
    const ns = await world.namespace('kserve');
    const input = deployInput(world, testPool(ns, { form: 'kserve' }), world.v1);
    const result = await deploy(input);
    expect(result.applied).toEqual([
      expect.stringMatching(/^ConfigMap\//),
      'InferenceService/sentiment-production',
    ]);
    expect(input.logger.lines).toContain('inferenceservice/sentiment-production: Ready');
  });

  it('a failing InferenceService is rolled back (deleted when new)', async () => {
    const ns = await world.namespace('kserve-fail');
    await world.setFault(ns, {}, { kind: 'crash-loop' });
    const error = await failure(deploy(deployInput(world, testPool(ns, { form: 'kserve' }), world.v1)));
    await world.setFault(ns, {}, undefined);
    expect(error.message).toMatch(/RevisionFailed|failed: Revision/);
    expect(await world.list('InferenceService', ns)).toEqual([]);
  });
});

describe('dry run', () => {
  it('server-side dry run: a diff against the live objects, nothing changed', async () => {
    const ns = await world.namespace('dry');
    const pool = testPool(ns);
    await deploy(deployInput(world, pool, world.v1));
    const before = (await world.list('Deployment', ns))[0]?.metadata.generation;
    const result = await deploy(deployInput(world, pool, world.v2, { dryRun: true }));
    const text = diffText(result.diff ?? []);
    expect(text).toMatch(/^\+ ConfigMap\/sentiment-production-\w+ \(create\)/m);
    expect(text).toContain('~ Deployment/sentiment-production (update)');
    expect(text).toMatch(/- +model-promote\.dev\/version: "1"/);
    expect(text).toMatch(/\+ +model-promote\.dev\/version: "2"/);
    expect((await world.list('Deployment', ns))[0]?.metadata.generation).toBe(before);
    expect(await world.list('Lease', ns)).toEqual([]);
  });
});

describe('the real kubectl after a promotion', () => {
  it('rollout status is complete and describe shows our annotations', async () => {
    const ns = await world.namespace('kubectl');
    const input = deployInput(world, testPool(ns), world.v1);
    await deploy(input);
    const kubectl = (...args: string[]) =>
      run('kubectl', ['--kubeconfig', world.kubeconfigPath, '-n', ns, ...args], { timeout: 20_000 });
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
    const a = await world.namespace('multi-a');
    const b = await world.namespace('multi-b');
    const pool = testPool(a);
    await deployToClusters(deployInput(world, pool, world.v1), [
      { context: 'test-cluster', namespace: a },
      { context: 'test-cluster', namespace: b },
    ]);
    await world.setFault(b, {}, { kind: 'crash-loop' });
    const error = await failure(
      deployToClusters(deployInput(world, pool, world.v2), [
        { context: 'test-cluster', namespace: a },
        { context: 'test-cluster', namespace: b },
      ]),
    );
    await world.setFault(b, {}, undefined);
    expect(error.message).toMatch(/CrashLoopBackOff.*rolled back to v1; rolled back test-cluster too$/);
    for (const ns of [a, b]) {
      const d = (await world.list('Deployment', ns))[0];
      expect(d?.metadata.annotations?.['model-promote.dev/version']).toBe('1');
    }
  });
});
