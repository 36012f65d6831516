/**
 * The Lease while it is held: renewal, what another promotion sees, release, and losing it. Against
 * the real control plane, with short leases (2 s, renewed every ~667 ms) and bounded waits. The
 * promotion's identity is `deployer`, granted leases in each test's namespace by RBAC.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CoordinationV1Api, KubeConfig, type KubernetesObject, type V1Lease } from '@kubernetes/client-node';
import { deployFailure as failure } from './deploy-fixtures.js';
import { KubeCluster } from '../../src/deploy/cluster.js';
import { acquireLease, leaseName, type HeldLease, type LeaseOptions } from '../../src/deploy/lease.js';
import { MemoryLogger } from '../../src/logger.js';
import { deleteNamespaces, sharedPlane, testNamespace } from '../control-plane/shared-plane.js';
import { rejection, waitFor } from '../control-plane/wait.js';

const SECONDS = 2;
const RENEW_MS = (SECONDS * 1000) / 3;
const MODEL = 'sentiment';
const NAME = leaseName(MODEL);

let kube: KubeCluster;
let leases: CoordinationV1Api;
const held: HeldLease[] = [];
const namespaces: string[] = [];

/** The Role `deployer` has in `namespace`: every verb on leases, or `verbs`. */
async function grantLeases(
  namespace: string,
  verbs = ['get', 'create', 'update', 'patch', 'delete', 'list', 'watch'],
) {
  const admin = sharedPlane().admin;
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'leases', namespace },
    rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs }],
  };
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'leases', namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'leases' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'deployer' }],
  };
  for (const object of [role, binding])
    await admin.apply(object as KubernetesObject, { fieldManager: 'test', force: true });
}

/** A namespace of this test's own where `deployer` may use leases. */
async function space(prefix: string): Promise<string> {
  const name = await testNamespace(sharedPlane().admin, prefix);
  namespaces.push(name);
  await grantLeases(name);
  return name;
}

beforeAll(async () => {
  const kc = new KubeConfig();
  kc.loadFromString(await readFile(sharedPlane().deployerKubeconfigPath, 'utf8'));
  kube = new KubeCluster(kc);
  const admin = new KubeConfig();
  admin.loadFromString(sharedPlane().kubeconfig);
  leases = admin.makeApiClient(CoordinationV1Api);
});
afterEach(async () => {
  for (const lease of held.splice(0)) await lease.release();
});
afterAll(async () => {
  await deleteNamespaces(sharedPlane().admin, namespaces);
});

async function take(
  namespace: string,
  holder: string,
  extra: Partial<LeaseOptions> = {},
): Promise<HeldLease & { logger: MemoryLogger }> {
  const logger = new MemoryLogger();
  const lease = await acquireLease(kube, {
    namespace,
    model: MODEL,
    holder,
    waitMs: 0,
    leaseSeconds: SECONDS,
    logger,
    ...extra,
  });
  held.push(lease);
  return Object.assign(lease, { logger });
}

const read = (namespace: string): Promise<V1Lease> => leases.readNamespacedLease({ name: NAME, namespace });
/**
 * Replaces the Lease with `edit` of it, as another writer would. The holder renews it every third
 * of its duration, so a renewal between our read and our write is a 409: read again and retry.
 */
async function change(namespace: string, edit: (current: V1Lease) => V1Lease): Promise<V1Lease> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await leases.replaceNamespacedLease({
        name: NAME,
        namespace,
        body: edit(await read(namespace)),
      });
    } catch (error) {
      if ((error as { code?: number }).code !== 409 || attempt >= 20) throw error;
    }
  }
}

const renewedAt = async (namespace: string) => new Date((await read(namespace)).spec!.renewTime!).getTime();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the Lease's renewTime is later than `after`; returns the new renewTime. */
function renewalAfter(namespace: string, after: number, timeoutMs = 2 * RENEW_MS + 1000): Promise<number> {
  return waitFor(
    `a renewal of ${namespace}/${NAME} after ${new Date(after).toISOString()}`,
    async () => {
      const at = await renewedAt(namespace);
      return at > after ? at : undefined;
    },
    timeoutMs,
  );
}

describe('a held Lease', () => {
  it('is renewed every third of its duration while held', async () => {
    const ns = await space('renew');
    const lease = await take(ns, 'promotion-A');
    const first = await read(ns);
    expect(first.spec).toMatchObject({ holderIdentity: 'promotion-A', leaseDurationSeconds: SECONDS });
    const t0 = new Date(first.spec!.renewTime!).getTime();
    const t1 = await renewalAfter(ns, t0);
    const t2 = await renewalAfter(ns, t1);
    // Two renewals, each about a third of the duration after the last: never close to expiry.
    expect(t2 - t0).toBeLessThan(SECONDS * 1000);
    const now = await read(ns);
    expect(now.spec?.holderIdentity).toBe('promotion-A');
    expect(now.spec?.leaseTransitions).toBe(0);
    // Renewing moves renewTime only: acquireTime says when this promotion took the Lease.
    expect(now.spec?.acquireTime).toEqual(first.spec?.acquireTime);
    expect(lease.lost).toBeUndefined();
    expect(lease.logger.lines.filter((l) => l.startsWith('warning:'))).toEqual([]);
  });

  it('keeps another promotion out for longer than its duration', async () => {
    const ns = await space('contend');
    const lease = await take(ns, 'promotion-A');
    const logger = new MemoryLogger();
    const started = Date.now();
    const waitMs = 2.5 * SECONDS * 1000;
    const error = await failure(
      acquireLease(kube, { namespace: ns, model: MODEL, holder: 'promotion-B', waitMs, logger }),
    );
    // B waited out more than two of A's durations and still found A holding, freshly renewed.
    expect(Date.now() - started).toBeGreaterThanOrEqual(waitMs - 50);
    expect(error.code).toBe('lease-held');
    expect(error.message).toContain('held by promotion promotion-A');
    expect(logger.lines.join('\n')).not.toContain('taking over');
    expect((await read(ns)).spec?.holderIdentity).toBe('promotion-A');
    expect(Date.now() - (await renewedAt(ns))).toBeLessThan(SECONDS * 1000);
    expect(lease.lost).toBeUndefined();
  });

  it('after release: deleted, and no longer renewed', async () => {
    const ns = await space('release');
    const lease = await take(ns, 'promotion-A');
    await renewalAfter(ns, await renewedAt(ns));
    await lease.release();
    expect((await rejection(read(ns))).code).toBe(404);
    expect(lease.logger.lines).toContain(`lease ${ns}/${NAME} released`);
    // Someone else takes it; a leftover renewal would PUT over it, or fail and warn.
    const other = await leases.createNamespacedLease({
      namespace: ns,
      body: {
        metadata: { name: NAME },
        spec: { holderIdentity: 'promotion-B', leaseDurationSeconds: 60 },
      },
    });
    await sleep(3 * RENEW_MS);
    const after = await read(ns);
    expect(after.spec?.holderIdentity).toBe('promotion-B');
    expect(after.metadata?.resourceVersion).toBe(other.metadata?.resourceVersion);
    // Nothing ran after release: no renewal, not even one that failed or found the Lease lost.
    expect(lease.logger.lines.filter((l) => l.startsWith('warning:'))).toEqual([]);
    expect(lease.lost).toBeUndefined();
    await lease.release(); // idempotent, and leaves promotion-B's Lease alone
    expect((await read(ns)).spec?.holderIdentity).toBe('promotion-B');
  });
});

describe('when renewal fails', () => {
  it('API errors: warns, keeps the Lease and renews again once the API answers', async () => {
    const ns = await space('forbidden');
    const lease = await take(ns, 'promotion-A');
    await grantLeases(ns, ['get', 'create', 'update', 'delete', 'list', 'watch']);
    const before = await renewedAt(ns);
    await waitFor(
      'a failed renewal',
      () => lease.logger.lines.find((l) => l.startsWith(`warning: lease ${ns}/${NAME}: renewing: HTTP 403`)),
      2 * RENEW_MS + 1000,
    );
    expect(await renewedAt(ns)).toBe(before);
    await grantLeases(ns);
    await renewalAfter(ns, before);
    expect((await read(ns)).spec?.holderIdentity).toBe('promotion-A');
    expect(lease.lost).toBeUndefined();
  });

  it('taken by another promotion: the holder learns it lost the Lease and leaves it alone', async () => {
    const ns = await space('taken');
    const lease = await take(ns, 'promotion-A');
    // As if A had stalled past expiry and B had taken over.
    const taken = await change(ns, (current) => ({
      ...current,
      spec: { ...current.spec, holderIdentity: 'promotion-B', leaseTransitions: 1 },
    }));
    const lost = await waitFor('the Lease to be known lost', () => lease.lost, 2 * RENEW_MS + 1000);
    expect(lost).toContain('promotion-B');
    expect(lease.logger.lines.join('\n')).toContain(
      `warning: lease ${ns}/${NAME} lost: promotion promotion-B holds it now`,
    );
    // A stops renewing: B's Lease is untouched, and A warns once, not every third of the duration.
    await sleep(3 * RENEW_MS);
    const after = await read(ns);
    expect(after.spec?.holderIdentity).toBe('promotion-B');
    expect(after.metadata?.resourceVersion).toBe(taken.metadata?.resourceVersion);
    expect(lease.logger.lines.filter((l) => l.startsWith('warning:'))).toHaveLength(1);
    await lease.release();
    expect((await read(ns)).spec?.holderIdentity).toBe('promotion-B');
  });

  it('changed by someone else but still ours: renewal carries on from the new version', async () => {
    const ns = await space('touched');
    const lease = await take(ns, 'promotion-A');
    const current = await read(ns);
    await change(ns, (now) => ({
      ...now,
      metadata: { ...now.metadata, annotations: { ...now.metadata?.annotations, note: 'hi' } },
    }));
    const t1 = await renewalAfter(ns, new Date(current.spec!.renewTime!).getTime());
    await renewalAfter(ns, t1);
    expect((await read(ns)).spec?.holderIdentity).toBe('promotion-A');
    expect(lease.lost).toBeUndefined();
  });

  it('deleted by someone else: the holder learns it lost the Lease and does not recreate it', async () => {
    const ns = await space('deleted');
    const lease = await take(ns, 'promotion-A');
    await leases.deleteNamespacedLease({ name: NAME, namespace: ns });
    const lost = await waitFor('the Lease to be known lost', () => lease.lost, 2 * RENEW_MS + 1000);
    expect(lost).toContain('deleted');
    await sleep(2 * RENEW_MS);
    expect((await rejection(read(ns))).code).toBe(404);
  });
});
