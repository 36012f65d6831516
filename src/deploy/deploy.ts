/**
 * The deploy stage: the one function the pipeline calls. In the order that keeps production safe:
 *
 *   1. take the Lease of the namespace and model (lease.ts);
 *   2. apply the ConfigMap, the Deployment (at its minimum replicas) and the Service;
 *   3. wait for the rollout by watching (kubectl's rules), printing progress;
 *   4. verify: the new pods run the pushed digest, a smoke request and N timed requests through
 *      the service proxy, p50/p95 against the pool's SLO;
 *   5. only then the HorizontalPodAutoscaler and the user's manifests;
 *   6. sample the new pods' utilization over the metrics window (never a failure: see usage/);
 *   7. release the Lease (also on failure).
 *
 * Any failure after the first write rolls back (rollback.ts), waits for it, and throws a
 * DeployError carrying the reason, the pods' events and log tail, and the record entry.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Pool } from '../environments/catalog-schema.js';
import type { Logger } from '../logger.js';
import { checkAccess, requiredPermissions } from './access-check.js';
import { dryRunDiff, type ObjectDiff } from './apply-diff.js';
import { loadKubeConfig } from './kubeconfig.js';
import { apiFailure, DeployError, type FailureEvidence } from './cluster-error.js';
import { KubeCluster } from './cluster.js';
import { ClusterDeploy, type Target } from './cluster-deploy.js';
import { acquireLease, type HeldLease } from './lease.js';
import { PREFIX } from './labels.js';
import type { SmokeTransport } from './smoke.js';
import type { UsageOptions } from '../usage/sample-usage.js';
import type { Utilization } from '../usage/resource-usage.js';

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
  /** Utilization sampling once the rollout is verified; none without it (or with a 0 window). */
  readonly utilization?: UsageOptions;
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
  /** The new pods' CPU, memory and GPU over the metrics window, against their requests and limits. */
  readonly utilization?: Utilization;
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

const LAYOUT = /^oci-layout:/;

function withNamespace(object: KubernetesObject, namespace: string): KubernetesObject {
  if (!object.metadata?.namespace) return object;
  return { ...object, metadata: { ...object.metadata, namespace } };
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
  const target = await connect(input);
  if (input.dryRun) return dryRun(target, input);
  const lease = await takeLease(target, input);
  const run = new ClusterDeploy(target, input, lease);
  try {
    await run.applyWorkload();
    const rollout = await run.awaitRollout();
    await run.applyAfterRollout();
    const utilization = await run.observe();
    return run.succeeded(rollout, utilization);
  } catch (thrown) {
    try {
      throw await run.failed(thrown);
    } finally {
      await lease.release();
    }
  }
}

/** The cluster from the kubeconfig, the objects in the target namespace, and the preflight checks. */
async function connect(input: DeployInput): Promise<Target> {
  const namespace = input.target?.namespace ?? input.pool.namespace;
  const context = input.target?.context ?? input.pool.context;
  const kc = loadKubeConfig({
    ...(input.kubeconfig !== undefined ? { kubeconfig: input.kubeconfig } : {}),
    ...(context !== undefined ? { context } : {}),
    ...(input.env ? { env: input.env } : {}),
  });
  const cluster = new KubeCluster(kc);
  const objects = input.objects.map((o) => withNamespace(o, namespace));
  const userObjects = (input.userObjects ?? []).map((o) => withNamespace(o, namespace));
  await preflight(cluster, input, namespace, [...objects, ...userObjects]);
  return { cluster, namespace, objects, userObjects };
}

/** `--dry-run`: the server-side dry run of every object against the live ones; nothing is written. */
async function dryRun(target: Target, input: DeployInput): Promise<Deployed> {
  const { cluster, namespace, objects, userObjects } = target;
  const diff = await dryRunDiff(cluster, [...objects, ...userObjects], {
    force: input.force,
    logger: input.logger,
  });
  const result: DeployResult = {
    cluster: cluster.name,
    namespace,
    version: input.model.version,
    applied: [],
    rolledBack: false,
    rolloutSeconds: 0,
    diff,
  };
  return { result, rollback: async () => [], release: async () => undefined };
}

function takeLease({ cluster, namespace }: Target, input: DeployInput): Promise<HeldLease> {
  return acquireLease(cluster, {
    namespace,
    model: input.model.name,
    holder: input.promotionId,
    waitMs: (input.timeouts.leaseWaitSeconds ?? 300) * 1000,
    ...(input.timeouts.leaseSeconds !== undefined ? { leaseSeconds: input.timeouts.leaseSeconds } : {}),
    logger: input.logger,
    annotations: { [`${PREFIX}/version`]: input.model.version },
  });
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
