/**
 * The model-server container and the pod-level pieces both forms share: resources, probes,
 * security context and writable scratch volumes.
 */
import type { Pool } from '../environments/catalog-schema.js';
import { RenderError } from './render-input.js';

type Vendor = NonNullable<Pool['accelerator']>['vendor'];

/** Extended resource a vendor's device plugin advertises; `none` requests no device. */
export const ACCELERATOR_RESOURCE: Readonly<Record<Vendor, string | undefined>> = {
  nvidia: 'nvidia.com/gpu',
  amd: 'amd.com/gpu',
  intel: 'gpu.intel.com/i915',
  google: 'google.com/tpu',
  aws: 'aws.amazon.com/neuron',
  none: undefined,
};

/** Model loading is slow: the startup probe allows this long before liveness takes over. */
export const STARTUP_SECONDS = 600;
/** A rollout that makes no progress for this long fails (longer than one pod's startup). */
export const PROGRESS_DEADLINE_SECONDS = STARTUP_SECONDS + 300;

export interface Resources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

/** `cpu`, `memory`, `ephemeral-storage`, `hugepages-*`: requests may be below limits. */
function isNative(name: string): boolean {
  return !name.includes('/') || name.startsWith('kubernetes.io/');
}

/**
 * Requests and limits: the pool's cpu and memory in both (Guaranteed QoS), the accelerator's
 * extended resource in both (Kubernetes requires them equal), then `pool.resources` on top.
 */
export function resourcesFor(pool: Pool): Resources {
  const base: Record<string, string> = {};
  if (pool.cpu !== undefined) base.cpu = String(pool.cpu);
  if (pool.memory !== undefined) base.memory = String(pool.memory);
  const accelerator = pool.accelerator;
  const device = accelerator && (accelerator.resourceName ?? ACCELERATOR_RESOURCE[accelerator.vendor]);
  if (accelerator && device && accelerator.count > 0) base[device] = String(accelerator.count);

  const requests: Record<string, string> = { ...base };
  const limits: Record<string, string> = { ...base };
  for (const [key, value] of Object.entries(pool.resources?.requests ?? {})) requests[key] = String(value);
  for (const [key, value] of Object.entries(pool.resources?.limits ?? {})) limits[key] = String(value);

  for (const key of new Set([...Object.keys(requests), ...Object.keys(limits)])) {
    if (isNative(key)) continue;
    const request = requests[key];
    const limit = limits[key];
    if (request !== undefined && limit !== undefined && request !== limit) {
      throw new RenderError(
        'usage',
        'resources-mismatch',
        `pool ${pool.name}: extended resource ${key} requests ${request} but limits ${limit}`,
        `give ${key} the same value in resources.requests and resources.limits (or set it in one only)`,
      );
    }
    requests[key] = limits[key] = (request ?? limit) as string;
  }
  const resources: Resources = {};
  if (Object.keys(requests).length > 0) resources.requests = requests;
  if (Object.keys(limits).length > 0) resources.limits = limits;
  return resources;
}

export interface ContainerOptions {
  readonly name: string;
  readonly image: string;
  readonly configMap: string;
  /** Name the container port (`http`); KServe/Knative wants it unnamed. */
  readonly portName?: string;
}

function probe(path: string, port: number | string, periodSeconds: number, failureThreshold: number) {
  return { httpGet: { path, port }, periodSeconds, timeoutSeconds: 5, failureThreshold };
}

export function container(pool: Pool, options: ContainerOptions): Record<string, unknown> {
  const { serving } = pool;
  const port = options.portName ?? serving.port;
  const resources = resourcesFor(pool);
  return {
    name: options.name,
    image: options.image,
    imagePullPolicy: 'IfNotPresent',
    ports: [
      options.portName
        ? { name: options.portName, containerPort: serving.port, protocol: 'TCP' }
        : { containerPort: serving.port, protocol: 'TCP' },
    ],
    envFrom: [{ configMapRef: { name: options.configMap } }],
    ...(Object.keys(resources).length > 0 ? { resources } : {}),
    startupProbe: probe(serving.healthPath, port, 10, STARTUP_SECONDS / 10),
    livenessProbe: probe(serving.healthPath, port, 10, 3),
    readinessProbe: probe(serving.readinessPath ?? serving.healthPath, port, 5, 3),
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: scratchVolumes(pool).map((volume) => ({ name: volume.name, mountPath: volume.mountPath })),
  };
}

/** The container with more volume mounts after its own (the model image and trust files, for validation). */
export function withMounts(
  container: Record<string, unknown>,
  extra: { readonly volumeMounts: ReadonlyArray<Record<string, unknown>> } | undefined,
): Record<string, unknown> {
  if (!extra) return container;
  const own = (container.volumeMounts as Array<Record<string, unknown>> | undefined) ?? [];
  return { ...container, volumeMounts: [...own, ...extra.volumeMounts] };
}

/** `/tmp` always (the root filesystem is read-only); `/dev/shm` in memory when there is an accelerator. */
function scratchVolumes(pool: Pool) {
  const volumes = [{ name: 'tmp', mountPath: '/tmp', emptyDir: {} as Record<string, string> }];
  if (pool.accelerator && pool.accelerator.vendor !== 'none') {
    volumes.push({ name: 'dshm', mountPath: '/dev/shm', emptyDir: { medium: 'Memory' } });
  }
  return volumes;
}

export function volumes(pool: Pool): Array<Record<string, unknown>> {
  return scratchVolumes(pool).map(({ name, emptyDir }) => ({ name, emptyDir }));
}

/** Node placement passed through from the pool; empty fields are left out. */
export function placement(pool: Pool): Record<string, unknown> {
  return {
    ...(Object.keys(pool.nodeSelector).length > 0 ? { nodeSelector: { ...pool.nodeSelector } } : {}),
    ...(pool.tolerations.length > 0 ? { tolerations: pool.tolerations.map((t) => ({ ...t })) } : {}),
  };
}

/**
 * Checks that every Utilization metric scales on a resource the container requests: without a
 * request the autoscaler cannot compute a utilization and never scales.
 */
export function checkUtilizationRequests(pool: Pool, metrics: ReadonlyArray<Record<string, unknown>>): void {
  const requests = resourcesFor(pool).requests ?? {};
  for (const metric of metrics) {
    const source = (metric.resource ?? metric.containerResource) as
      { name?: string; target?: { type?: string } } | undefined;
    if (source?.target?.type !== 'Utilization' || !source.name) continue;
    if (requests[source.name] === undefined) {
      throw new RenderError(
        'usage',
        'scaling-needs-request',
        `pool ${pool.name}: autoscaling on ${source.name} utilization, but the container requests no ${source.name}`,
        `set ${source.name} on the pool (or resources.requests.${source.name}), or scale on another metric`,
      );
    }
  }
}
