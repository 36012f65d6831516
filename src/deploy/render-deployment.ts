/** The plain Kubernetes form: Deployment, Service and (when it can scale) HorizontalPodAutoscaler. */
import type { PromotionMetadata } from './labels.js';
import {
  checkUtilizationRequests,
  container,
  withMounts,
  placement,
  PROGRESS_DEADLINE_SECONDS,
  volumes,
} from './render-container.js';
import type { KubernetesObject, RenderInput } from './render-input.js';
import type { ModelValidationPod } from './render-model-validation.js';

/** Container name; `kubectl logs` and `exec` pick it by default (annotation below). */
export const CONTAINER = 'model-server';
export const DEFAULT_CPU_TARGET = 80;

function meta(input: RenderInput, m: PromotionMetadata) {
  return {
    name: m.name,
    namespace: input.pool.namespace,
    labels: { ...m.labels },
    annotations: { ...m.annotations },
  };
}

export function renderDeployment(
  input: RenderInput,
  m: PromotionMetadata,
  configMap: string,
  validation?: ModelValidationPod,
): KubernetesObject {
  const { pool } = input;
  const server = container(pool, {
    name: CONTAINER,
    image: input.image.reference,
    configMap,
    portName: 'http',
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(input, m),
    spec: {
      replicas: pool.scaling.minReplicas,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      selector: { matchLabels: { ...m.selector } },
      template: {
        metadata: {
          labels: { ...m.podLabels, ...validation?.labels },
          annotations: { ...m.podAnnotations, 'kubectl.kubernetes.io/default-container': CONTAINER },
        },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            // The init container the model-validation-operator injects has no user of its own: the
            // pod's runAsNonRoot would refuse to start it if its image ran as root.
            ...(validation && { runAsUser: 65532, runAsGroup: 65532 }),
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [withMounts(server, validation)],
          volumes: [...volumes(pool), ...(validation?.volumes ?? [])],
          ...placement(pool),
        },
      },
    },
  };
}

export function renderService(input: RenderInput, m: PromotionMetadata): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(input, m),
    spec: {
      type: 'ClusterIP',
      selector: { ...m.selector },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/** autoscaling/v2 MetricSpec entries: the pool's own, or a CPU utilization target. */
export function hpaMetrics(input: RenderInput): Array<Record<string, unknown>> {
  const { scaling } = input.pool;
  if (scaling.metrics && scaling.metrics.length > 0) return scaling.metrics.map((metric) => ({ ...metric }));
  const averageUtilization = scaling.targetCPUUtilization ?? DEFAULT_CPU_TARGET;
  return [
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } } },
  ];
}

/** Undefined when the pool cannot scale (minReplicas == maxReplicas): there is nothing to autoscale. */
export function renderAutoscaler(input: RenderInput, m: PromotionMetadata): KubernetesObject | undefined {
  const { pool } = input;
  if (pool.scaling.maxReplicas <= pool.scaling.minReplicas) return undefined;
  const metrics = hpaMetrics(input);
  checkUtilizationRequests(pool, metrics);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta(input, m),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: m.name },
      minReplicas: pool.scaling.minReplicas,
      maxReplicas: pool.scaling.maxReplicas,
      metrics,
    },
  };
}
