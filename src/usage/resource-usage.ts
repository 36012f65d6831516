/**
 * Resource utilization of the new pods after the rollout, as figures a reader can act on: CPU and
 * memory from the metrics API (metrics.k8s.io PodMetrics) against the pods' requests and limits,
 * and GPU utilization and memory from the DCGM exporter's series in Prometheus. Pure: samples in,
 * figures out; metrics-api.ts and prometheus-gpu.ts fetch, sample-usage.ts paces the window.
 */
import { parseQuantity } from '../environments/quantity.js';
import type { UsageWarning } from './usage-warning.js';

/** One pod's usage, over the window. */
export interface PodUsage {
  readonly pod: string;
  /** Distinct metrics-API readings the figures come from (metrics-server refreshes every ~15 s). */
  readonly samples: number;
  /** Cores. */
  readonly cpu?: Figure;
  /** Bytes (working set). */
  readonly memory?: Figure;
  readonly gpu?: GpuUsage;
}

/**
 * Average and peak over the window, with the pod's request and limit when it has them (the sums
 * over its containers, as the scheduler counts them). `ofRequest` is the average against the
 * request (what the pool reserved and is paying for), `ofLimit` the peak against the limit (how
 * close the pod came to throttling or the OOM killer).
 */
export interface Figure {
  readonly average: number;
  readonly peak: number;
  readonly request?: number;
  readonly limit?: number;
  readonly ofRequest?: number;
  readonly ofLimit?: number;
}

export interface GpuUsage {
  /** GPUs the exporter reported for the pod. */
  readonly gpus: number;
  /** DCGM_FI_DEV_GPU_UTIL, percent, averaged over the pod's GPUs and the window. */
  readonly utilizationAverage: number;
  readonly utilizationPeak: number;
  /** Framebuffer used at its peak, summed over the pod's GPUs (bytes). */
  readonly memoryPeakBytes: number;
  /** Framebuffer used + free at that moment (bytes); its share is memoryPeakBytes / memoryTotalBytes. */
  readonly memoryTotalBytes?: number;
  readonly memoryOfTotal?: number;
}

/** What the record keeps of one cluster's utilization. */
export interface Utilization {
  readonly windowSeconds: number;
  readonly pods: readonly PodUsage[];
  /** Why a source gave nothing (no metrics API, forbidden, Prometheus down): never a failure. */
  readonly warnings: readonly UsageWarning[];
}

/** A PodMetrics item as the metrics API serves it (metrics.k8s.io/v1beta1). */
export interface PodMetricsItem {
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly timestamp: string;
  readonly window?: string;
  readonly containers: readonly {
    readonly name: string;
    readonly usage: { readonly cpu?: string; readonly memory?: string };
  }[];
}

/** The resources a pod's containers ask for, as the live pod spec has them. */
export interface PodSpecResources {
  readonly name: string;
  readonly containers: readonly {
    readonly resources?: {
      readonly requests?: Readonly<Record<string, string | number>>;
      readonly limits?: Readonly<Record<string, string | number>>;
    };
  }[];
}

/** One series of a Prometheus range query (`resultType: matrix`). */
export interface PromSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly (readonly [number, string])[];
}

const SUFFIX_SCALE: Record<string, number> = { n: 1e-9, u: 1e-6 };

/**
 * A quantity as a number. The metrics API writes CPU in nanocores (`12345678n`) and sometimes
 * microcores, suffixes a pool never needs, so they are read here rather than in quantity.ts.
 */
export function quantityValue(text: string | number): number | undefined {
  const value = String(text).trim();
  const scale = SUFFIX_SCALE[value.slice(-1)];
  if (scale !== undefined) {
    const number = Number(value.slice(0, -1));
    return /^[0-9]+(\.[0-9]*)?$/.test(value.slice(0, -1)) && Number.isFinite(number)
      ? number * scale
      : undefined;
  }
  const q = parseQuantity(value);
  return q ? Number(q.numerator) / Number(q.denominator) : undefined;
}

interface Reading {
  readonly cpu?: number;
  readonly memory?: number;
}

/** A pod's usage at one reading: the sum over its containers (a value missing in one is missing). */
function readingOf(item: PodMetricsItem): Reading {
  const sum = (key: 'cpu' | 'memory') => {
    let total = 0;
    for (const c of item.containers) {
      const v = c.usage[key] === undefined ? undefined : quantityValue(c.usage[key]);
      if (v === undefined) return undefined;
      total += v;
    }
    return item.containers.length ? total : undefined;
  };
  const cpu = sum('cpu');
  const memory = sum('memory');
  return { ...(cpu !== undefined && { cpu }), ...(memory !== undefined && { memory }) };
}

/**
 * The pod's request and limit of `resource`: requests add up over the containers that have one;
 * a limit exists only when every container has one (else the pod as a whole is unbounded).
 */
export function podAllocation(
  spec: PodSpecResources,
  resource: 'cpu' | 'memory',
): { request?: number; limit?: number } {
  let request: number | undefined;
  let limit: number | undefined = 0;
  for (const c of spec.containers) {
    const r = c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource];
    const value = r === undefined ? undefined : quantityValue(r);
    if (value !== undefined) request = (request ?? 0) + value;
    const l = c.resources?.limits?.[resource];
    const lv = l === undefined ? undefined : quantityValue(l);
    limit = lv === undefined || limit === undefined ? undefined : limit + lv;
  }
  if (!spec.containers.length) limit = undefined;
  return { ...(request !== undefined && { request }), ...(limit !== undefined && { limit }) };
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

function figure(values: readonly number[], allocation: { request?: number; limit?: number }, digits: number) {
  if (!values.length) return undefined;
  const average = values.reduce((a, b) => a + b, 0) / values.length;
  const peak = Math.max(...values);
  const { request, limit } = allocation;
  return {
    average: round(average, digits),
    peak: round(peak, digits),
    ...(request !== undefined && { request }),
    ...(limit !== undefined && { limit }),
    ...(request ? { ofRequest: round(average / request, 4) } : {}),
    ...(limit ? { ofLimit: round(peak / limit, 4) } : {}),
  } satisfies Figure;
}

/**
 * Each pod's CPU and memory over the readings taken. A reading the metrics API repeats (same pod,
 * same timestamp: metrics-server had not refreshed yet) counts once, so a fast poll does not
 * weigh one value many times. A pod with no reading is listed with none (samples 0): the metrics API
 * had not seen it yet, or is not there. The order is `specs`' order.
 */
export function podUsage(
  readings: readonly (readonly PodMetricsItem[])[],
  specs: readonly PodSpecResources[],
): PodUsage[] {
  const byPod = new Map<string, Map<string, Reading>>();
  for (const item of readings.flat()) {
    const seen = byPod.get(item.metadata.name) ?? new Map<string, Reading>();
    seen.set(item.timestamp, readingOf(item));
    byPod.set(item.metadata.name, seen);
  }
  const usage: PodUsage[] = [];
  for (const spec of specs) {
    const seen = byPod.get(spec.name) ?? new Map<string, Reading>();
    const values = [...seen.values()];
    const cpu = figure(
      values.flatMap((r) => (r.cpu === undefined ? [] : [r.cpu])),
      podAllocation(spec, 'cpu'),
      6,
    );
    const memory = figure(
      values.flatMap((r) => (r.memory === undefined ? [] : [r.memory])),
      podAllocation(spec, 'memory'),
      0,
    );
    usage.push({ pod: spec.name, samples: seen.size, ...(cpu && { cpu }), ...(memory && { memory }) });
  }
  return usage;
}

const MIB = 1024 * 1024;

/**
 * The pod a DCGM series belongs to. The exporter labels each GPU with the pod using it; when
 * Prometheus scrapes the exporter as a pod target, its own `pod`/`namespace` labels win and the
 * exporter's become `exported_pod`/`exported_namespace`.
 */
export function seriesPod(metric: Readonly<Record<string, string>>): { pod?: string; namespace?: string } {
  const exported = metric.exported_pod !== undefined;
  const pod = exported ? metric.exported_pod : metric.pod;
  const namespace = exported ? metric.exported_namespace : metric.namespace;
  return { ...(pod && { pod }), ...(namespace && { namespace }) };
}

/** A GPU's identity within a pod's series: its UUID, else its index, else the whole label set. */
function gpuKey(metric: Readonly<Record<string, string>>): string {
  return metric.UUID ?? metric.gpu ?? JSON.stringify(metric);
}

type Points = Map<number, number>;

/** pod -> GPU -> time -> value, for the pods asked about in `namespace`. */
function byPodAndGpu(series: readonly PromSeries[], namespace: string, pods: ReadonlySet<string>) {
  const out = new Map<string, Map<string, Points>>();
  for (const s of series) {
    const { pod, namespace: ns } = seriesPod(s.metric);
    if (!pod || ns !== namespace || !pods.has(pod)) continue;
    const gpus = out.get(pod) ?? new Map<string, Points>();
    const points = gpus.get(gpuKey(s.metric)) ?? new Map<number, number>();
    for (const [t, v] of s.values) {
      const value = Number(v);
      if (Number.isFinite(value)) points.set(t, value);
    }
    gpus.set(gpuKey(s.metric), points);
    out.set(pod, gpus);
  }
  return out;
}

/**
 * Each pod's GPU figures from the DCGM exporter's range series: utilization averaged over its GPUs
 * and the window, its peak; framebuffer used summed over the GPUs at each step, at its peak, and
 * used + free at that step as the total. Pods with no series are left out.
 */
export function gpuUsage(
  series: {
    readonly utilization: readonly PromSeries[];
    readonly memoryUsed: readonly PromSeries[];
    readonly memoryFree: readonly PromSeries[];
  },
  namespace: string,
  pods: readonly string[],
): Map<string, GpuUsage> {
  const wanted = new Set(pods);
  const util = byPodAndGpu(series.utilization, namespace, wanted);
  const used = byPodAndGpu(series.memoryUsed, namespace, wanted);
  const free = byPodAndGpu(series.memoryFree, namespace, wanted);
  const result = new Map<string, GpuUsage>();
  for (const pod of pods) {
    const utilGpus = util.get(pod);
    const values = [...(utilGpus?.values() ?? [])].flatMap((points) => [...points.values()]);
    const usedGpus = used.get(pod);
    if (!values.length && !usedGpus) continue;
    const memory = peakMemory(usedGpus, free.get(pod));
    result.set(pod, {
      gpus: Math.max(utilGpus?.size ?? 0, usedGpus?.size ?? 0),
      utilizationAverage: values.length ? round(values.reduce((a, b) => a + b, 0) / values.length, 2) : 0,
      utilizationPeak: values.length ? Math.max(...values) : 0,
      memoryPeakBytes: memory.used * MIB,
      ...(memory.total !== undefined && {
        memoryTotalBytes: memory.total * MIB,
        ...(memory.total > 0 && { memoryOfTotal: round(memory.used / memory.total, 4) }),
      }),
    });
  }
  return result;
}

/** The step with the most framebuffer used over all the pod's GPUs (MiB), and used + free then. */
function peakMemory(
  used: Map<string, Points> | undefined,
  free: Map<string, Points> | undefined,
): { used: number; total?: number } {
  if (!used) return { used: 0 };
  const times = new Set([...used.values()].flatMap((points) => [...points.keys()]));
  let best: { used: number; total?: number } = { used: 0 };
  for (const t of [...times].sort((a, b) => a - b)) {
    let u = 0;
    let f: number | undefined = 0;
    for (const [gpu, points] of used) {
      u += points.get(t) ?? 0;
      const freeValue = free?.get(gpu)?.get(t);
      f = freeValue === undefined || f === undefined ? undefined : f + freeValue;
    }
    if (u >= best.used) best = { used: u, ...(f !== undefined && { total: u + f }) };
  }
  return best;
}

/** The pods' figures with their GPU figures joined in. */
export function withGpu(pods: readonly PodUsage[], gpu: ReadonlyMap<string, GpuUsage>): PodUsage[] {
  return pods.map((p) => {
    const g = gpu.get(p.pod);
    return g ? { ...p, gpu: g } : p;
  });
}
