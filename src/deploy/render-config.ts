/**
 * The ConfigMap the model server reads its environment from. Its name carries a hash of its data
 * and it is immutable: a rollback (`rollout undo`) brings back pods that read their own version's
 * values, never the newest ones.
 */
import type { PromotionMetadata } from './labels.js';
import { shortHash } from './labels.js';
import type { KubernetesObject, RenderInput } from './render-input.js';

/** What the server needs to know about the model and how it is served. No promotion id: the same
 * model promoted again yields the same ConfigMap and rolls no pods. */
export function configData(input: RenderInput): Record<string, string> {
  const { model, pool } = input;
  const { serving } = pool;
  const data: Record<string, string> = {
    MODEL_NAME: model.name,
    MODEL_VERSION: model.version,
    MODEL_DIGEST: model.digest,
    MODEL_PATH: pool.image.modelPath,
    MODEL_ENVIRONMENT: input.environment,
    MODEL_POOL: pool.name,
    SERVING_PORT: String(serving.port),
    SERVING_HEALTH_PATH: serving.healthPath,
    SERVING_READINESS_PATH: serving.readinessPath ?? serving.healthPath,
    SERVING_INFERENCE_PATH: serving.inferencePath,
  };
  if (serving.latencySLO?.p50Ms !== undefined)
    data.SERVING_LATENCY_SLO_P50_MS = String(serving.latencySLO.p50Ms);
  if (serving.latencySLO?.p95Ms !== undefined)
    data.SERVING_LATENCY_SLO_P95_MS = String(serving.latencySLO.p95Ms);
  if (pool.accelerator && pool.accelerator.vendor !== 'none') {
    data.ACCELERATOR_VENDOR = pool.accelerator.vendor;
    data.ACCELERATOR_COUNT = String(pool.accelerator.count);
    if (pool.accelerator.product) data.ACCELERATOR_PRODUCT = pool.accelerator.product;
  }
  return data;
}

export function renderConfigMap(input: RenderInput, meta: PromotionMetadata): KubernetesObject {
  const data = configData(input);
  const hash = shortHash(JSON.stringify(Object.entries(data)), 10);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `${meta.name}-${hash}`,
      namespace: input.pool.namespace,
      labels: { ...meta.labels },
      annotations: { ...meta.annotations },
    },
    immutable: true,
    data,
  };
}
