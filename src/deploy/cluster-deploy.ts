/**
 * One cluster's deploy under a held Lease, step by step (deploy.ts runs the steps): apply the
 * workload, wait for the rollout and verify it, apply what comes after, and on failure gather the
 * evidence and roll back.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../logger.js';
import { applyObject } from './apply.js';
import { recordConfigMap } from './applied-record.js';
import { apiFailure, DeployError, type FailureEvidence } from './cluster-error.js';
import { displayName, type KubeCluster, type LiveObject } from './cluster.js';
import type { Deployed, DeployInput, DeployReport, DeployResult } from './deploy.js';
import type { HeldLease } from './lease.js';
import { PREFIX } from './labels.js';
import { refOf, rollback, type Snapshot } from './rollback.js';
import { collectEvidence, unreadyFirst } from './rollout-evidence.js';
import { waitForDeployment, waitForInferenceService } from './rollout-wait.js';
import { serviceProxyTransport, smokeTest } from './smoke.js';
import { newPods, verifyPodDigests } from './verify.js';
import type { Utilization } from '../usage/resource-usage.js';

const VERSION_ANNOTATION = `${PREFIX}/version`;

/** Where one cluster's deploy goes: the cluster, the namespace, and the objects placed in it. */
export interface Target {
  readonly cluster: KubeCluster;
  readonly namespace: string;
  readonly objects: readonly KubernetesObject[];
  readonly userObjects: readonly KubernetesObject[];
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

interface Rollout {
  readonly seconds: number;
  readonly noticedAt?: number;
  readonly smoke?: SmokeResult;
}

type SmokeResult = Awaited<ReturnType<typeof smokeTest>>;

/**
 * One deploy under a held Lease: what it applied (with the snapshots that undo it), the version it
 * replaces and the workload it watches. Its steps run in deployOne's order.
 */
export class ClusterDeploy {
  private readonly snapshots: Snapshot[] = [];
  private readonly applied: string[] = [];
  /** The objects as applied (the Deployment with the replica count it was given): the drift baseline. */
  private readonly appliedObjects: KubernetesObject[] = [];
  private previousVersion: string | undefined;
  private workload: LiveObject | undefined;
  private readonly cluster: KubeCluster;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  /** The HPA, applied with the user's manifests once the rollout is verified (step 5 above). */
  private readonly later: readonly KubernetesObject[];
  private readonly first: readonly KubernetesObject[];

  constructor(
    private readonly target: Target,
    private readonly input: DeployInput,
    private readonly lease: HeldLease,
  ) {
    this.cluster = target.cluster;
    this.logger = input.logger;
    this.timeoutMs = input.timeouts.rolloutSeconds * 1000;
    this.later = target.objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    this.first = target.objects.filter((o) => o.kind !== 'HorizontalPodAutoscaler');
  }

  /** Stops here once the Lease is someone else's: what this promotion would do next may undo theirs. */
  private checkLease(where: string): void {
    if (!this.lease.lost) return;
    throw new DeployError(
      'failed',
      'lease-lost',
      `${this.lease.lost}: stopped ${where}`,
      'another promotion is deploying this model here now: let it finish, then check which version runs and promote again',
    );
  }

  private async apply(object: KubernetesObject): Promise<LiveObject> {
    this.checkLease(`before applying ${displayName(object)}`);
    const before = await this.cluster.read(refOf(object));
    this.snapshots.push({ ref: refOf(object), ...(before ? { before } : {}) });
    const live = await applyObject(this.cluster, object, { force: this.input.force, logger: this.logger });
    this.applied.push(displayName(object));
    this.appliedObjects.push(object);
    this.logger.info(`applied ${displayName(object)}${before ? '' : ' (created)'}`);
    return live;
  }

  /** The ConfigMap, the workload (Deployment or InferenceService) and the Service, in render order. */
  async applyWorkload(): Promise<void> {
    for (const object of this.first) {
      let toApply = object;
      if (object.kind === 'Deployment' || object.kind === 'InferenceService') {
        const live = await this.cluster.read(refOf(object));
        this.previousVersion = live?.metadata.annotations?.[VERSION_ANNOTATION];
        // A live HPA owns the replica count: keep what it decided instead of scaling to the minimum.
        const hpa = this.later[0] && live ? await this.cluster.read(refOf(this.later[0])) : undefined;
        if (object.kind === 'Deployment' && hpa && live)
          toApply = withReplicas(object, (live.spec as { replicas?: number } | undefined)?.replicas);
      }
      const live = await this.apply(toApply);
      if (object.kind === 'Deployment' || object.kind === 'InferenceService') this.workload = live;
    }
    const { model } = this.input;
    this.logger.info(
      `${model.name}: ${this.previousVersion ? `v${this.previousVersion} -> ` : ''}v${model.version} in ${this.cluster.name}/${this.target.namespace}`,
    );
  }

  /** Waits for the rollout; for a Deployment, then checks the pods' digest and runs the smoke test. */
  async awaitRollout(): Promise<Rollout> {
    const { input, cluster, logger } = this;
    const wait = {
      timeoutMs: this.timeoutMs,
      logger,
      ...(input.progressEveryMs ? { progressEveryMs: input.progressEveryMs } : {}),
    };
    if (this.workload?.kind === 'Deployment') {
      const done = await waitForDeployment(cluster, this.workload, input.image.reference, wait);
      this.workload = done.object;
      const pods = await verifyPodDigests(cluster, this.workload, input.image.reference, input.image.digest);
      logger.info(`verified: ${pods.length} pod(s) of the new ReplicaSet run ${input.image.digest}`);
      const smoke = await this.smoke();
      return { seconds: done.seconds, noticedAt: done.noticedAt, ...(smoke ? { smoke } : {}) };
    }
    if (this.workload) {
      const done = await waitForInferenceService(cluster, this.workload, wait);
      logger.info(
        'smoke: skipped for the kserve form (KServe owns the predictor Service; see docs/deploy.md)',
      );
      return { seconds: done.seconds, noticedAt: done.noticedAt };
    }
    return { seconds: 0 };
  }

  /** A smoke request and timed requests through the Service's proxy; none without a Service. */
  private async smoke(): Promise<SmokeResult | undefined> {
    const { input, cluster } = this;
    const { serving } = input.pool;
    const service = this.target.objects.find((o) => o.kind === 'Service');
    if (!service?.metadata?.name) return undefined;
    const target = {
      namespace: this.target.namespace,
      service: service.metadata.name,
      healthPath: serving.healthPath,
      inferencePath: serving.inferencePath,
      ...(input.inputExample !== undefined ? { inputExample: input.inputExample } : {}),
      ...(serving.latencySLO ? { slo: serving.latencySLO } : {}),
      ...(input.smokeRequests !== undefined ? { requests: input.smokeRequests } : {}),
    };
    const smoke = await smokeTest(input.smokeTransport ?? serviceProxyTransport(cluster, target), target);
    this.logger.info(
      `smoke: ${smoke.requests} requests, p50 ${smoke.p50Ms} ms, p95 ${smoke.p95Ms} ms; reply ${JSON.stringify(smoke.reply)}`,
    );
    return smoke;
  }

  /** The HPA and the user's manifests, once the new version is verified. */
  async applyAfterRollout(): Promise<void> {
    for (const object of [...this.later, ...this.target.userObjects]) await this.apply(object);
    await this.recordApplied();
    this.checkLease('after the rollout, before reporting it');
  }

  /**
   * The new pods' utilization over the metrics window, under the Lease so no other promotion
   * replaces them mid-window. Its module loads only when asked for; it never throws.
   */
  async observe(): Promise<Utilization | undefined> {
    const options = this.input.utilization;
    if (!options || options.windowSeconds <= 0) return undefined;
    if (this.workload?.kind !== 'Deployment') {
      if (this.workload)
        this.logger.info('utilization: skipped for the kserve form (KServe names and scales its pods)');
      return undefined;
    }
    const { sampleUtilization } = await import('../usage/sample-usage.js');
    return sampleUtilization(this.cluster, this.workload, options, this.logger);
  }

  /**
   * Keeps what was applied in the cluster (applied-record.ts), for `model-promote drift`. Written
   * like the rest (snapshot first), so a rollback puts the previous record back with the objects.
   */
  private async recordApplied(): Promise<void> {
    const workload = this.first.find((o) => o.kind === 'Deployment' || o.kind === 'InferenceService');
    const environment = workload?.metadata?.annotations?.[`${PREFIX}/environment`];
    if (!workload?.metadata?.name || !environment) return;
    const record = recordConfigMap(
      {
        model: this.input.model.name,
        version: this.input.model.version,
        environment,
        promotionId: this.input.promotionId,
        imageDigest: this.input.image.digest,
        appliedAt: new Date().toISOString(),
        objects: this.appliedObjects,
      },
      workload.metadata.name,
      this.target.namespace,
    );
    if (typeof record === 'string') {
      this.logger.warn(`what was applied is not kept for drift checks: ${record}`);
      return;
    }
    this.checkLease('before recording what was applied');
    const before = await this.cluster.read(refOf(record));
    this.snapshots.push({ ref: refOf(record), ...(before ? { before } : {}) });
    await applyObject(this.cluster, record, { force: true, logger: this.logger });
  }

  private base() {
    return {
      cluster: this.cluster.name,
      namespace: this.target.namespace,
      version: this.input.model.version,
      ...(this.previousVersion !== undefined ? { previousVersion: this.previousVersion } : {}),
    };
  }

  succeeded({ seconds, noticedAt, smoke }: Rollout, utilization?: Utilization): Deployed {
    const result: DeployResult = {
      ...this.base(),
      rollout: { seconds },
      rolloutSeconds: seconds,
      ...(smoke ? { smoke: { p50Ms: smoke.p50Ms, p95Ms: smoke.p95Ms, requests: smoke.requests } } : {}),
      ...(utilization ? { utilization } : {}),
      ...(smoke?.reply !== undefined ? { smokeReply: smoke.reply } : {}),
      applied: this.applied,
      rolledBack: false,
      ...(noticedAt !== undefined ? { noticedAt } : {}),
    };
    return {
      result,
      rollback: (reason) => restore(this.cluster, this.snapshots, reason, this.timeoutMs, this.logger),
      release: () => this.lease.release(),
    };
  }

  /**
   * After a failure: the pods' evidence, the rollback (unless another promotion holds the Lease),
   * and the DeployError to throw, carrying the record entry and what was restored.
   */
  async failed(thrown: unknown): Promise<DeployError> {
    const { cluster, logger, snapshots } = this;
    const error =
      thrown instanceof DeployError
        ? thrown
        : apiFailure(thrown, { verb: 'deploy', kind: 'objects', cluster: cluster.name });
    const evidence = await failureEvidence(cluster, this.target.namespace, this.workload);
    let restored: string[] = [];
    let rollbackError: DeployError | undefined;
    // Once another promotion holds the Lease, restoring our snapshots would undo its work. Read
    // once: the report must say what was decided here, even if the Lease is lost meanwhile.
    const lost = this.lease.lost;
    const rollBack = snapshots.length > 0 && !lost;
    if (rollBack) {
      logger.warn(`deploy failed: ${error.message}; rolling back`);
      for (const line of evidence.events) logger.info(`  event: ${line}`);
      for (const line of evidence.logTail) logger.info(`  log: ${line}`);
      restored = await restore(cluster, snapshots, error.message, this.timeoutMs, logger).catch(
        (e: unknown) => {
          rollbackError =
            e instanceof DeployError
              ? e
              : apiFailure(e, { verb: 'rollback', kind: 'objects', cluster: cluster.name });
          return [];
        },
      );
    }
    const back = lost
      ? '; not rolled back: another promotion holds the Lease now'
      : snapshots.length === 0
        ? ''
        : this.previousVersion
          ? `; rolled back to v${this.previousVersion}`
          : '; removed what it created';
    const report: DeployReport = {
      ...this.base(),
      applied: this.applied,
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
    return Object.assign(failed, { report, restored });
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
