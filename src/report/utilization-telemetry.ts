/**
 * The utilization figures of a promotion as Pushgateway families: one sample per new pod (labels
 * cluster and pod). Pure. A promotion without figures pushes none of these families, so a POST
 * keeps the last figures pushed; a promotion with figures replaces them, old pods included.
 */
import type { PromotionRecord } from './promotion-record.js';
import type { Family } from './telemetry.js';
import type { Figure, PodUsage } from '../usage/resource-usage.js';

interface Row {
  readonly labels: Record<string, string>;
  readonly pod: PodUsage;
}

function figureFamilies(
  rows: readonly Row[],
  resource: 'cpu' | 'memory',
  unit: string,
  what: string,
): Family[] {
  const of = (row: Row): Figure | undefined => row.pod[resource];
  const samples = (pick: (f: Figure) => number | undefined, extra: Record<string, string> = {}) =>
    rows.flatMap((row) => {
      const figure = of(row);
      const value = figure && pick(figure);
      return value === undefined ? [] : [{ labels: { ...row.labels, ...extra }, value }];
    });
  return [
    {
      name: `model_promote_pod_${resource}_${unit}`,
      help: `${what} of each new pod over the metrics window after the last promotion: average and peak.`,
      samples: [
        ...samples((f) => f.average, { stat: 'average' }),
        ...samples((f) => f.peak, { stat: 'peak' }),
      ],
    },
    {
      name: `model_promote_pod_${resource}_request_ratio`,
      help: `${what} of each new pod, its average over the window as a fraction of the pod's request.`,
      samples: samples((f) => f.ofRequest),
    },
    {
      name: `model_promote_pod_${resource}_limit_ratio`,
      help: `${what} of each new pod, its peak over the window as a fraction of the pod's limit.`,
      samples: samples((f) => f.ofLimit),
    },
  ];
}

export function utilizationFamilies(record: PromotionRecord): Family[] {
  const rows: Row[] = (record.deploy ?? []).flatMap((d) =>
    (d.utilization?.pods ?? []).map((pod) => ({ labels: { cluster: d.cluster, pod: pod.pod }, pod })),
  );
  if (!rows.length) return [];
  const gpu = rows.flatMap((row) => (row.pod.gpu ? [{ labels: row.labels, gpu: row.pod.gpu }] : []));
  return [
    ...figureFamilies(rows, 'cpu', 'cores', 'CPU (cores)'),
    ...figureFamilies(rows, 'memory', 'bytes', 'Memory (working set, bytes)'),
    {
      name: 'model_promote_pod_gpu_utilization_percent',
      help: "GPU utilization (DCGM_FI_DEV_GPU_UTIL) of each new pod's GPUs over the window: average and peak.",
      samples: [
        ...gpu.map((g) => ({ labels: { ...g.labels, stat: 'average' }, value: g.gpu.utilizationAverage })),
        ...gpu.map((g) => ({ labels: { ...g.labels, stat: 'peak' }, value: g.gpu.utilizationPeak })),
      ],
    },
    {
      name: 'model_promote_pod_gpu_memory_used_bytes',
      help: "GPU framebuffer used by each new pod's GPUs at its peak over the window.",
      samples: gpu.map((g) => ({ labels: g.labels, value: g.gpu.memoryPeakBytes })),
    },
    {
      name: 'model_promote_pod_gpu_memory_ratio',
      help: "GPU framebuffer used at its peak as a fraction of the GPUs' framebuffer.",
      samples: gpu.flatMap((g) =>
        g.gpu.memoryOfTotal === undefined ? [] : [{ labels: g.labels, value: g.gpu.memoryOfTotal }],
      ),
    },
  ];
}
