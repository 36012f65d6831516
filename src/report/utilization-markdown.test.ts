import { describe, expect, it } from '@jest/globals';
import type { Utilization } from '../usage/resource-usage.js';
import { utilizationSection } from './utilization-markdown.js';

const GI = 1024 ** 3;

describe('utilizationSection', () => {
  it.each<{ name: string; utilization: Utilization; lines: string[] }>([
    {
      name: 'CPU and memory against request and limit',
      utilization: {
        windowSeconds: 60,
        warnings: [],
        pods: [
          {
            pod: 'm-abc',
            samples: 4,
            cpu: { average: 0.25, peak: 0.5, request: 1, limit: 2, ofRequest: 0.25, ofLimit: 0.25 },
            memory: { average: GI, peak: 1.5 * GI, request: 2 * GI, ofRequest: 0.5 },
          },
          { pod: 'm-def', samples: 0 },
        ],
      },
      lines: [
        'Utilization over 60 s after the rollout (average / peak; shares: average of request / peak of limit):',
        '',
        '| Pod | Readings | CPU cores | CPU of request / limit | Memory | Memory of request / limit |',
        '|---|---:|---:|---:|---:|---:|',
        '| `m-abc` | 4 | 0.250 / 0.500 | 25% / 25% | 1.0 GiB / 1.5 GiB | 50% / – |',
        '| `m-def` | 0 | – | – | – | – |',
      ],
    },
    {
      name: 'GPU columns when a pod has GPU figures',
      utilization: {
        windowSeconds: 30,
        warnings: [],
        pods: [
          {
            pod: 'g',
            samples: 1,
            gpu: {
              gpus: 1,
              utilizationAverage: 41.5,
              utilizationPeak: 90,
              memoryPeakBytes: 3 * GI,
              memoryTotalBytes: 8 * GI,
              memoryOfTotal: 0.375,
            },
          },
        ],
      },
      lines: [
        'Utilization over 30 s after the rollout (average / peak; shares: average of request / peak of limit):',
        '',
        '| Pod | Readings | CPU cores | CPU of request / limit | Memory | Memory of request / limit | GPU util | GPU memory (peak) |',
        '|---|---:|---:|---:|---:|---:|---:|---:|',
        '| `g` | 1 | – | – | – | – | 42% / 90% | 3.0 GiB of 8.0 GiB (38%) |',
      ],
    },
    {
      name: 'a warning with its fix, outside text kept on one line and out of the HTML',
      utilization: {
        windowSeconds: 60,
        pods: [],
        warnings: [
          {
            code: 'prometheus-error',
            message: 'Prometheus answered 400: bad <script>\n| x',
            hint: 'check the server',
          },
        ],
      },
      lines: ['> ⚠️ Prometheus answered 400: bad &lt;script&gt; \\| x. Fix: check the server'],
    },
  ])('$name', ({ utilization, lines }) => {
    expect(utilizationSection(utilization)).toEqual(lines);
  });
});
