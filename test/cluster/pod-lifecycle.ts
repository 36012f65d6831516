/**
 * What kubelet would report for one container at a moment of its pod's life, as a pure function
 * of the time since the pod was created, the fault it carries and the start hook's answer:
 * container state, readiness, restart count, imageID, and the events that have happened so far
 * (each with a key, so the caller records every occurrence once).
 */
import { createHash } from 'node:crypto';
import { repositoryOf, type Fault } from './faults.js';

export interface Timings {
  /** Controller loop period. */
  readonly tickMs: number;
  /** From pod creation to the image being pulled (or failing to). */
  readonly pullMs: number;
  /** From container start to readiness (plus a slow-ready fault's delay). */
  readonly readyMs: number;
  /** One crash-loop cycle: the container runs, exits, and waits in back-off. */
  readonly crashCycleMs: number;
  /** One image-pull cycle: ErrImagePull, then ImagePullBackOff. */
  readonly pullBackoffMs: number;
}

export const DEFAULT_TIMINGS: Timings = {
  tickMs: 25,
  pullMs: 50,
  readyMs: 100,
  crashCycleMs: 400,
  pullBackoffMs: 400,
};

export type HookState = 'none' | 'pending' | 'ready' | 'failed';

export interface ContainerInput {
  readonly podName: string;
  readonly namespace: string;
  readonly podUid: string;
  readonly name: string;
  readonly image: string;
  readonly fault?: Fault;
  readonly createdAt: number;
  readonly now: number;
  readonly timings: Timings;
  readonly hook: HookState;
  readonly hookError?: string;
}

export interface LifecycleEvent {
  readonly key: string;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface ContainerView {
  readonly status: Record<string, unknown>;
  readonly ready: boolean;
  readonly started: boolean;
  /** Time (ms) the container became ready, when it is. */
  readonly readySince?: number;
  readonly pulled: boolean;
  readonly crashing: boolean;
  readonly events: LifecycleEvent[];
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** `REPO@sha256:...`: the digest from the reference, or (unpinned) a digest made up from it. */
export function imageIdFor(image: string, fault?: Fault): string {
  const digest = /@(sha256:[a-f0-9]{64})$/.exec(image)?.[1] ?? sha256(image);
  if (fault?.kind === 'wrong-image')
    return `${repositoryOf(image)}@${fault.digest ?? sha256(`wrong:${image}`)}`;
  return `${repositoryOf(image)}@${digest}`;
}

export function containerView(input: ContainerInput): ContainerView {
  const { fault, timings, image, name, now, createdAt } = input;
  const t = now - createdAt;
  const base = { name, image, imageID: '', restartCount: 0, started: false, ready: false };
  const events: LifecycleEvent[] = [];
  const podRef = `${input.podName}_${input.namespace}(${input.podUid})`;
  if (t < timings.pullMs) {
    return {
      status: { ...base, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} },
      ready: false,
      started: false,
      pulled: false,
      crashing: false,
      events: [{ key: 'pulling', type: 'Normal', reason: 'Pulling', message: `Pulling image "${image}"` }],
    };
  }
  if (fault?.kind === 'image-pull') {
    const cycle = Math.floor((t - timings.pullMs) / (timings.pullBackoffMs / 2));
    const backoff = cycle % 2 === 1;
    const why =
      fault.message ??
      `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`;
    for (let i = Math.max(0, cycle - 3); i <= cycle; i++) {
      if (i % 2 === 0) {
        events.push({
          key: `pull-${i}`,
          type: 'Normal',
          reason: 'Pulling',
          message: `Pulling image "${image}"`,
        });
        events.push({
          key: `failed-${i}`,
          type: 'Warning',
          reason: 'Failed',
          message: `Failed to pull image "${image}": ${why}`,
        });
        events.push({ key: `err-${i}`, type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' });
      } else {
        events.push({
          key: `backoff-${i}`,
          type: 'Normal',
          reason: 'BackOff',
          message: `Back-off pulling image "${image}"`,
        });
        events.push({
          key: `errbackoff-${i}`,
          type: 'Warning',
          reason: 'Failed',
          message: 'Error: ImagePullBackOff',
        });
      }
    }
    const waiting = backoff
      ? { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${why}` }
      : { reason: 'ErrImagePull', message: why };
    return {
      status: { ...base, state: { waiting }, lastState: {} },
      ready: false,
      started: false,
      pulled: false,
      crashing: false,
      events,
    };
  }

  const startedAt = createdAt + timings.pullMs;
  const imageID = imageIdFor(image, fault);
  const containerID = `containerd://${sha256(`${input.podUid}/${name}`).slice(7)}`;
  events.push(
    { key: 'pulling', type: 'Normal', reason: 'Pulling', message: `Pulling image "${image}"` },
    {
      key: 'pulled',
      type: 'Normal',
      reason: 'Pulled',
      message: `Successfully pulled image "${image}" in 12ms (12ms including waiting). Image size: 52428800 bytes.`,
    },
    { key: 'created', type: 'Normal', reason: 'Created', message: `Created container: ${name}` },
    { key: 'started', type: 'Normal', reason: 'Started', message: `Started container ${name}` },
  );
  const common = { ...base, image, imageID, containerID };

  const crash = fault?.kind === 'crash-loop' || input.hook === 'failed';
  if (crash) {
    const exitCode = fault?.kind === 'crash-loop' ? (fault.exitCode ?? 1) : 1;
    const runMs = Math.max(1, Math.floor(timings.crashCycleMs / 4));
    const elapsed = now - startedAt;
    const cycle = Math.floor(elapsed / timings.crashCycleMs);
    const inCycle = elapsed % timings.crashCycleMs;
    const running = inCycle < runMs;
    const restartCount = running ? cycle : cycle + 1;
    const cycleStart = startedAt + cycle * timings.crashCycleMs;
    for (let i = Math.max(1, restartCount - 3); i <= restartCount; i++) {
      events.push({
        key: `backoff-${i}`,
        type: 'Warning',
        reason: 'BackOff',
        message: `Back-off restarting failed container ${name} in pod ${podRef}`,
      });
    }
    const terminated = {
      terminated: {
        exitCode,
        reason: 'Error',
        message:
          fault?.kind === 'crash-loop'
            ? (fault.message ?? 'model server exited')
            : (input.hookError ?? 'start hook failed'),
        startedAt: iso(running ? cycleStart - timings.crashCycleMs : cycleStart),
        finishedAt: iso((running ? cycleStart - timings.crashCycleMs : cycleStart) + runMs),
        containerID,
      },
    };
    const state = running
      ? { running: { startedAt: iso(cycleStart) } }
      : {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off 10s restarting failed container=${name} pod=${podRef}`,
          },
        };
    return {
      status: {
        ...common,
        restartCount,
        started: running,
        state,
        lastState: restartCount > 0 ? terminated : {},
      },
      ready: false,
      started: running,
      pulled: true,
      crashing: true,
      events,
    };
  }

  const delay = fault?.kind === 'slow-ready' ? fault.delayMs : 0;
  const readyAt = startedAt + timings.readyMs + delay;
  const ready = fault?.kind !== 'never-ready' && input.hook !== 'pending' && now >= readyAt;
  if (fault?.kind === 'never-ready' && now >= readyAt) {
    events.push({
      key: 'unhealthy',
      type: 'Warning',
      reason: 'Unhealthy',
      message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
    });
  }
  return {
    status: {
      ...common,
      started: true,
      ready,
      state: { running: { startedAt: iso(startedAt) } },
      lastState: {},
    },
    ready,
    started: true,
    ...(ready ? { readySince: readyAt } : {}),
    pulled: true,
    crashing: false,
    events,
  };
}

/** A few log lines the model server would have written (the pod log endpoint's body). */
export function logLines(view: ContainerView, image: string, fault?: Fault): string[] {
  const lines = [`loading model image ${image}`, 'model files verified'];
  if (view.crashing) {
    const message =
      fault?.kind === 'crash-loop' ? (fault.message ?? 'model server exited') : 'start hook failed';
    return [
      ...lines,
      `error: ${message}`,
      `exit status ${fault?.kind === 'crash-loop' ? (fault.exitCode ?? 1) : 1}`,
    ];
  }
  lines.push('serving on :8080');
  if (view.ready) lines.push('GET /healthz 200');
  else lines.push('GET /healthz 503 (model not ready)');
  return lines;
}
