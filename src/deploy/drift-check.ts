/**
 * The I/O of a drift check: for each cluster and namespace the environment's pools promote to, the
 * applied records (applied-record.ts) of the environment, and for each object they list the live
 * object, the server-side dry run of what we applied, and the Deployment's pods. drift.ts decides.
 * Nothing is written: every apply here is a dry run.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Pool } from '../environments/catalog-schema.js';
import type { Logger } from '../logger.js';
import { readRecord, recordSelector } from './applied-record.js';
import { collectionPath, displayName, KubeCluster, type LiveObject } from './cluster.js';
import {
  deletedDrift,
  objectDrift,
  podImageDrift,
  replicaRangeDrift,
  type DriftFinding,
  type ManagedFieldsEntry,
  type PodImages,
} from './drift.js';
import { loadKubeConfig } from './kubeconfig.js';
import { refOf } from './rollback.js';
import { matchLabelsOf, selectorString } from './verify.js';

/** A namespace in a cluster that an environment's pools promote to. */
export interface DriftTarget {
  readonly context?: string;
  readonly namespace: string;
}

/** One model's last promotion in one namespace, and how the cluster differs from it. */
export interface PromotionDrift {
  readonly cluster: string;
  readonly namespace: string;
  readonly model: string;
  readonly version: string;
  readonly promotionId: string;
  readonly appliedAt: string;
  readonly imageDigest: string;
  readonly objects: readonly string[];
  readonly findings: readonly DriftFinding[];
}

export interface DriftCheckInput {
  readonly environment: string;
  readonly targets: readonly DriftTarget[];
  readonly kubeconfig?: string;
  /** Only this model's promotion (default: every model promoted to the environment). */
  readonly model?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly logger: Logger;
}

/** The distinct namespaces (per context) the environment's pools deploy to. */
export function driftTargets(pools: readonly Pool[]): DriftTarget[] {
  const seen = new Map<string, DriftTarget>();
  for (const pool of pools) {
    const targets = pool.clusters?.map((c) => ({
      context: c.context,
      namespace: c.namespace ?? pool.namespace,
    })) ?? [{ ...(pool.context !== undefined ? { context: pool.context } : {}), namespace: pool.namespace }];
    for (const target of targets) seen.set(`${target.context ?? ''}\u0000${target.namespace}`, target);
  }
  return [...seen.values()];
}

export async function checkDrift(input: DriftCheckInput): Promise<PromotionDrift[]> {
  const results: PromotionDrift[] = [];
  for (const target of input.targets) {
    const kc = loadKubeConfig({
      ...(input.kubeconfig !== undefined ? { kubeconfig: input.kubeconfig } : {}),
      ...(target.context !== undefined ? { context: target.context } : {}),
      ...(input.env ? { env: input.env } : {}),
    });
    const cluster = new KubeCluster(kc);
    const { items } = await cluster.list(collectionPath('v1', 'ConfigMap', target.namespace), {
      labelSelector: recordSelector(input.environment),
    });
    for (const item of items) {
      const record = readRecord(item as KubernetesObject & { data?: Record<string, string> });
      if (typeof record === 'string') {
        input.logger.warn(`${cluster.name}/${target.namespace}: ${record}; not checked`);
        results.push(unreadable(cluster.name, target.namespace, item, record));
        continue;
      }
      if (record.environment !== input.environment) continue;
      if (input.model !== undefined && record.model !== input.model) continue;
      input.logger.info(
        `${cluster.name}/${target.namespace}: ${record.model} v${record.version} (promotion ${record.promotionId}, ${record.objects.length} object(s))`,
      );
      const findings: DriftFinding[] = [];
      for (const object of record.objects)
        findings.push(...(await objectFindings(cluster, object, record.objects, record.imageDigest)));
      results.push({
        cluster: cluster.name,
        namespace: target.namespace,
        model: record.model,
        version: record.version,
        promotionId: record.promotionId,
        appliedAt: record.appliedAt,
        imageDigest: record.imageDigest,
        objects: record.objects.map(displayName),
        findings,
      });
    }
  }
  return results;
}

function unreadable(cluster: string, namespace: string, item: LiveObject, reason: string): PromotionDrift {
  const a = item.metadata.annotations ?? {};
  return {
    cluster,
    namespace,
    model: a['model-promote.dev/model'] ?? item.metadata.name,
    version: a['model-promote.dev/version'] ?? '',
    promotionId: a['model-promote.dev/promotion-id'] ?? '',
    appliedAt: a['model-promote.dev/applied-at'] ?? '',
    imageDigest: a['model-promote.dev/image-digest'] ?? '',
    objects: [],
    findings: [
      {
        kind: 'record',
        object: displayName(item),
        field: 'data',
        expected: 'the applied objects',
        live: reason,
      },
    ],
  };
}

type Scaled = {
  spec?: {
    replicas?: number;
    minReplicas?: number;
    maxReplicas?: number;
    scaleTargetRef?: { kind?: string; name?: string };
  };
};

/** The applied HPA that scales `deployment`, if any. */
function autoscalerOf(
  deployment: KubernetesObject,
  applied: readonly KubernetesObject[],
): Scaled | undefined {
  return applied.find((o) => {
    const ref = (o as Scaled).spec?.scaleTargetRef;
    return (
      o.kind === 'HorizontalPodAutoscaler' &&
      ref?.kind === 'Deployment' &&
      ref.name === deployment.metadata?.name
    );
  }) as Scaled | undefined;
}

async function objectFindings(
  cluster: KubeCluster,
  object: KubernetesObject,
  applied: readonly KubernetesObject[],
  imageDigest: string,
): Promise<DriftFinding[]> {
  const name = displayName(object);
  const live = await cluster.read(refOf(object));
  if (!live) return [deletedDrift(name)];
  let config = object;
  const findings: DriftFinding[] = [];
  const hpa = object.kind === 'Deployment' ? autoscalerOf(object, applied) : undefined;
  if (hpa) {
    // The autoscaler owns the count: compare everything else, and the count with its range.
    const replicas = (live.spec as Scaled['spec'])?.replicas;
    config = structuredClone(object);
    if (replicas !== undefined) (config as Scaled).spec!.replicas = replicas;
    const range = { min: hpa.spec?.minReplicas ?? 1, max: hpa.spec?.maxReplicas ?? 1 };
    const managed = (live.metadata.managedFields ?? []) as ManagedFieldsEntry[];
    const outside = replicaRangeDrift(name, replicas, range, managed);
    if (outside) findings.push(outside);
  }
  const planned = await cluster.apply(config, { dryRun: true, force: true });
  findings.push(...objectDrift(name, live as Record<string, unknown>, planned as Record<string, unknown>));
  if (object.kind === 'Deployment') findings.push(...(await podFindings(cluster, live, object, imageDigest)));
  return findings;
}

async function podFindings(
  cluster: KubeCluster,
  live: LiveObject,
  applied: KubernetesObject,
  digest: string,
): Promise<DriftFinding[]> {
  const template = (applied as { spec?: { template?: { spec?: { containers?: { name?: string }[] } } } }).spec
    ?.template?.spec;
  const containers = (template?.containers ?? []).map((c) => c.name ?? '').filter(Boolean);
  const { items } = await cluster.list(collectionPath('v1', 'Pod', live.metadata.namespace), {
    labelSelector: selectorString(matchLabelsOf(live)),
  });
  const running = items.filter((pod) => !pod.metadata.deletionTimestamp);
  return podImageDrift(running as PodImages[], containers, digest);
}
