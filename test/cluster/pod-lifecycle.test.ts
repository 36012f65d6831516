import { describe, expect, it } from '@jest/globals';
import type { Fault } from './faults.js';
import { containerView, DEFAULT_TIMINGS, imageIdFor } from './pod-lifecycle.js';

const IMAGE = `reg.example/m/x@sha256:${'ab'.repeat(32)}`;

function at(ms: number, fault?: Fault, hook: 'none' | 'pending' | 'ready' | 'failed' = 'ready') {
  return containerView({
    podName: 'p',
    namespace: 'ns',
    podUid: 'u',
    name: 'c',
    image: IMAGE,
    createdAt: 0,
    now: ms,
    timings: DEFAULT_TIMINGS,
    hook,
    ...(fault ? { fault } : {}),
  });
}

describe('pod lifecycle', () => {
  it.each([
    {
      what: 'creating',
      ms: 10,
      fault: undefined,
      state: 'waiting',
      reason: 'ContainerCreating',
      ready: false,
    },
    {
      what: 'running, not yet ready',
      ms: 60,
      fault: undefined,
      state: 'running',
      reason: undefined,
      ready: false,
    },
    { what: 'ready', ms: 200, fault: undefined, state: 'running', reason: undefined, ready: true },
    {
      what: 'pull error',
      ms: 60,
      fault: { kind: 'image-pull' } as Fault,
      state: 'waiting',
      reason: 'ErrImagePull',
      ready: false,
    },
    {
      what: 'pull back-off',
      ms: 300,
      fault: { kind: 'image-pull' } as Fault,
      state: 'waiting',
      reason: 'ImagePullBackOff',
      ready: false,
    },
    {
      what: 'crash loop',
      ms: 300,
      fault: { kind: 'crash-loop' } as Fault,
      state: 'waiting',
      reason: 'CrashLoopBackOff',
      ready: false,
    },
    {
      what: 'never ready',
      ms: 5000,
      fault: { kind: 'never-ready' } as Fault,
      state: 'running',
      reason: undefined,
      ready: false,
    },
    {
      what: 'slow ready',
      ms: 200,
      fault: { kind: 'slow-ready', delayMs: 1000 } as Fault,
      state: 'running',
      reason: undefined,
      ready: false,
    },
    {
      what: 'start hook pending',
      ms: 5000,
      fault: undefined,
      state: 'running',
      reason: undefined,
      ready: false,
      hook: 'pending' as const,
    },
  ])('$what', ({ ms, fault, state, reason, ready, hook }) => {
    const view = at(ms, fault, hook ?? 'ready');
    const s = view.status.state as Record<string, { reason?: string }>;
    expect(Object.keys(s)).toEqual([state]);
    expect(s[state]?.reason).toBe(reason);
    expect(view.ready).toBe(ready);
  });

  it('crash loop counts restarts and keeps the last exit', () => {
    const view = at(50 + DEFAULT_TIMINGS.crashCycleMs * 3 + 200, { kind: 'crash-loop', exitCode: 137 });
    expect(view.status.restartCount).toBe(4);
    expect((view.status.lastState as { terminated: { exitCode: number } }).terminated.exitCode).toBe(137);
  });

  it('imageID carries the reference digest, or another one for wrong-image', () => {
    expect(imageIdFor(IMAGE)).toBe(`reg.example/m/x@sha256:${'ab'.repeat(32)}`);
    expect(imageIdFor('reg.example:5000/m/x:1.0')).toMatch(/^reg\.example:5000\/m\/x@sha256:[a-f0-9]{64}$/);
    expect(imageIdFor(IMAGE, { kind: 'wrong-image', digest: `sha256:${'cd'.repeat(32)}` })).toBe(
      `reg.example/m/x@sha256:${'cd'.repeat(32)}`,
    );
  });
});
