import { describe, expect, it } from '@jest/globals';
import {
  deploymentRolloutState,
  fatalPodProblem,
  imageIdHasDigest,
  inferenceServiceState,
  unschedulablePod,
} from './rollout-status.js';

const D = (status: Record<string, unknown>, generation = 2, replicas = 2) => ({
  metadata: { name: 'm', generation },
  spec: { replicas },
  status,
});

describe('deploymentRolloutState: kubectl rollout status rules', () => {
  const cases = [
    {
      name: 'spec not observed',
      d: D({ observedGeneration: 1 }),
      phase: 'progressing',
      says: 'spec update to be observed',
    },
    {
      name: 'deadline exceeded',
      d: D({
        observedGeneration: 2,
        conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }],
      }),
      phase: 'failed',
      says: 'exceeded its progress deadline',
    },
    {
      name: 'not all updated',
      d: D({ observedGeneration: 2, updatedReplicas: 1 }),
      phase: 'progressing',
      says: '1 out of 2 new replicas',
    },
    {
      name: 'old pending',
      d: D({ observedGeneration: 2, updatedReplicas: 2, replicas: 3 }),
      phase: 'progressing',
      says: '1 old replicas',
    },
    {
      name: 'not available',
      d: D({ observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 1 }),
      phase: 'progressing',
      says: '1 of 2 updated replicas are available',
    },
    {
      name: 'complete',
      d: D({ observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 }),
      phase: 'complete',
      says: 'successfully rolled out',
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const state = deploymentRolloutState(c.d);
      expect(state.phase).toBe(c.phase);
      expect(state.message).toContain(c.says);
    });
});

describe('fatalPodProblem', () => {
  const pod = (reason: string, image = 'img') => ({
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image }] },
    status: {
      containerStatuses: [
        {
          name: 'c',
          restartCount: 2,
          state: { waiting: { reason } },
          lastState: { terminated: { exitCode: 3 } },
        },
      ],
    },
  });
  it('names a crash loop of the new image', () => {
    expect(fatalPodProblem([pod('CrashLoopBackOff')], 'img')).toBe(
      'pod p container c: CrashLoopBackOff, 2 restarts; last exit code 3',
    );
  });
  it('ignores old pods and transient states', () => {
    expect(fatalPodProblem([pod('CrashLoopBackOff', 'old')], 'img')).toBeUndefined();
    expect(fatalPodProblem([pod('ErrImagePull')], 'img')).toBeUndefined();
    expect(fatalPodProblem([pod('ContainerCreating')], 'img')).toBeUndefined();
  });
});

describe('inferenceServiceState and imageIdHasDigest', () => {
  it('Ready for the current generation; RevisionFailed fails', () => {
    const ready = {
      metadata: { generation: 1 },
      status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] },
    };
    expect(inferenceServiceState(ready).phase).toBe('complete');
    expect(inferenceServiceState({ ...ready, metadata: { generation: 2 } }).phase).toBe('progressing');
    const failed = {
      metadata: { generation: 1 },
      status: {
        observedGeneration: 1,
        conditions: [{ type: 'Ready', status: 'False', reason: 'RevisionFailed' }],
      },
    };
    expect(inferenceServiceState(failed).phase).toBe('failed');
  });
  it('matches the digest at the end of an imageID', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    expect(imageIdHasDigest(`docker-pullable://r/x@${d}`, d)).toBe(true);
    expect(imageIdHasDigest(`r/x@sha256:${'b'.repeat(64)}`, d)).toBe(false);
    expect(imageIdHasDigest('', d)).toBe(false);
  });
});

describe('unschedulablePod', () => {
  it("names the first pod the scheduler could not place, with the scheduler's reason", () => {
    const reason = "0/7 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.";
    const pods = [
      { metadata: { name: 'a' }, status: { conditions: [{ type: 'PodScheduled', status: 'True' }] } },
      {
        metadata: { name: 'b' },
        status: {
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: reason }],
        },
      },
    ];
    expect(unschedulablePod(pods)).toBe(`pod b is not scheduled: ${reason}`);
    expect(unschedulablePod(pods.slice(0, 1))).toBeUndefined();
    expect(unschedulablePod([{ metadata: { name: 'c' }, status: { phase: 'Pending' } }])).toBeUndefined();
  });
});
