import { describe, expect, it } from '@jest/globals';
import { resourcesFor } from './render-container.js';
import { pool } from '../../test/deploy/render-fixture.js';

describe('resourcesFor', () => {
  const cases: Array<{
    title: string;
    accelerator?: Record<string, unknown>;
    device?: string;
    count?: string;
  }> = [
    { title: 'nvidia', accelerator: { vendor: 'nvidia', count: 2 }, device: 'nvidia.com/gpu', count: '2' },
    { title: 'amd', accelerator: { vendor: 'amd' }, device: 'amd.com/gpu', count: '1' },
    { title: 'intel', accelerator: { vendor: 'intel' }, device: 'gpu.intel.com/i915', count: '1' },
    { title: 'google', accelerator: { vendor: 'google', count: 4 }, device: 'google.com/tpu', count: '4' },
    { title: 'aws', accelerator: { vendor: 'aws' }, device: 'aws.amazon.com/neuron', count: '1' },
    {
      title: 'resourceName wins',
      accelerator: { vendor: 'nvidia', resourceName: 'nvidia.com/mig-1g.10gb' },
      device: 'nvidia.com/mig-1g.10gb',
      count: '1',
    },
    { title: 'vendor none', accelerator: { vendor: 'none' } },
    { title: 'count 0', accelerator: { vendor: 'nvidia', count: 0 } },
    { title: 'CPU pool', accelerator: undefined },
  ];
  it.each(cases)('$title', ({ accelerator, device, count }) => {
    const resources = resourcesFor(pool({ accelerator }));
    const expected: Record<string, string> = {
      cpu: '8',
      memory: '64Gi',
      ...(device ? { [device]: count as string } : {}),
    };
    expect(resources).toEqual({ requests: expected, limits: expected });
  });

  it('pool.resources goes on top, extended resources set in one place go in both', () => {
    const resources = resourcesFor(
      pool({
        resources: { requests: { cpu: '4', 'ephemeral-storage': '20Gi' }, limits: { 'example.com/fpga': 1 } },
      }),
    );
    expect(resources.requests).toEqual({
      cpu: '4',
      memory: '64Gi',
      'nvidia.com/gpu': '1',
      'ephemeral-storage': '20Gi',
      'example.com/fpga': '1',
    });
    expect(resources.limits).toEqual({
      cpu: '8',
      memory: '64Gi',
      'nvidia.com/gpu': '1',
      'example.com/fpga': '1',
    });
  });

  it('refuses an extended resource whose request differs from its limit', () => {
    expect(() => resourcesFor(pool({ resources: { requests: { 'nvidia.com/gpu': 2 } } }))).toThrow(
      expect.objectContaining({ code: 'resources-mismatch', kind: 'usage' }),
    );
  });

  it('leaves resources out when the pool sets none', () => {
    expect(resourcesFor(pool({ accelerator: undefined, cpu: undefined, memory: undefined }))).toEqual({});
  });
});
