/** The test cluster driven through @kubernetes/client-node, as src/deploy will drive a real one. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type KubernetesObject,
  type V1Deployment,
} from '@kubernetes/client-node';
import {
  deployment,
  IMAGE_A,
  IMAGE_B,
  DIGEST_B,
  rejection,
  renderedManifests,
  waitFor,
} from './cluster-fixtures.js';
import { startTestCluster, type TestCluster } from './index.js';
import { RESOURCE_TYPES } from './resources.js';

let cluster: TestCluster;
let kc: KubeConfig;
let apps: AppsV1Api;
let core: CoreV1Api;
let objects: KubernetesObjectApi;

beforeAll(async () => {
  cluster = await startTestCluster({ namespaces: ['models'], progressDeadlineMs: 1500 });
  kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfig);
  apps = kc.makeApiClient(AppsV1Api);
  core = kc.makeApiClient(CoreV1Api);
  objects = KubernetesObjectApi.makeApiClient(kc);
});

afterAll(async () => {
  await cluster.close();
});

async function namespace(name: string): Promise<string> {
  await core.createNamespace({ body: { metadata: { name } } });
  return name;
}

/** Objects as JSON (timestamps are strings on the wire, Dates in client-node's types). */
function apply(object: object, manager = 'model-promote', force = false, dryRun?: string) {
  return objects.patch(
    object as KubernetesObject,
    undefined,
    dryRun,
    manager,
    force,
    PatchStrategy.ServerSideApply,
  );
}

async function deploymentNamed(ns: string, name: string): Promise<V1Deployment> {
  return apps.readNamespacedDeployment({ name, namespace: ns });
}

describe('rollout', () => {
  it('applies the rendered manifests and reaches Available, seen through a Watch', async () => {
    const ns = await namespace('rollout-clean');
    const manifests = renderedManifests(ns);
    const events: Array<{ phase: string; ready?: number; generation?: number; observed?: number }> = [];
    const list = await apps.listNamespacedDeployment({ namespace: ns });
    const watch = new Watch(kc);
    let finished: (value: unknown) => void = () => undefined;
    const done = new Promise((resolve) => (finished = resolve));
    const controller = await watch.watch(
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      { resourceVersion: list.metadata?.resourceVersion },
      (phase, object: V1Deployment) => {
        events.push({
          phase,
          ready: object.status?.availableReplicas,
          generation: object.metadata?.generation,
          observed: object.status?.observedGeneration,
        });
        const available = object.status?.conditions?.find((c) => c.type === 'Available');
        const progressing = object.status?.conditions?.find((c) => c.type === 'Progressing');
        if (available?.status === 'True' && progressing?.reason === 'NewReplicaSetAvailable')
          finished(object);
      },
      (error) => finished(error),
    );
    for (const manifest of manifests) await apply(manifest);
    const final = (await done) as V1Deployment;
    controller.abort();

    expect(events[0]?.phase).toBe('ADDED');
    expect(events.some((e) => e.phase === 'MODIFIED')).toBe(true);
    expect(final.status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    const rs = await apps.listNamespacedReplicaSet({ namespace: ns });
    expect(rs.items).toHaveLength(1);
    expect(rs.items[0]?.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(rs.items[0]?.metadata?.labels?.['pod-template-hash']).toMatch(/^[a-z0-9]{10}$/);
    const pods = await core.listNamespacedPod({
      namespace: ns,
      labelSelector: 'app.kubernetes.io/instance=sentiment-production',
    });
    expect(pods.items).toHaveLength(2);
    const image = manifests[1]?.spec as { template: { spec: { containers: Array<{ image: string }> } } };
    const digest = image.template.spec.containers[0]?.image.split('@')[1];
    for (const pod of pods.items) {
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.containerStatuses?.[0]?.imageID).toBe(
        `registry.example.com/models/sentiment@${digest}`,
      );
      expect(pod.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
    }
    // Everything the controller wrote is itself valid against the schemas.
    for (const type of RESOURCE_TYPES) {
      for (const object of cluster.store.list(type, ns))
        expect([type.kind, type.validate(object)]).toEqual([type.kind, []]);
    }
    expect(cluster.controller.errors).toEqual([]);
  });

  it('bumps generation on a spec change only, keeps old ReplicaSets and trims past revisionHistoryLimit', async () => {
    const ns = await namespace('rollout-history');
    const d = deployment('hist', ns, IMAGE_A);
    (d.spec as { revisionHistoryLimit: number }).revisionHistoryLimit = 1;
    await apply(d);
    await waitFor(
      'first rollout',
      async () => (await deploymentNamed(ns, 'hist')).status?.availableReplicas === 2,
    );
    const labelled = { ...d, metadata: { ...d.metadata, labels: { app: 'hist', extra: 'x' } } };
    const afterLabel = await apply(labelled);
    expect(afterLabel.metadata?.generation).toBe(1);
    for (const [i, image] of [
      IMAGE_B,
      `registry.example.com/models/demo@sha256:${'c0'.repeat(32)}`,
    ].entries()) {
      const next = deployment('hist', ns, image);
      (next.spec as { revisionHistoryLimit: number }).revisionHistoryLimit = 1;
      const applied = await apply(next);
      expect(applied.metadata?.generation).toBe(i + 2);
      await waitFor(`rollout ${i + 2}`, async () => {
        const now = await deploymentNamed(ns, 'hist');
        return (
          now.status?.observedGeneration === i + 2 &&
          now.status?.updatedReplicas === 2 &&
          now.status?.replicas === 2
        );
      });
    }
    const rs = await waitFor('history trimmed', async () => {
      const list = await apps.listNamespacedReplicaSet({ namespace: ns });
      return list.items.length === 2 ? list.items : undefined;
    });
    const revisions = rs.map((r) => r.metadata?.annotations?.['deployment.kubernetes.io/revision']).sort();
    expect(revisions).toEqual(['2', '3']);
    expect(
      (await deploymentNamed(ns, 'hist')).metadata?.annotations?.['deployment.kubernetes.io/revision'],
    ).toBe('3');
  });
});

describe('faults, as a client sees them', () => {
  const cases: Array<{
    name: string;
    fault: Parameters<TestCluster['setFault']>[1];
    check: (d: V1Deployment, pods: Awaited<ReturnType<CoreV1Api['listNamespacedPod']>>) => boolean;
  }> = [
    {
      name: 'image-pull',
      fault: { kind: 'image-pull' },
      check: (_d, pods) =>
        pods.items.some((p) =>
          ['ErrImagePull', 'ImagePullBackOff'].includes(
            p.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? '',
          ),
        ),
    },
    {
      name: 'crash-loop',
      fault: { kind: 'crash-loop', exitCode: 3 },
      check: (_d, pods) =>
        pods.items.some(
          (p) =>
            p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' &&
            (p.status.containerStatuses[0]?.restartCount ?? 0) >= 1 &&
            p.status.containerStatuses[0]?.lastState?.terminated?.exitCode === 3,
        ),
    },
    {
      name: 'never-ready',
      fault: { kind: 'never-ready' },
      check: (_d, pods) =>
        pods.items.length > 0 &&
        pods.items.every(
          (p) => p.status?.containerStatuses?.[0]?.state?.running && !p.status.containerStatuses[0]?.ready,
        ),
    },
  ];
  for (const c of cases) {
    it(`${c.name}: pods show it and the rollout ends in ProgressDeadlineExceeded`, async () => {
      const ns = await namespace(`fault-${c.name}`);
      cluster.setFault({ namespace: ns, name: 'broken' }, c.fault);
      await apply(deployment('broken', ns, IMAGE_A));
      const d = await waitFor('deadline exceeded', async () => {
        const now = await deploymentNamed(ns, 'broken');
        return now.status?.conditions?.find((x) => x.type === 'Progressing')?.reason ===
          'ProgressDeadlineExceeded'
          ? now
          : undefined;
      });
      expect(d.status?.conditions?.find((x) => x.type === 'Progressing')?.status).toBe('False');
      expect(d.status?.availableReplicas ?? 0).toBe(0);
      await waitFor(`pods show ${c.name}`, async () =>
        c.check(d, await core.listNamespacedPod({ namespace: ns })),
      );
    });
  }

  it('image-pull and crash-loop leave kubelet events and a readable log tail', async () => {
    const ns = await namespace('fault-events');
    cluster.setFault({ image: IMAGE_B }, { kind: 'image-pull' });
    cluster.setFault(
      { namespace: ns, name: 'crashy' },
      { kind: 'crash-loop', message: 'CUDA out of memory' },
    );
    await apply(deployment('pull', ns, IMAGE_B, 1));
    await apply(deployment('crashy', ns, IMAGE_A, 1));
    const events = await waitFor('events', async () => {
      const list = await core.listNamespacedEvent({ namespace: ns });
      const reasons = list.items.map((e) => `${e.reason}:${e.message}`);
      const ok =
        reasons.some((r) => r.startsWith('Failed:Error: ErrImagePull')) &&
        reasons.some((r) => r.startsWith('BackOff:Back-off restarting failed container'));
      return ok ? list.items : undefined;
    });
    expect(events.find((e) => e.reason === 'Failed')?.involvedObject.kind).toBe('Pod');
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=crashy' });
    const log = await core.readNamespacedPodLog({
      name: pods.items[0]?.metadata?.name ?? '',
      namespace: ns,
      tailLines: 2,
    });
    expect(log).toContain('CUDA out of memory');
    cluster.setFault({ image: IMAGE_B }, undefined);
  });

  it('slow-ready delays readiness; wrong-image shows another digest in imageID', async () => {
    const ns = await namespace('fault-slow-wrong');
    cluster.setFault({ namespace: ns, name: 'slow' }, { kind: 'slow-ready', delayMs: 600 });
    cluster.setFault({ namespace: ns, name: 'wrong' }, { kind: 'wrong-image', digest: DIGEST_B });
    const started = Date.now();
    await apply(deployment('slow', ns, IMAGE_A, 1));
    await apply(deployment('wrong', ns, IMAGE_A, 1));
    await waitFor(
      'slow ready',
      async () => (await deploymentNamed(ns, 'slow')).status?.availableReplicas === 1,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    const pods = await waitFor('wrong pod running', async () => {
      const list = await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=wrong' });
      return list.items[0]?.status?.containerStatuses?.[0]?.imageID ? list.items : undefined;
    });
    expect(pods[0]?.status?.containerStatuses?.[0]?.imageID).toBe(
      `registry.example.com/models/demo@${DIGEST_B}`,
    );
  });

  it('InferenceService: Ready, or not under a fault', async () => {
    const ns = await namespace('kserve');
    const [configMap, isvc] = renderedManifests(ns, 'kserve');
    await apply(configMap as KubernetesObject);
    await apply(isvc as KubernetesObject);
    const ready = await waitFor('isvc ready', async () => {
      const now = (await objects.read(
        isvc as KubernetesObject & { metadata: { name: string; namespace: string } },
      )) as KubernetesObject & {
        status?: { conditions?: Array<{ type: string; status: string }>; url?: string };
      };
      return now.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? now : undefined;
    });
    expect(ready.status?.url).toMatch(/^http:\/\//);

    cluster.setFault({ namespace: ns }, { kind: 'crash-loop' });
    const broken = { ...isvc, metadata: { ...isvc?.metadata, name: 'broken' } } as KubernetesObject;
    await apply(broken);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const now = (await objects.read(
      broken as KubernetesObject & { metadata: { name: string; namespace: string } },
    )) as KubernetesObject & {
      status?: { conditions?: Array<{ type: string; status: string; reason?: string }> };
    };
    expect(now.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'RevisionFailed',
    });
  });
});

describe('API server behaviour', () => {
  it('422 Invalid for replicas: "three", naming the field', async () => {
    const bad = deployment('bad', 'models', IMAGE_A);
    (bad.spec as Record<string, unknown>).replicas = 'three';
    const { code, status } = await rejection(apply(bad));
    expect(code).toBe(422);
    expect(status).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
    expect(status.message).toContain('Deployment.apps "bad" is invalid: spec.replicas');
    expect(status.details?.causes?.[0]?.field).toBe('spec.replicas');
    await expect(deploymentNamed('models', 'bad')).rejects.toMatchObject({ code: 404 });
  });

  it('422 when the selector does not match the template labels', async () => {
    const bad = deployment('mismatch', 'models', IMAGE_A);
    (bad.spec as { selector: unknown }).selector = { matchLabels: { app: 'other' } };
    const { code, status } = await rejection(
      apps.createNamespacedDeployment({ namespace: 'models', body: bad as V1Deployment }),
    );
    expect(code).toBe(422);
    expect(status.details?.causes?.[0]?.field).toBe('spec.template.metadata.labels');
  });

  it('404 NotFound Status for a missing namespace', async () => {
    const { code, status } = await rejection(apply(deployment('x', 'nowhere', IMAGE_A)));
    expect(code).toBe(404);
    expect(status).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'namespaces "nowhere" not found',
    });
  });

  it('403 Forbidden from an RBAC rule, with the real message', async () => {
    cluster.setForbidden([{ verbs: ['patch'], resources: ['deployments'], namespaces: ['models'] }]);
    try {
      const { code, status } = await rejection(apply(deployment('locked', 'models', IMAGE_A)));
      expect(code).toBe(403);
      expect(status.message).toBe(
        'deployments.apps "locked" is forbidden: User "test-cluster-admin" cannot patch resource "deployments" in API group "apps" in the namespace "models"',
      );
    } finally {
      cluster.setForbidden([]);
    }
  });

  it('server-side apply dry run changes nothing', async () => {
    const d = deployment('dry', 'models', IMAGE_A);
    const answer = await apply(d, 'model-promote', false, 'All');
    expect(answer.metadata?.name).toBe('dry');
    await expect(deploymentNamed('models', 'dry')).rejects.toMatchObject({ code: 404 });
    await apply(d);
    const before = await deploymentNamed('models', 'dry');
    const planned = await apply(deployment('dry', 'models', IMAGE_B), 'model-promote', false, 'All');
    expect((planned as V1Deployment).spec?.template.spec?.containers[0]?.image).toBe(IMAGE_B);
    const after = await deploymentNamed('models', 'dry');
    expect(after.metadata?.generation).toBe(before.metadata?.generation);
    expect(after.spec?.template.spec?.containers[0]?.image).toBe(IMAGE_A);
  });

  it('apply needs a fieldManager', async () => {
    const { code, status } = await rejection(apply(deployment('nomanager', 'models', IMAGE_A), ''));
    expect(code).toBe(422);
    expect(status.message).toContain('fieldManager: Required value');
  });

  it('409 when another manager owns the image; force takes it over', async () => {
    await apply(deployment('owned', 'models', IMAGE_A), 'someone-else');
    const { code, status } = await rejection(apply(deployment('owned', 'models', IMAGE_B), 'model-promote'));
    expect(code).toBe(409);
    expect(status.reason).toBe('Conflict');
    expect(status.message).toContain(
      'Apply failed with 1 conflict: conflict with "someone-else" using apps/v1: .spec.template.spec.containers[name="model-server"].image',
    );
    const forced = await apply(deployment('owned', 'models', IMAGE_B), 'model-promote', true);
    expect((forced as V1Deployment).spec?.template.spec?.containers[0]?.image).toBe(IMAGE_B);
    const managers = (forced.metadata?.managedFields ?? []).map((m) => `${m.manager}/${m.operation}`);
    expect(managers).toEqual(expect.arrayContaining(['someone-else/Apply', 'model-promote/Apply']));
    // Applying the value the field already has is no conflict: the field becomes shared.
    const shared = await apply(deployment('owned', 'models', IMAGE_B), 'someone-else');
    expect(shared.metadata?.generation).toBe(forced.metadata?.generation);
  });

  it('merge and strategic patches of a Deployment', async () => {
    await apply(deployment('patched', 'models', IMAGE_A, 1));
    const merged = await apps.patchNamespacedDeployment(
      { name: 'patched', namespace: 'models', body: { spec: { replicas: 3 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.spec?.replicas).toBe(3);
    const strategic = await apps.patchNamespacedDeployment(
      {
        name: 'patched',
        namespace: 'models',
        body: { spec: { template: { spec: { containers: [{ name: 'model-server', image: IMAGE_B }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const container = strategic.spec?.template.spec?.containers[0];
    expect([container?.image, container?.ports?.[0]?.containerPort]).toEqual([IMAGE_B, 8080]);
    const jsonPatched = await apps.patchNamespacedDeployment({
      name: 'patched',
      namespace: 'models',
      body: [{ op: 'replace', path: '/spec/replicas', value: 2 }],
    });
    expect(jsonPatched.spec?.replicas).toBe(2);
    expect(jsonPatched.metadata?.generation).toBe(4);
    const scale = await apps.readNamespacedDeploymentScale({ name: 'patched', namespace: 'models' });
    expect(scale.spec?.replicas).toBe(2);
  });

  it('Lease: create twice is AlreadyExists; update with a stale resourceVersion is Conflict', async () => {
    const leases = kc.makeApiClient(CoordinationV1Api);
    const body = {
      metadata: { name: 'promotion-lock', namespace: 'models' },
      spec: { holderIdentity: 'run-1', leaseDurationSeconds: 30 },
    };
    const created = await leases.createNamespacedLease({ namespace: 'models', body });
    const again = await rejection(leases.createNamespacedLease({ namespace: 'models', body }));
    expect(again.code).toBe(409);
    expect(again.status.reason).toBe('AlreadyExists');
    const updated = await leases.replaceNamespacedLease({
      name: 'promotion-lock',
      namespace: 'models',
      body: { ...created, spec: { ...created.spec, holderIdentity: 'run-2' } },
    });
    expect(updated.spec?.holderIdentity).toBe('run-2');
    const stale = await rejection(
      leases.replaceNamespacedLease({
        name: 'promotion-lock',
        namespace: 'models',
        body: { ...created, spec: { ...created.spec, holderIdentity: 'run-3' } },
      }),
    );
    expect(stale.code).toBe(409);
    expect(stale.status).toMatchObject({
      reason: 'Conflict',
      message: expect.stringContaining('the object has been modified'),
    });
    const stalePrecondition = await rejection(
      leases.deleteNamespacedLease({
        name: 'promotion-lock',
        namespace: 'models',
        body: { preconditions: { resourceVersion: created.metadata?.resourceVersion } },
      }),
    );
    expect(stalePrecondition.code).toBe(409);
    expect(stalePrecondition.status.message).toContain('Precondition failed: ResourceVersion');
    await leases.deleteNamespacedLease({
      name: 'promotion-lock',
      namespace: 'models',
      body: {
        preconditions: { uid: updated.metadata?.uid, resourceVersion: updated.metadata?.resourceVersion },
      },
    });
  });

  it('LIST with fieldSelector metadata.name and labelSelector', async () => {
    await apply(deployment('listed-a', 'models', IMAGE_A, 1));
    await apply(deployment('listed-b', 'models', IMAGE_A, 1));
    const byName = await apps.listNamespacedDeployment({
      namespace: 'models',
      fieldSelector: 'metadata.name=listed-b',
    });
    expect(byName.items.map((d) => d.metadata?.name)).toEqual(['listed-b']);
    const byLabel = await apps.listNamespacedDeployment({
      namespace: 'models',
      labelSelector: 'app in (listed-a,listed-b)',
    });
    expect(byLabel.items.map((d) => d.metadata?.name)).toEqual(['listed-a', 'listed-b']);
  });

  it('a watch resumed from an old resourceVersion replays what it missed', async () => {
    const start = (await apps.listNamespacedDeployment({ namespace: 'models' })).metadata?.resourceVersion;
    await apply(deployment('replayed', 'models', IMAGE_A, 1));
    const seen: string[] = [];
    const watch = new Watch(kc);
    const controller = await watch.watch(
      '/apis/apps/v1/namespaces/models/deployments',
      { resourceVersion: start, fieldSelector: 'metadata.name=replayed' },
      (phase) => seen.push(phase),
      () => undefined,
    );
    await waitFor('replayed ADDED', () => seen.includes('ADDED'));
    controller.abort();
  });
});
