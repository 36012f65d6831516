import { describe, expect, it } from '@jest/globals';
import {
  gpuUsage,
  podAllocation,
  podUsage,
  quantityValue,
  seriesPod,
  withGpu,
  type PodMetricsItem,
  type PodSpecResources,
  type PodUsage,
  type PromSeries,
} from './resource-usage.js';

const GI = 1024 ** 3;
const MI = 1024 ** 2;

describe('quantityValue', () => {
  it.each<{ text: string | number; value: number | undefined }>([
    { text: '250000000n', value: 0.25 },
    { text: '1500u', value: 0.0015 },
    { text: '500m', value: 0.5 },
    { text: '2', value: 2 },
    { text: 2, value: 2 },
    { text: '1Gi', value: GI },
    { text: '2048Ki', value: 2 * MI },
    { text: '1e3', value: 1000 },
    { text: 'n', value: undefined },
    { text: '-5n', value: undefined },
    { text: 'lots', value: undefined },
  ])('$text', ({ text, value }) => {
    if (value === undefined) expect(quantityValue(text)).toBeUndefined();
    else expect(quantityValue(text)).toBeCloseTo(value, 12);
  });
});

const spec = (
  name: string,
  ...containers: { requests?: Record<string, string>; limits?: Record<string, string> }[]
): PodSpecResources => ({ name, containers: containers.map((resources) => ({ resources })) });

describe('podAllocation', () => {
  it.each<{
    name: string;
    pod: PodSpecResources;
    cpu: { request?: number; limit?: number };
    memory: { request?: number; limit?: number };
  }>([
    {
      name: 'one container with both',
      pod: spec('p', { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } }),
      cpu: { request: 0.5, limit: 2 },
      memory: { request: GI, limit: 2 * GI },
    },
    {
      name: 'requests add up over containers',
      pod: spec('p', { requests: { cpu: '250m' } }, { requests: { cpu: '250m' } }),
      cpu: { request: 0.5 },
      memory: {},
    },
    {
      name: 'a limit alone is also the request (the API server defaults it so)',
      pod: spec('p', { limits: { memory: '512Mi' } }),
      cpu: {},
      memory: { request: 512 * MI, limit: 512 * MI },
    },
    {
      name: 'no pod limit when one container has none',
      pod: spec('p', { limits: { cpu: '1' } }, { requests: { cpu: '1' } }),
      cpu: { request: 2 },
      memory: {},
    },
    { name: 'no containers', pod: { name: 'p', containers: [] }, cpu: {}, memory: {} },
  ])('$name', ({ pod, cpu, memory }) => {
    expect(podAllocation(pod, 'cpu')).toEqual(cpu);
    expect(podAllocation(pod, 'memory')).toEqual(memory);
  });
});

const metrics = (pod: string, timestamp: string, ...usage: [string, string][]): PodMetricsItem => ({
  metadata: { name: pod, namespace: 'ns' },
  timestamp,
  window: '15s',
  containers: usage.map(([cpu, memory], i) => ({ name: `c${i}`, usage: { cpu, memory } })),
});

describe('podUsage', () => {
  const limited = spec('a', {
    requests: { cpu: '1', memory: '1Gi' },
    limits: { cpu: '2', memory: '2Gi' },
  });
  it.each<{
    name: string;
    readings: PodMetricsItem[][];
    specs: PodSpecResources[];
    usage: PodUsage[];
  }>([
    {
      name: 'average against the request, peak against the limit',
      readings: [
        [metrics('a', 't1', ['500000000n', '512Mi'])],
        [metrics('a', 't2', ['1500000000n', '1536Mi'])],
      ],
      specs: [limited],
      usage: [
        {
          pod: 'a',
          samples: 2,
          cpu: { average: 1, peak: 1.5, request: 1, limit: 2, ofRequest: 1, ofLimit: 0.75 },
          memory: {
            average: GI,
            peak: 1.5 * GI,
            request: GI,
            limit: 2 * GI,
            ofRequest: 1,
            ofLimit: 0.75,
          },
        },
      ],
    },
    {
      name: 'a reading repeated (same timestamp) counts once',
      readings: [
        [metrics('a', 't1', ['1', '1Gi'])],
        [metrics('a', 't1', ['1', '1Gi'])],
        [metrics('a', 't1', ['1', '1Gi'])],
        [metrics('a', 't2', ['2', '1Gi'])],
      ],
      specs: [limited],
      usage: [
        {
          pod: 'a',
          samples: 2,
          cpu: { average: 1.5, peak: 2, request: 1, limit: 2, ofRequest: 1.5, ofLimit: 1 },
          memory: { average: GI, peak: GI, request: GI, limit: 2 * GI, ofRequest: 1, ofLimit: 0.5 },
        },
      ],
    },
    {
      name: 'containers add up; no requests, no ratios',
      readings: [[metrics('b', 't1', ['100m', '100Mi'], ['300m', '200Mi'])]],
      specs: [spec('b', {}, {})],
      usage: [
        {
          pod: 'b',
          samples: 1,
          cpu: { average: 0.4, peak: 0.4 },
          memory: { average: 300 * MI, peak: 300 * MI },
        },
      ],
    },
    {
      name: 'a pod the API has not seen yet is listed with no reading; other pods are ignored',
      readings: [[metrics('other', 't1', ['1', '1Gi'])]],
      specs: [limited],
      usage: [{ pod: 'a', samples: 0 }],
    },
  ])('$name', ({ readings, specs, usage }) => {
    expect(podUsage(readings, specs)).toEqual(usage);
  });
});

const series = (labels: Record<string, string>, ...values: [number, number][]): PromSeries => ({
  metric: labels,
  values: values.map(([t, v]) => [t, String(v)] as const),
});

describe('seriesPod', () => {
  it.each<{ metric: Record<string, string>; want: { pod?: string; namespace?: string } }>([
    { metric: { pod: 'a', namespace: 'ns' }, want: { pod: 'a', namespace: 'ns' } },
    {
      metric: {
        pod: 'dcgm-exporter-x',
        namespace: 'gpu-operator',
        exported_pod: 'a',
        exported_namespace: 'ns',
      },
      want: { pod: 'a', namespace: 'ns' },
    },
    { metric: { gpu: '0' }, want: {} },
  ])('$metric', ({ metric, want }) => {
    expect(seriesPod(metric)).toEqual(want);
  });
});

describe('gpuUsage', () => {
  const a0 = { pod: 'a', namespace: 'ns', gpu: '0', UUID: 'GPU-0' };
  const a1 = { pod: 'a', namespace: 'ns', gpu: '1', UUID: 'GPU-1' };
  it.each<{
    name: string;
    utilization: PromSeries[];
    memoryUsed: PromSeries[];
    memoryFree: PromSeries[];
    want: Record<string, unknown>;
  }>([
    {
      name: 'one GPU: average and peak, memory share at the peak',
      utilization: [series(a0, [1, 40], [2, 80], [3, 60])],
      memoryUsed: [series(a0, [1, 1000], [2, 3000], [3, 2000])],
      memoryFree: [series(a0, [1, 7000], [2, 5000], [3, 6000])],
      want: {
        a: {
          gpus: 1,
          utilizationAverage: 60,
          utilizationPeak: 80,
          memoryPeakBytes: 3000 * MI,
          memoryTotalBytes: 8000 * MI,
          memoryOfTotal: 0.375,
        },
      },
    },
    {
      name: 'two GPUs: utilization averaged over both, memory summed per step',
      utilization: [series(a0, [1, 100]), series(a1, [1, 0])],
      memoryUsed: [series(a0, [1, 1024]), series(a1, [1, 1024])],
      memoryFree: [series(a0, [1, 1024]), series(a1, [1, 1024])],
      want: {
        a: {
          gpus: 2,
          utilizationAverage: 50,
          utilizationPeak: 100,
          memoryPeakBytes: 2048 * MI,
          memoryTotalBytes: 4096 * MI,
          memoryOfTotal: 0.5,
        },
      },
    },
    {
      name: 'no free series: no total',
      utilization: [series(a0, [1, 10])],
      memoryUsed: [series(a0, [1, 512])],
      memoryFree: [],
      want: { a: { gpus: 1, utilizationAverage: 10, utilizationPeak: 10, memoryPeakBytes: 512 * MI } },
    },
    {
      name: 'series of other pods and namespaces are not ours',
      utilization: [
        series({ ...a0, pod: 'z' }, [1, 99]),
        series({ ...a0, namespace: 'other' }, [1, 99]),
        series(
          { exported_pod: 'a', exported_namespace: 'ns', pod: 'exporter', namespace: 'ns', gpu: '0' },
          [1, 30],
        ),
      ],
      memoryUsed: [],
      memoryFree: [],
      want: { a: { gpus: 1, utilizationAverage: 30, utilizationPeak: 30, memoryPeakBytes: 0 } },
    },
    { name: 'no series', utilization: [], memoryUsed: [], memoryFree: [], want: {} },
  ])('$name', ({ utilization, memoryUsed, memoryFree, want }) => {
    expect(Object.fromEntries(gpuUsage({ utilization, memoryUsed, memoryFree }, 'ns', ['a', 'b']))).toEqual(
      want,
    );
  });
});

describe('withGpu', () => {
  it('joins GPU figures to their pods only', () => {
    const gpu = { gpus: 1, utilizationAverage: 1, utilizationPeak: 2, memoryPeakBytes: 3 };
    expect(
      withGpu(
        [
          { pod: 'a', samples: 1 },
          { pod: 'b', samples: 0 },
        ],
        new Map([['b', gpu]]),
      ),
    ).toEqual([
      { pod: 'a', samples: 1 },
      { pod: 'b', samples: 0, gpu },
    ]);
  });
});
