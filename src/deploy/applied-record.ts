/**
 * What the last promotion applied, kept in the cluster beside what it applied: one ConfigMap per
 * model and environment, `<name>-applied`, written after a verified rollout (and restored with the
 * rest by a rollback). It holds the objects exactly as they were applied, as compact JSON, so that
 * a drift check needs only cluster access: no registry, no model, no catalog beyond where to look.
 * Pure: the ConfigMap in, the objects out, and back.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { labelValue, MANAGED_BY, PREFIX } from './labels.js';

export const RECORD_LABEL = `${PREFIX}/record`;
export const RECORD_KIND = 'applied';
const DATA_KEY = 'objects.json';
/** A ConfigMap holds at most 1 MiB; leave room for metadata. */
export const RECORD_LIMIT = 900 * 1024;

export interface AppliedRecord {
  readonly model: string;
  readonly version: string;
  readonly environment: string;
  readonly promotionId: string;
  readonly imageDigest: string;
  /** When the promotion finished applying (ISO 8601). */
  readonly appliedAt: string;
  /** In apply order, namespaced as applied. */
  readonly objects: readonly KubernetesObject[];
}

/** The label selector of every applied record of `environment`. */
export function recordSelector(environment: string): string {
  return `${RECORD_LABEL}=${RECORD_KIND},${PREFIX}/environment=${labelValue(environment)}`;
}

export function recordName(workloadName: string): string {
  return `${workloadName}-applied`;
}

/**
 * The ConfigMap that keeps `record` in `namespace`, or why there can be none (objects too large for
 * one ConfigMap: the promotion stands, only drift cannot be checked).
 */
export function recordConfigMap(
  record: AppliedRecord,
  workloadName: string,
  namespace: string,
): KubernetesObject | string {
  const json = JSON.stringify(record.objects);
  const bytes = Buffer.byteLength(json);
  if (bytes > RECORD_LIMIT)
    return `the applied objects are ${bytes} bytes as JSON, more than one ConfigMap keeps (${RECORD_LIMIT})`;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: recordName(workloadName),
      namespace,
      labels: {
        'app.kubernetes.io/managed-by': MANAGED_BY,
        [RECORD_LABEL]: RECORD_KIND,
        [`${PREFIX}/model`]: labelValue(record.model),
        [`${PREFIX}/environment`]: labelValue(record.environment),
      },
      annotations: {
        [`${PREFIX}/model`]: record.model,
        [`${PREFIX}/version`]: record.version,
        [`${PREFIX}/environment`]: record.environment,
        [`${PREFIX}/promotion-id`]: record.promotionId,
        [`${PREFIX}/image-digest`]: record.imageDigest,
        [`${PREFIX}/applied-at`]: record.appliedAt,
      },
    },
    data: { [DATA_KEY]: json },
  } as KubernetesObject;
}

/** The record a ConfigMap keeps; a reason when it is not one (edited by hand, cut, another tool's). */
export function readRecord(
  configMap: KubernetesObject & { data?: Record<string, string> },
): AppliedRecord | string {
  const name = configMap.metadata?.name ?? '';
  const a = configMap.metadata?.annotations ?? {};
  const text = configMap.data?.[DATA_KEY];
  if (text === undefined) return `ConfigMap/${name} has no ${DATA_KEY}`;
  let objects: unknown;
  try {
    objects = JSON.parse(text);
  } catch (error) {
    return `ConfigMap/${name}: ${DATA_KEY} is not JSON (${(error as Error).message})`;
  }
  if (!Array.isArray(objects) || !objects.every((o) => typeof o === 'object' && o && 'kind' in o))
    return `ConfigMap/${name}: ${DATA_KEY} is not a list of objects`;
  const needed = ['model', 'version', 'environment', 'promotion-id', 'image-digest', 'applied-at'];
  const missing = needed.filter((key) => !a[`${PREFIX}/${key}`]);
  if (missing.length)
    return `ConfigMap/${name} lacks the annotation(s) ${missing.map((k) => `${PREFIX}/${k}`).join(', ')}`;
  return {
    model: a[`${PREFIX}/model`]!,
    version: a[`${PREFIX}/version`]!,
    environment: a[`${PREFIX}/environment`]!,
    promotionId: a[`${PREFIX}/promotion-id`]!,
    imageDigest: a[`${PREFIX}/image-digest`]!,
    appliedAt: a[`${PREFIX}/applied-at`]!,
    objects: objects as KubernetesObject[],
  };
}
