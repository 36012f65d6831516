/**
 * The KServe form: one `serving.kserve.io/v1beta1` InferenceService whose predictor is a custom
 * container (our image, by digest). KServe makes the Deployment/Knative Service, the Service and
 * the autoscaler itself, from minReplicas/maxReplicas/scaleMetric/scaleTarget.
 */
import type { PromotionMetadata } from './labels.js';
import { checkUtilizationRequests, container, placement, volumes, withMounts } from './render-container.js';
import type { ModelValidationPod } from './render-model-validation.js';
import { RenderError, type KubernetesObject, type RenderInput } from './render-input.js';

/** KServe requires this name for a custom predictor container. */
export const KSERVE_CONTAINER = 'kserve-container';
/**
 * KServe and Knative derive names such as `NAME-predictor-00001-deployment` and the host label
 * `NAME-predictor` from the InferenceService name; keeping it to 45 characters keeps them valid.
 */
export const KSERVE_NAME_MAX = 45;

type ScaleMetric = 'cpu' | 'memory';

/** scaleMetric/scaleTarget from the pool: one Resource Utilization metric, or targetCPUUtilization. */
export function kserveScaling(
  input: RenderInput,
): { scaleMetric: ScaleMetric; scaleTarget: number } | undefined {
  const { pool } = input;
  const metrics = pool.scaling.metrics ?? [];
  if (metrics.length === 0) {
    const target = pool.scaling.targetCPUUtilization;
    return target === undefined ? undefined : { scaleMetric: 'cpu', scaleTarget: target };
  }
  const [metric] = metrics;
  const resource = metric?.resource as
    { name?: string; target?: { type?: string; averageUtilization?: number } } | undefined;
  const name = resource?.name;
  const target = resource?.target?.averageUtilization;
  if (
    metrics.length === 1 &&
    metric?.type === 'Resource' &&
    (name === 'cpu' || name === 'memory') &&
    resource?.target?.type === 'Utilization' &&
    typeof target === 'number'
  ) {
    return { scaleMetric: name, scaleTarget: target };
  }
  throw new RenderError(
    'usage',
    'kserve-metrics-unsupported',
    `pool ${pool.name}: the kserve form scales on one cpu or memory Utilization target, not on scaling.metrics ${JSON.stringify(metrics)}`,
    'use scaling.targetCPUUtilization, or a single Resource cpu/memory Utilization metric, or form: deployment',
  );
}

export function renderInferenceService(
  input: RenderInput,
  m: PromotionMetadata,
  configMap: string,
  validation?: ModelValidationPod,
): KubernetesObject {
  const { pool } = input;
  const scaling = pool.scaling.maxReplicas > pool.scaling.minReplicas ? kserveScaling(input) : undefined;
  if (scaling) {
    checkUtilizationRequests(pool, [
      { type: 'Resource', resource: { name: scaling.scaleMetric, target: { type: 'Utilization' } } },
    ]);
  }
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      name: m.name,
      namespace: pool.namespace,
      labels: { ...m.labels },
      annotations: { ...m.annotations },
    },
    spec: {
      predictor: {
        minReplicas: pool.scaling.minReplicas,
        maxReplicas: pool.scaling.maxReplicas,
        ...(scaling ?? {}),
        labels: { ...m.podLabels, ...validation?.labels },
        annotations: { ...m.podAnnotations },
        containers: [
          withMounts(
            container(pool, { name: KSERVE_CONTAINER, image: input.image.reference, configMap }),
            validation,
          ),
        ],
        volumes: [...volumes(pool), ...(validation?.volumes ?? [])],
        ...placement(pool),
      },
    },
  };
}
