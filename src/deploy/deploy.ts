/**
 * The deploy stage: the one function the pipeline calls. In the order that keeps production safe:
 *
 *   1. take the Lease of the namespace and model (lease.ts);
 *   2. apply the ConfigMap, the Deployment (at its minimum replicas) and the Service;
 *   3. wait for the rollout by watching (kubectl's rules), printing progress;
 *   4. verify: the new pods run the pushed digest, a smoke request and N timed requests through
 *      the service proxy, p50/p95 against the pool's SLO;
 *   5. only then the HorizontalPodAutoscaler and the user's manifests;
 *   6. release the Lease (also on failure).
 *
 * Any failure after the first write rolls back (rollback.ts), waits for it, and throws a
 * DeployError carrying the reason, the pods' events and log tail, and the record entry.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Pool } from '../environments/catalog-schema.js';
import type { Logger } from '../logger.js';
import { checkAccess, requiredPermissions } from './access-check.js';
import { applyObject } from './apply.js';
import { dryRunDiff, type ObjectDiff } from './apply-diff.js';
import { loadKubeConfig } from './cluster-access.js';
import { apiFailure, DeployError, type FailureEvidence } from './cluster-error.js';
import { displayName, KubeCluster, type LiveObject } from './cluster.js';
import { acquireLease, type HeldLease } from './lease.js';
import { PREFIX } from './labels.js';
import { refOf, rollback, type Snapshot } from './rollback.js';
import { collectEvidence, unreadyFirst } from './rollout-evidence.js';
import { waitForDeployment, waitForInferenceService } from './rollout-wait.js';
import { serviceProxyTransport, smokeTest, type SmokeTransport } from './smoke.js';
import { newPods, verifyPodDigests } from './verify.js';

export interface DeployInput {
  /** The rendered objects, in apply order (renderManifests). */
  readonly objects: readonly KubernetesObject[];
  /** The user's manifests, loaded and substituted (loadUserManifests); applied last. */
  readonly userObjects?: readonly KubernetesObject[];
  readonly pool: Pool;
  /** The kubeconfig input (path or content); else KUBECONFIG, else in-cluster. */
  readonly kubeconfig?: string;
  /** Overrides the pool's context and namespace (one entry of `clusters:`). */
  readonly target?: { readonly context?: string; readonly namespace?: string };
  readonly promotionId: string;
  readonly model: { readonly name: string; readonly version: string; readonly digest: string };
  readonly image: { readonly reference: string; readonly digest: string };
  /** The model's input_example.json (parsed), for the inference smoke request. */
  readonly inputExample?: unknown;
  readonly timeouts: {
    /** The rollout-timeout input: rollout plus checks. */
    readonly rolloutSeconds: number;
    /** How long to wait for another promotion's Lease; default 300. */
    readonly leaseWaitSeconds?: number;
    /** The Lease's duration (renewed every third of it); default 60. */
    readonly leaseSeconds?: number;
  };
  readonly logger: Logger;
  readonly force: boolean;
  readonly dryRun: boolean;
  /** Timed smoke requests; default 20. */
  readonly smokeRequests?: number;
  /** Progress line period; default 3000 ms. */
  readonly progressEveryMs?: number;
  /**
   * Accept an `oci-layout:` image. Only for the test cluster, whose pods "run" a layout: a real
   * node can only pull from a registry.
   */
  readonly allowLayoutImages?: boolean;
  /** Replaces the service-proxy transport of the smoke check (tests). */
  readonly smokeTransport?: SmokeTransport;
  readonly env?: NodeJS.ProcessEnv;
}

/** What the promotion record keeps under `deploy` (one per cluster). */
export interface DeployReport {
  readonly cluster: string;
  readonly namespace: string;
  readonly previousVersion?: string;
  readonly version: string;
  readonly rollout?: { readonly seconds: number };
  readonly smoke?: { readonly p50Ms: number; readonly p95Ms: number; readonly requests: number };
  readonly applied: readonly string[];
  readonly rolledBack: boolean;
  readonly reason?: string;
  readonly evidence?: FailureEvidence;
}

export interface DeployResult extends DeployReport {
  readonly rolloutSeconds: number;
  /** The inference reply of the smoke request. */
  readonly smokeReply?: unknown;
  /** `--dry-run`: the server-side dry run compared with the live objects. */
  readonly diff?: readonly ObjectDiff[];
  /** When the watch saw the rollout complete (epoch ms): the bench compares it with the cluster. */
  readonly noticedAt?: number;
}

/** A deploy that succeeded and still holds its Lease: several clusters roll back together. */
export interface Deployed {
  readonly result: DeployResult;
  rollback(reason: string): Promise<string[]>;
  release(): Promise<void>;
}

const VERSION_ANNOTATION = `${PREFIX}/version`;
const LAYOUT = /^oci-layout:/;

function withNamespace(object: KubernetesObject, namespace: string): KubernetesObject {
  if (!object.metadata?.namespace) return object;
  return { ...object, metadata: { ...object.metadata, namespace } };
}

/**
 * The Deployment with the live replica count: when an HPA already scales it, the promotion must not
 * scale it back to the minimum, nor drop the field (server-side apply would then delete it, and
 * the Deployment would fall to 1 replica).
 */
function withReplicas(object: KubernetesObject, replicas: number | undefined): KubernetesObject {
  const copy = structuredClone(object) as KubernetesObject & { spec?: { replicas?: number } };
  if (copy.spec && replicas !== undefined) copy.spec.replicas = replicas;
  return copy;
}

/** Refuses, before anything is written, what cannot work: a layout image on a real cluster, a missing namespace. */
async function preflight(
  cluster: KubeCluster,
  input: DeployInput,
  namespace: string,
  objects: readonly KubernetesObject[],
): Promise<void> {
  if (LAYOUT.test(input.image.reference) && !input.allowLayoutImages) {
    throw new DeployError(
      'usage',
      'image-not-pullable',
      `image ${input.image.reference} is an OCI layout on this machine: cluster ${cluster.name} cannot pull it`,
      'give image-repository (HOST/REPO) so the image is pushed to a registry the cluster can pull from',
    );
  }
  const res = await cluster
    .request('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}`)
    .catch((error: unknown) => {
      throw apiFailure(error, { verb: 'get', kind: 'Namespace', name: namespace, cluster: cluster.name });
    });
  if (res.status === 404) {
    throw new DeployError(
      'usage',
      'namespace-missing',
      `namespace "${namespace}" does not exist in cluster ${cluster.name}`,
      `create it (kubectl create namespace ${namespace}), or set the pool namespace in the catalog`,
    );
  }
  // 403: a namespaced identity may not read namespaces; the access check below tells what it may do.
  if (res.status !== 200 && res.status !== 403) {
    throw apiFailure(
      { code: res.status, body: res.body },
      { verb: 'get', kind: 'Namespace', name: namespace, cluster: cluster.name },
    );
  }
  await checkAccess(cluster, namespace, requiredPermissions(objects, input.dryRun));
}

/** Deploys to one cluster and keeps the Lease; the caller releases (deploy() does). */
export async function deployOne(input: DeployInput): Promise<Deployed> {
  const { pool, logger } = input;
  const namespace = input.target?.namespace ?? pool.namespace;
  const context = input.target?.context ?? pool.context;
  const kc = loadKubeConfig({
    ...(input.kubeconfig !== undefined ? { kubeconfig: input.kubeconfig } : {}),
    ...(context !== undefined ? { context } : {}),
    ...(input.env ? { env: input.env } : {}),
  });
  const cluster = new KubeCluster(kc);
  const objects = input.objects.map((o) => withNamespace(o, namespace));
  const userObjects = (input.userObjects ?? []).map((o) => withNamespace(o, namespace));
  await preflight(cluster, input, namespace, [...objects, ...userObjects]);
  const base = { cluster: cluster.name, namespace, version: input.model.version };

  if (input.dryRun) {
    const diff = await dryRunDiff(cluster, [...objects, ...userObjects], { force: input.force, logger });
    const result: DeployResult = { ...base, applied: [], rolledBack: false, rolloutSeconds: 0, diff };
    return { result, rollback: async () => [], release: async () => undefined };
  }

  const timeoutMs = input.timeouts.rolloutSeconds * 1000;
  const lease: HeldLease = await acquireLease(cluster, {
    namespace,
    model: input.model.name,
    holder: input.promotionId,
    waitMs: (input.timeouts.leaseWaitSeconds ?? 300) * 1000,
    ...(input.timeouts.leaseSeconds !== undefined ? { leaseSeconds: input.timeouts.leaseSeconds } : {}),
    logger,
    annotations: { [`${PREFIX}/version`]: input.model.version },
  });
  const snapshots: Snapshot[] = [];
  const applied: string[] = [];
  let previousVersion: string | undefined;
  let workload: LiveObject | undefined;

  /** Stops here once the Lease is someone else's: what this promotion would do next may undo theirs. */
  const checkLease = (where: string) => {
    if (!lease.lost) return;
    throw new DeployError(
      'failed',
      'lease-lost',
      `${lease.lost}: stopped ${where}`,
      'another promotion is deploying this model here now: let it finish, then check which version runs and promote again',
    );
  };
  const apply = async (object: KubernetesObject): Promise<LiveObject> => {
    checkLease(`before applying ${displayName(object)}`);
    const before = await cluster.read(refOf(object));
    snapshots.push({ ref: refOf(object), ...(before ? { before } : {}) });
    const live = await applyObject(cluster, object, { force: input.force, logger });
    applied.push(displayName(object));
    logger.info(`applied ${displayName(object)}${before ? '' : ' (created)'}`);
    return live;
  };

  try {
    const later = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    const first = objects.filter((o) => o.kind !== 'HorizontalPodAutoscaler');
    let rolloutSeconds = 0;
    let noticedAt: number | undefined;
    let smoke: Awaited<ReturnType<typeof smokeTest>> | undefined;
    for (const object of first) {
      let toApply = object;
      if (object.kind === 'Deployment' || object.kind === 'InferenceService') {
        const live = await cluster.read(refOf(object));
        previousVersion = live?.metadata.annotations?.[VERSION_ANNOTATION];
        // A live HPA owns the replica count: keep what it decided instead of scaling to the minimum.
        const hpa = later[0] && live ? await cluster.read(refOf(later[0])) : undefined;
        if (object.kind === 'Deployment' && hpa && live)
          toApply = withReplicas(object, (live.spec as { replicas?: number } | undefined)?.replicas);
      }
      const live = await apply(toApply);
      if (object.kind === 'Deployment' || object.kind === 'InferenceService') workload = live;
    }
    logger.info(
      `${input.model.name}: ${previousVersion ? `v${previousVersion} -> ` : ''}v${input.model.version} in ${cluster.name}/${namespace}`,
    );
    const wait = {
      timeoutMs,
      logger,
      ...(input.progressEveryMs ? { progressEveryMs: input.progressEveryMs } : {}),
    };
    if (workload?.kind === 'Deployment') {
      const done = await waitForDeployment(cluster, workload, input.image.reference, wait);
      rolloutSeconds = done.seconds;
      noticedAt = done.noticedAt;
      workload = done.object;
      const pods = await verifyPodDigests(cluster, workload, input.image.reference, input.image.digest);
      logger.info(`verified: ${pods.length} pod(s) of the new ReplicaSet run ${input.image.digest}`);
      const service = objects.find((o) => o.kind === 'Service');
      if (service?.metadata?.name) {
        const target = {
          namespace,
          service: service.metadata.name,
          healthPath: pool.serving.healthPath,
          inferencePath: pool.serving.inferencePath,
          ...(input.inputExample !== undefined ? { inputExample: input.inputExample } : {}),
          ...(pool.serving.latencySLO ? { slo: pool.serving.latencySLO } : {}),
          ...(input.smokeRequests !== undefined ? { requests: input.smokeRequests } : {}),
        };
        smoke = await smokeTest(input.smokeTransport ?? serviceProxyTransport(cluster, target), target);
        logger.info(
          `smoke: ${smoke.requests} requests, p50 ${smoke.p50Ms} ms, p95 ${smoke.p95Ms} ms; reply ${JSON.stringify(smoke.reply)}`,
        );
      }
    } else if (workload) {
      const done = await waitForInferenceService(cluster, workload, wait);
      rolloutSeconds = done.seconds;
      noticedAt = done.noticedAt;
      logger.info(
        'smoke: skipped for the kserve form (KServe owns the predictor Service; see docs/deploy.md)',
      );
    }
    for (const object of [...later, ...userObjects]) await apply(object);
    checkLease('after the rollout, before reporting it');

    const result: DeployResult = {
      ...base,
      ...(previousVersion !== undefined ? { previousVersion } : {}),
      rollout: { seconds: rolloutSeconds },
      rolloutSeconds,
      ...(smoke ? { smoke: { p50Ms: smoke.p50Ms, p95Ms: smoke.p95Ms, requests: smoke.requests } } : {}),
      ...(smoke?.reply !== undefined ? { smokeReply: smoke.reply } : {}),
      applied,
      rolledBack: false,
      ...(noticedAt !== undefined ? { noticedAt } : {}),
    };
    return {
      result,
      rollback: (reason) => restore(cluster, snapshots, reason, timeoutMs, logger),
      release: () => lease.release(),
    };
  } catch (thrown) {
    const error =
      thrown instanceof DeployError
        ? thrown
        : apiFailure(thrown, { verb: 'deploy', kind: 'objects', cluster: cluster.name });
    try {
      const evidence = await failureEvidence(cluster, namespace, workload);
      let restored: string[] = [];
      let rollbackError: DeployError | undefined;
      // Once another promotion holds the Lease, restoring our snapshots would undo its work. Read
      // once: the report must say what was decided here, even if the Lease is lost meanwhile.
      const lost = lease.lost;
      const rollBack = snapshots.length > 0 && !lost;
      if (rollBack) {
        logger.warn(`deploy failed: ${error.message}; rolling back`);
        for (const line of evidence.events) logger.info(`  event: ${line}`);
        for (const line of evidence.logTail) logger.info(`  log: ${line}`);
        restored = await restore(cluster, snapshots, error.message, timeoutMs, logger).catch((e: unknown) => {
          rollbackError =
            e instanceof DeployError
              ? e
              : apiFailure(e, { verb: 'rollback', kind: 'objects', cluster: cluster.name });
          return [];
        });
      }
      const back = lost
        ? '; not rolled back: another promotion holds the Lease now'
        : snapshots.length === 0
          ? ''
          : previousVersion
            ? `; rolled back to v${previousVersion}`
            : '; removed what it created';
      const report: DeployReport = {
        ...base,
        ...(previousVersion !== undefined ? { previousVersion } : {}),
        applied,
        rolledBack: rollBack && !rollbackError,
        reason: error.message,
        evidence,
      };
      const failed = rollbackError
        ? new DeployError(
            'failed',
            'rollback-failed',
            `${error.message}; and ${rollbackError.message}`,
            rollbackError.hint,
            {
              cause: error,
              evidence,
            },
          )
        : new DeployError(error.kind, error.code, `${error.message}${back}`, error.hint, {
            cause: error.cause ?? error,
            evidence,
          });
      Object.assign(failed, { report, restored });
      throw failed;
    } finally {
      await lease.release();
    }
  }
}

async function restore(
  cluster: KubeCluster,
  snapshots: readonly Snapshot[],
  reason: string,
  timeoutMs: number,
  logger: Logger,
) {
  logger.info(`rolling back ${cluster.name}: ${reason}`);
  return rollback(cluster, snapshots, { logger, timeoutMs });
}

async function failureEvidence(
  cluster: KubeCluster,
  namespace: string,
  workload: LiveObject | undefined,
): Promise<FailureEvidence> {
  if (!workload || workload.kind !== 'Deployment') {
    return workload
      ? collectEvidence(cluster, namespace, [], [workload.metadata.name])
      : { events: [], logTail: [] };
  }
  const current = (await cluster.read(refOf(workload)).catch(() => undefined)) ?? workload;
  const { pods } = await newPods(cluster, current).catch(() => ({ pods: [] as LiveObject[] }));
  return collectEvidence(cluster, namespace, unreadyFirst(pods), [workload.metadata.name]);
}

/** The record entry a failed deploy carries (rolledBack, reason, evidence). */
export function reportOf(error: unknown): DeployReport | undefined {
  return (error as { report?: DeployReport } | undefined)?.report;
}

/** Deploys to one cluster (the pool's context and namespace) and releases the Lease. */
export async function deploy(input: DeployInput): Promise<DeployResult> {
  const deployed = await deployOne(input);
  await deployed.release();
  return deployed.result;
}
