/**
 * One promotion at a time per namespace and model: a coordination.k8s.io/v1 Lease whose holder is
 * the promotion id. A second promotion watches the Lease until it is released or expires (then
 * takes it), up to a timeout, or fails naming the holder. The holder renews it while it works, so
 * a crashed promotion's Lease expires instead of blocking the model forever.
 */
import type { Logger } from '../logger.js';
import { apiFailure, DeployError } from './cluster-error.js';
import { collectionPath, type KubeCluster, type LiveObject, type RawResponse } from './cluster.js';
import { watchUntil } from './cluster-watch.js';
import { resourceName } from './labels.js';

export interface LeaseOptions {
  readonly namespace: string;
  readonly model: string;
  /** The promotion id. */
  readonly holder: string;
  /** How long to wait for another holder; 0: fail at once. */
  readonly waitMs: number;
  /** Lease duration; renewed every third of it. Default 60 s. */
  readonly leaseSeconds?: number;
  readonly logger: Logger;
  /** Written on the Lease for `kubectl describe lease`. */
  readonly annotations?: Record<string, string>;
}

export interface HeldLease {
  readonly name: string;
  readonly namespace: string;
  /**
   * Why the Lease is no longer ours (another promotion took it over, or it was deleted), found
   * when renewing; undefined while it is held. Renewal stops once the Lease is lost.
   */
  readonly lost: string | undefined;
  /** Stops renewing and deletes the Lease if still ours. Never throws. */
  release(): Promise<void>;
}

interface LeaseObject extends LiveObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export function leaseName(model: string): string {
  return resourceName(`model-promote-${model}`, 'lock');
}

/** MicroTime: RFC 3339 with microseconds, as the API server writes it. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** When the Lease expires (epoch ms); 0 without a renewTime. */
export function expiresAt(lease: LeaseObject): number {
  const renewed = Date.parse(lease.spec?.renewTime ?? lease.spec?.acquireTime ?? '');
  if (Number.isNaN(renewed)) return 0;
  return renewed + (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
}

function parse(res: RawResponse): LeaseObject {
  return JSON.parse(res.body) as LeaseObject;
}

export async function acquireLease(cluster: KubeCluster, options: LeaseOptions): Promise<HeldLease> {
  const name = leaseName(options.model);
  const { namespace, holder, logger } = options;
  const seconds = options.leaseSeconds ?? 60;
  const path = collectionPath('coordination.k8s.io/v1', 'Lease', namespace);
  const action = (verb: string) => ({ verb, kind: 'Lease', name, namespace, cluster: cluster.name });
  const body = (transitions: number, resourceVersion?: string, acquired?: string) =>
    JSON.stringify({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name,
        namespace,
        ...(resourceVersion ? { resourceVersion } : {}),
        labels: { 'app.kubernetes.io/managed-by': 'model-promote' },
        annotations: { 'model-promote.dev/model': options.model, ...options.annotations },
      },
      spec: {
        holderIdentity: holder,
        leaseDurationSeconds: seconds,
        acquireTime: acquired ?? microTime(Date.now()),
        renewTime: microTime(Date.now()),
        leaseTransitions: transitions,
      },
    });
  const send = async (verb: string, method: string, url: string, payload?: string) => {
    const type = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
    try {
      return await cluster.request(method, url, payload, payload ? { 'Content-Type': type } : {});
    } catch (error) {
      throw apiFailure(error, action(verb));
    }
  };
  const deadline = Date.now() + options.waitMs;
  let announced = false;

  for (;;) {
    const created = await send('create', 'POST', path, body(0));
    let lease: LeaseObject | undefined;
    if (created.status === 201 || created.status === 200) lease = parse(created);
    else if (created.status !== 409)
      throw apiFailure({ code: created.status, body: created.body }, action('create'));
    if (!lease) {
      const got = await send('get', 'GET', `${path}/${name}`);
      if (got.status === 404) continue; // released between our create and our read
      if (got.status !== 200) throw apiFailure({ code: got.status, body: got.body }, action('get'));
      const current = parse(got);
      const other = current.spec?.holderIdentity;
      if (!other || other === holder || expiresAt(current) < Date.now()) {
        if (other && other !== holder)
          logger.warn(`lease ${namespace}/${name}: taking over the expired lease of ${other}`);
        const taken = await send(
          'update',
          'PUT',
          `${path}/${name}`,
          body(
            (current.spec?.leaseTransitions ?? 0) + (other === holder ? 0 : 1),
            current.metadata.resourceVersion,
          ),
        );
        if (taken.status === 409) continue; // someone else was faster: look again
        if (taken.status !== 200)
          throw apiFailure({ code: taken.status, body: taken.body }, action('update'));
        lease = parse(taken);
      } else {
        const remaining = deadline - Date.now();
        const describe = `lease ${namespace}/${name} is held by promotion ${other} (renewed ${current.spec?.renewTime ?? '?'}, expires ${new Date(expiresAt(current)).toISOString()})`;
        if (remaining <= 0) {
          throw new DeployError(
            'failed',
            'lease-held',
            `another promotion of ${options.model} is running: ${describe}`,
            `wait for promotion ${other} to finish (or, if it died, for its lease to expire, or delete it: kubectl delete lease -n ${namespace} ${name})`,
          );
        }
        if (!announced) logger.info(`${describe}; waiting up to ${Math.ceil(remaining / 1000)} s`);
        announced = true;
        // Watch until it is released, changes hands or expires (no event marks expiry: bound the wait by it).
        const until = Math.max(50, Math.min(remaining, expiresAt(current) - Date.now() + 50));
        await watchUntil(
          cluster,
          [{ path, fieldSelector: `metadata.name=${name}` }],
          (caches) => {
            const now = caches[0]?.get(name) as LeaseObject | undefined;
            if (
              !now ||
              now.spec?.holderIdentity !== other ||
              now.metadata.resourceVersion !== current.metadata.resourceVersion
            )
              return true;
            return undefined;
          },
          { timeoutMs: until, onTimeout: () => new Error('lease wait') },
        ).catch((error: unknown) => {
          if (!(error instanceof Error && error.message === 'lease wait')) throw error;
        });
        continue;
      }
    }
    logger.info(`lease ${namespace}/${name} taken by promotion ${holder}`);
    return held(lease, send, path, name, namespace, seconds, holder, logger, body);
  }
}

function held(
  initial: LeaseObject,
  send: (verb: string, method: string, url: string, payload?: string) => Promise<RawResponse>,
  path: string,
  name: string,
  namespace: string,
  seconds: number,
  holder: string,
  logger: Logger,
  body: (transitions: number, resourceVersion?: string, acquired?: string) => string,
): HeldLease {
  let lease = initial;
  let lost: string | undefined;
  let renewing: Promise<void> | undefined;
  const url = `${path}/${name}`;
  const lose = (reason: string) => {
    lost = `lease ${namespace}/${name} lost: ${reason}`;
    clearInterval(timer);
    logger.warn(`${lost}; another promotion may now deploy ${namespace} at the same time`);
  };
  // A renewal moves renewTime only: acquireTime stays when this promotion took the Lease. It is a
  // PATCH, not a PUT: the API server creates a Lease on a PUT to one that was deleted (Leases allow
  // create on update), which would bring back a Lease someone removed; a PATCH of a deleted object
  // is a 404. The resourceVersion in the patch makes it conditional, as the PUT was.
  const put = () =>
    send(
      'patch',
      'PATCH',
      url,
      body(lease.spec?.leaseTransitions ?? 0, lease.metadata.resourceVersion, lease.spec?.acquireTime),
    );
  const renew = async () => {
    let res = await put();
    if (res.status === 409) {
      // Changed since our last write: still ours (say, an annotation added) or taken over?
      const got = await send('get', 'GET', url);
      if (got.status === 404) return lose('it was deleted');
      if (got.status !== 200) {
        logger.warn(`lease ${namespace}/${name}: renewing: HTTP ${got.status}`);
        return;
      }
      const current = parse(got);
      const other = current.spec?.holderIdentity;
      if (other !== holder) return lose(`promotion ${other ?? '(none)'} holds it now`);
      lease = current;
      res = await put();
    }
    if (res.status === 200) lease = parse(res);
    else if (res.status === 404) lose('it was deleted');
    else logger.warn(`lease ${namespace}/${name}: renewing: HTTP ${res.status}`);
  };
  const timer = setInterval(
    () => {
      if (renewing || lost) return; // one renewal at a time
      renewing = renew()
        .catch((error: unknown) =>
          logger.warn(`lease ${namespace}/${name}: renewing: ${(error as Error).message}`),
        )
        .finally(() => {
          renewing = undefined;
        });
    },
    (seconds * 1000) / 3,
  );
  timer.unref();
  let released: Promise<void> | undefined;
  return {
    name,
    namespace,
    get lost() {
      return lost;
    },
    release() {
      released ??= (async () => {
        clearInterval(timer);
        await renewing;
        try {
          const got = await send('get', 'GET', url);
          if (got.status !== 200) return;
          const current = parse(got);
          if (current.spec?.holderIdentity !== holder) return;
          // Preconditions: a Lease another promotion took since the read above is not deleted (409).
          const res = await send(
            'delete',
            'DELETE',
            url,
            JSON.stringify({
              apiVersion: 'v1',
              kind: 'DeleteOptions',
              preconditions: { uid: current.metadata.uid, resourceVersion: current.metadata.resourceVersion },
            }),
          );
          if (res.status === 409) logger.info(`lease ${namespace}/${name}: taken over before release`);
          else if (res.status !== 200 && res.status !== 404)
            logger.warn(`lease ${namespace}/${name}: releasing: HTTP ${res.status}`);
          else logger.info(`lease ${namespace}/${name} released`);
        } catch (error) {
          logger.warn(`lease ${namespace}/${name}: releasing: ${(error as Error).message}`);
        }
      })();
      return released;
    },
  };
}
