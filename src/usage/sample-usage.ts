/**
 * Once the rollout is healthy: the new pods' CPU and memory from the metrics API, read a few times
 * over the window, and, given a Prometheus, their GPUs over the same window. Never throws: a source
 * that gives nothing is a warning, because the promotion has already succeeded.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeCluster, LiveObject } from '../deploy/cluster.js';
import { matchLabelsOf, newPods, selectorString } from '../deploy/verify.js';
import type { Logger } from '../logger.js';
import { readPodMetrics } from './metrics-api.js';
import { readGpuSeries } from './prometheus-gpu.js';
import {
  gpuUsage,
  podUsage,
  withGpu,
  type PodMetricsItem,
  type PodSpecResources,
  type Utilization,
} from './resource-usage.js';
import { outsideSaid, type UsageWarning } from './usage-warning.js';

export interface UsageOptions {
  /** The metrics-window input, seconds; 0 turns sampling off. */
  readonly windowSeconds: number;
  /** The prometheus-url input: GPU figures from the DCGM exporter's series. */
  readonly prometheusUrl?: string;
  /** Whether the pool has GPUs: Prometheus having no series for them is then worth a warning. */
  readonly expectGpu?: boolean;
  /** Metrics-API readings over the window, the first at its start; default 6. */
  readonly samples?: number;
  readonly fetch?: typeof fetch;
}

/** The figures of the Deployment's current pods over the window. */
export async function sampleUtilization(
  cluster: KubeCluster,
  deployment: LiveObject,
  options: UsageOptions,
  logger: Logger,
): Promise<Utilization> {
  const { windowSeconds } = options;
  const namespace = deployment.metadata.namespace ?? 'default';
  const warnings: UsageWarning[] = [];
  let specs: PodSpecResources[] = [];
  try {
    specs = (await newPods(cluster, deployment)).pods.map(specOf);
  } catch (error) {
    warnings.push({
      code: 'metrics-api-failed',
      message: `listing the new pods in ${cluster.name}/${namespace}: ${outsideSaid(error instanceof Error ? error.message : String(error))}`,
      hint: 'check that the deploying identity may list pods',
    });
    return report({ windowSeconds, pods: [], warnings }, logger);
  }
  logger.info(
    `utilization: sampling ${specs.length} pod(s) for ${windowSeconds} s` +
      (options.prometheusUrl ? ' (GPU figures from Prometheus)' : ''),
  );
  const selector = selectorString(matchLabelsOf(deployment));
  const samples = Math.max(2, options.samples ?? 6);
  const intervalMs = (windowSeconds * 1000) / (samples - 1);
  const start = Date.now();
  const readings: PodMetricsItem[][] = [];
  for (let i = 0; i < samples; i++) {
    if (i > 0) await sleep(Math.max(0, start + i * intervalMs - Date.now()));
    const read = await readPodMetrics(cluster, namespace, selector);
    if ('warning' in read) {
      warnings.push(read.warning);
      break;
    }
    readings.push([...read.items]);
  }
  let pods = podUsage(readings, specs);
  if (options.prometheusUrl) {
    // The range must cover the whole window, which an early metrics-API warning cut short.
    await sleep(Math.max(0, start + windowSeconds * 1000 - Date.now()));
    const end = Date.now();
    const names = specs.map((s) => s.name);
    const gpu = await readGpuSeries(
      options.prometheusUrl,
      {
        namespace,
        pods: names,
        start: start / 1000,
        end: end / 1000,
        stepSeconds: Math.max(1, Math.round(windowSeconds / 20)),
      },
      options.fetch ? { fetch: options.fetch } : {},
    );
    if ('warning' in gpu) warnings.push(gpu.warning);
    else {
      const found = gpuUsage(gpu.series, namespace, names);
      pods = withGpu(pods, found);
      if (found.size === 0 && options.expectGpu && names.length > 0) {
        warnings.push({
          code: 'prometheus-no-series',
          message: `Prometheus has no DCGM exporter series for the pods in ${namespace}: no GPU figures`,
          hint: 'check that the DCGM exporter runs on the pool’s nodes with its Kubernetes pod mapping on, and that Prometheus scrapes it',
        });
      }
    }
  }
  return report({ windowSeconds, pods, warnings }, logger);
}

function report(utilization: Utilization, logger: Logger): Utilization {
  for (const w of utilization.warnings) logger.warn(`utilization: ${w.message}; ${w.hint}`);
  for (const p of utilization.pods) {
    const parts = [
      p.cpu && `CPU ${p.cpu.average} cores avg, ${p.cpu.peak} peak`,
      p.memory && `memory ${Math.round(p.memory.peak / 1024 / 1024)} MiB peak`,
      p.gpu && `GPU ${p.gpu.utilizationAverage}% avg, ${p.gpu.utilizationPeak}% peak`,
    ].filter(Boolean);
    logger.info(`utilization: ${p.pod}: ${parts.length ? parts.join('; ') : 'no reading'}`);
  }
  return utilization;
}

function specOf(pod: LiveObject): PodSpecResources {
  const spec = pod.spec as { containers?: PodSpecResources['containers'] } | undefined;
  return { name: pod.metadata.name, containers: spec?.containers ?? [] };
}
