import { describe, expect, it } from '@jest/globals';
import { promotionRecord } from '../../test/telemetry/record-fixture.js';
import { promotionMetrics, renderExposition } from './telemetry.js';

const deployed = {
  cluster: 'prod',
  namespace: 'models',
  version: '2',
  applied: [],
  rolledBack: false,
  utilization: {
    windowSeconds: 60,
    warnings: [],
    pods: [
      {
        pod: 'm-abc',
        samples: 3,
        cpu: { average: 0.25, peak: 0.5, request: 1, ofRequest: 0.25 },
        memory: { average: 100, peak: 200, request: 400, limit: 800, ofRequest: 0.25, ofLimit: 0.25 },
        gpu: {
          gpus: 1,
          utilizationAverage: 40,
          utilizationPeak: 80,
          memoryPeakBytes: 1024,
          memoryOfTotal: 0.5,
        },
      },
    ],
  },
};

describe('utilization metrics', () => {
  it('gives each new pod its figures, labelled by cluster and pod', () => {
    const text = renderExposition(promotionMetrics(promotionRecord({ deploy: [deployed] })));
    for (const line of [
      'model_promote_pod_cpu_cores{cluster="prod",pod="m-abc",stat="average"} 0.25',
      'model_promote_pod_cpu_cores{cluster="prod",pod="m-abc",stat="peak"} 0.5',
      'model_promote_pod_cpu_request_ratio{cluster="prod",pod="m-abc"} 0.25',
      'model_promote_pod_memory_bytes{cluster="prod",pod="m-abc",stat="peak"} 200',
      'model_promote_pod_memory_limit_ratio{cluster="prod",pod="m-abc"} 0.25',
      'model_promote_pod_gpu_utilization_percent{cluster="prod",pod="m-abc",stat="average"} 40',
      'model_promote_pod_gpu_memory_used_bytes{cluster="prod",pod="m-abc"} 1024',
      'model_promote_pod_gpu_memory_ratio{cluster="prod",pod="m-abc"} 0.5',
    ])
      expect(text).toContain(`${line}\n`);
    // No CPU limit, no ratio against it: an empty family is left out like every other.
    expect(text).not.toContain('model_promote_pod_cpu_limit_ratio');
  });

  it('pushes no utilization family without figures', () => {
    const text = renderExposition(
      promotionMetrics(promotionRecord({ deploy: [{ ...deployed, utilization: undefined }] })),
    );
    expect(text).not.toContain('model_promote_pod_');
  });
});
