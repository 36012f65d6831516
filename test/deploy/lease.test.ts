/**
 * The Lease while it is held: renewal, what another promotion sees, release, and losing it. Against
 * the test cluster, with short leases (2 s, renewed every ~667 ms) and bounded waits.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CoordinationV1Api, KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { deployFailure as failure } from './deploy-fixtures.js';
import { KubeCluster } from '../../src/deploy/cluster.js';
import { acquireLease, leaseName, type HeldLease, type LeaseOptions } from '../../src/deploy/lease.js';
import { MemoryLogger } from '../../src/logger.js';
import { rejection, waitFor } from '../cluster/cluster-fixtures.js';
import { startTestCluster, type TestCluster } from '../cluster/index.js';

const SECONDS = 2;
const RENEW_MS = (SECONDS * 1000) / 3;
const MODEL = 'sentiment';
const NAME = leaseName(MODEL);

let cluster: TestCluster;
let kube: KubeCluster;
let leases: CoordinationV1Api;
const held: HeldLease[] = [];

beforeAll(async () => {
  cluster = await startTestCluster({
    namespaces: ['renew', 'contend', 'release', 'forbidden', 'taken', 'touched', 'deleted'],
  });
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfig);
  kube = new KubeCluster(kc);
  leases = kc.makeApiClient(CoordinationV1Api);
});
afterEach(async () => {
  cluster.setForbidden([]);
  for (const lease of held.splice(0)) await lease.release();
});
afterAll(async () => {
  await cluster.close();
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
    const lease = await take('renew', 'promotion-A');
    const first = await read('renew');
    expect(first.spec).toMatchObject({ holderIdentity: 'promotion-A', leaseDurationSeconds: SECONDS });
    const t0 = new Date(first.spec!.renewTime!).getTime();
    const t1 = await renewalAfter('renew', t0);
    const t2 = await renewalAfter('renew', t1);
    // Two renewals, each about a third of the duration after the last: never close to expiry.
    expect(t2 - t0).toBeLessThan(SECONDS * 1000);
    const now = await read('renew');
    expect(now.spec?.holderIdentity).toBe('promotion-A');
    expect(now.spec?.leaseTransitions).toBe(0);
    // Renewing moves renewTime only: acquireTime says when this promotion took the Lease.
    expect(now.spec?.acquireTime).toEqual(first.spec?.acquireTime);
    expect(lease.lost).toBeUndefined();
    expect(lease.logger.lines.filter((l) => l.startsWith('warning:'))).toEqual([]);
  });

  it('keeps another promotion out for longer than its duration', async () => {
    const lease = await take('contend', 'promotion-A');
    const logger = new MemoryLogger();
    const started = Date.now();
    const waitMs = 2.5 * SECONDS * 1000;
    const error = await failure(
      acquireLease(kube, { namespace: 'contend', model: MODEL, holder: 'promotion-B', waitMs, logger }),
    );
    // B waited out more than two of A's durations and still found A holding, freshly renewed.
    expect(Date.now() - started).toBeGreaterThanOrEqual(waitMs - 50);
    expect(error.code).toBe('lease-held');
    expect(error.message).toContain('held by promotion promotion-A');
    expect(logger.lines.join('\n')).not.toContain('taking over');
    expect((await read('contend')).spec?.holderIdentity).toBe('promotion-A');
    expect(Date.now() - (await renewedAt('contend'))).toBeLessThan(SECONDS * 1000);
    expect(lease.lost).toBeUndefined();
  });

  it('after release: deleted, and no longer renewed', async () => {
    const lease = await take('release', 'promotion-A');
    await renewalAfter('release', await renewedAt('release'));
    await lease.release();
    expect((await rejection(read('release'))).code).toBe(404);
    expect(lease.logger.lines).toContain(`lease release/${NAME} released`);
    // Someone else takes it; a leftover renewal would PUT over it, or fail and warn.
    const other = await leases.createNamespacedLease({
      namespace: 'release',
      body: {
        metadata: { name: NAME },
        spec: { holderIdentity: 'promotion-B', leaseDurationSeconds: 60 },
      },
    });
    await sleep(3 * RENEW_MS);
    const after = await read('release');
    expect(after.spec?.holderIdentity).toBe('promotion-B');
    expect(after.metadata?.resourceVersion).toBe(other.metadata?.resourceVersion);
    // Nothing ran after release: no renewal, not even one that failed or found the Lease lost.
    expect(lease.logger.lines.filter((l) => l.startsWith('warning:'))).toEqual([]);
    expect(lease.lost).toBeUndefined();
    await lease.release(); // idempotent, and leaves promotion-B's Lease alone
    expect((await read('release')).spec?.holderIdentity).toBe('promotion-B');
  });
});

describe('when renewal fails', () => {
  it('API errors: warns, keeps the Lease and renews again once the API answers', async () => {
    const lease = await take('forbidden', 'promotion-A');
    cluster.setForbidden([{ verbs: ['update'], resources: ['leases'], namespaces: ['forbidden'] }]);
    const before = await renewedAt('forbidden');
    await waitFor(
      'a failed renewal',
      () =>
        lease.logger.lines.find((l) => l.startsWith(`warning: lease forbidden/${NAME}: renewing: HTTP 403`)),
      2 * RENEW_MS + 1000,
    );
    expect(await renewedAt('forbidden')).toBe(before);
    cluster.setForbidden([]);
    await renewalAfter('forbidden', before);
    expect((await read('forbidden')).spec?.holderIdentity).toBe('promotion-A');
    expect(lease.lost).toBeUndefined();
  });

  it('taken by another promotion: the holder learns it lost the Lease and leaves it alone', async () => {
    const lease = await take('taken', 'promotion-A');
    // As if A had stalled past expiry and B had taken over.
    const current = await read('taken');
    const taken = await leases.replaceNamespacedLease({
      name: NAME,
      namespace: 'taken',
      body: { ...current, spec: { ...current.spec, holderIdentity: 'promotion-B', leaseTransitions: 1 } },
    });
    const lost = await waitFor('the Lease to be known lost', () => lease.lost, 2 * RENEW_MS + 1000);
    expect(lost).toContain('promotion-B');
    expect(lease.logger.lines.join('\n')).toContain(
      `warning: lease taken/${NAME} lost: promotion promotion-B holds it now`,
    );
    // A stops renewing: B's Lease is untouched, and A warns once, not every third of the duration.
    await sleep(3 * RENEW_MS);
    const after = await read('taken');
    expect(after.spec?.holderIdentity).toBe('promotion-B');
    expect(after.metadata?.resourceVersion).toBe(taken.metadata?.resourceVersion);
    expect(lease.logger.lines.filter((l) => l.startsWith('warning:'))).toHaveLength(1);
    await lease.release();
    expect((await read('taken')).spec?.holderIdentity).toBe('promotion-B');
  });

  it('changed by someone else but still ours: renewal carries on from the new version', async () => {
    const lease = await take('touched', 'promotion-A');
    const current = await read('touched');
    await leases.replaceNamespacedLease({
      name: NAME,
      namespace: 'touched',
      body: {
        ...current,
        metadata: { ...current.metadata, annotations: { ...current.metadata?.annotations, note: 'hi' } },
      },
    });
    const t1 = await renewalAfter('touched', new Date(current.spec!.renewTime!).getTime());
    await renewalAfter('touched', t1);
    expect((await read('touched')).spec?.holderIdentity).toBe('promotion-A');
    expect(lease.lost).toBeUndefined();
  });

  it('deleted by someone else: the holder learns it lost the Lease and does not recreate it', async () => {
    const lease = await take('deleted', 'promotion-A');
    await leases.deleteNamespacedLease({ name: NAME, namespace: 'deleted' });
    const lost = await waitFor('the Lease to be known lost', () => lease.lost, 2 * RENEW_MS + 1000);
    expect(lost).toContain('deleted');
    await sleep(2 * RENEW_MS);
    expect((await rejection(read('deleted'))).code).toBe(404);
  });
});
