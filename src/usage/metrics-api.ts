/**
 * Reads pod CPU and memory from the metrics API (metrics.k8s.io/v1beta1 PodMetrics), which the API
 * server serves through its aggregation layer from metrics-server (or another adapter). A cluster
 * without it, or an identity not allowed to read it, yields a warning naming the fix.
 */
import type { KubeCluster, RawResponse } from '../deploy/cluster.js';
import type { PodMetricsItem } from './resource-usage.js';
import { outsideSaid, type UsageWarning } from './usage-warning.js';

export const METRICS_GROUP_VERSION = 'metrics.k8s.io/v1beta1';

export type PodMetricsRead =
  { readonly items: readonly PodMetricsItem[] } | { readonly warning: UsageWarning };

/** The PodMetrics of `namespace` matching `labelSelector`. */
export async function readPodMetrics(
  cluster: KubeCluster,
  namespace: string,
  labelSelector: string,
): Promise<PodMetricsRead> {
  const path =
    `/apis/${METRICS_GROUP_VERSION}/namespaces/${encodeURIComponent(namespace)}/pods` +
    `?${new URLSearchParams({ labelSelector })}`;
  let res: RawResponse;
  try {
    res = await cluster.request('GET', path, undefined, {}, 10_000);
  } catch (error) {
    return {
      warning: {
        code: 'metrics-api-failed',
        message: `reading pod metrics in ${cluster.name}/${namespace}: ${outsideSaid(error instanceof Error ? error.message : String(error))}`,
        hint: 'check that the API server is reachable from the job',
      },
    };
  }
  if (res.status === 200) {
    try {
      const list = JSON.parse(res.body) as { items?: PodMetricsItem[] };
      return { items: (list.items ?? []).filter(isPodMetrics) };
    } catch {
      return { warning: failed(cluster, namespace, res, 'the answer is not JSON') };
    }
  }
  return { warning: metricsWarning(cluster.name, namespace, res) };
}

function isPodMetrics(item: unknown): item is PodMetricsItem {
  const i = item as Partial<PodMetricsItem> | null;
  return (
    typeof i?.metadata?.name === 'string' && typeof i.timestamp === 'string' && Array.isArray(i.containers)
  );
}

/** The warning for a metrics API answer other than 200. Exported for its table test. */
export function metricsWarning(cluster: string, namespace: string, res: RawResponse): UsageWarning {
  switch (res.status) {
    case 404:
      return {
        code: 'metrics-api-missing',
        message: `cluster ${cluster} does not serve the metrics API (${METRICS_GROUP_VERSION}): no CPU or memory figures`,
        hint: 'install metrics-server (https://github.com/kubernetes-sigs/metrics-server), which registers the APIService v1beta1.metrics.k8s.io',
      };
    case 401:
    case 403:
      return {
        code: 'metrics-api-forbidden',
        message: `the deploying identity may not list pods.metrics.k8s.io in ${cluster}/${namespace}: no CPU or memory figures`,
        hint: 'grant get and list on pods.metrics.k8s.io in the namespace (a Role rule: apiGroups ["metrics.k8s.io"], resources ["pods"], verbs ["get", "list"])',
      };
    case 503:
      return {
        code: 'metrics-api-unavailable',
        message: `the metrics API of ${cluster} is registered but not answering (503${said(res)}): no CPU or memory figures`,
        hint: 'check metrics-server: kubectl get apiservice v1beta1.metrics.k8s.io, and its pods in kube-system',
      };
    default:
      return failed({ name: cluster }, namespace, res);
  }
}

function failed(cluster: { name: string }, namespace: string, res: RawResponse, why?: string): UsageWarning {
  return {
    code: 'metrics-api-failed',
    message: `reading pod metrics in ${cluster.name}/${namespace}: ${res.status}${why ? ` ${why}` : said(res)}`,
    hint: 'check metrics-server and the API server logs',
  };
}

/** The Status message of an API answer, or its start. */
function said(res: RawResponse): string {
  let text = res.body;
  try {
    text = (JSON.parse(res.body) as { message?: string }).message ?? res.body;
  } catch {
    // not a Status: the body itself
  }
  const line = outsideSaid(text, 200);
  return line ? `: ${line}` : '';
}
