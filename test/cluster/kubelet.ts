/**
 * The kubelet of the double's one node (`test-node`): gives each pod a status from
 * pod-lifecycle.ts, records the kubelet's events, serves the log tail, and calls the optional
 * `startPod` hook when a pod's containers start (the place to run something that really answers
 * HTTP; its url lands in the pod annotation POD_URL_ANNOTATION and readiness waits for it).
 */
import { createHash } from 'node:crypto';
import type { EventRecorder } from './events.js';
import { faultFor, type Fault, type FaultRule } from './faults.js';
import {
  containerView,
  logLines,
  type ContainerView,
  type HookState,
  type Timings,
} from './pod-lifecycle.js';
import { typeOf, type KubeObject } from './resources.js';
import { badRequest } from './status.js';
import { clone, type ObjectStore } from './store.js';

export const POD_URL_ANNOTATION = 'test-cluster.model-promote.dev/url';
export const NODE_NAME = 'test-node';
export const NODE_IP = '10.0.0.10';

export interface StartedPod {
  readonly url: string;
  readonly stop?: () => Promise<void> | void;
}

/** Called once per pod when its containers start; readiness waits for the answer. */
export type StartPod = (pod: KubeObject) => Promise<StartedPod>;

interface Container {
  name: string;
  image: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

interface PodSim {
  readonly createdAt: number;
  readonly faults: ReadonlyMap<string, Fault | undefined>;
  readonly emitted: Set<string>;
  hook: HookState;
  hookError?: string;
  started?: StartedPod;
  views: Map<string, ContainerView>;
}

export interface KubeletContext {
  readonly store: ObjectStore;
  readonly recorder: EventRecorder;
  readonly timings: Timings;
  readonly faults: () => readonly FaultRule[];
  readonly startPod?: StartPod;
  readonly hookTimeoutMs: number;
  readonly onError: (error: unknown) => void;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function podIp(uid: string): string {
  const h = createHash('sha256').update(uid).digest();
  return `10.244.${(h[0] ?? 0) % 250}.${((h[1] ?? 0) % 250) + 2}`;
}

function qosClass(containers: readonly Container[]): string {
  const all = containers.map((c) => c.resources ?? {});
  if (all.every((r) => !r.requests && !r.limits)) return 'BestEffort';
  const guaranteed = all.every((r) =>
    ['cpu', 'memory'].every(
      (k) => r.limits?.[k] !== undefined && (r.requests?.[k] ?? r.limits?.[k]) === r.limits?.[k],
    ),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export class Kubelet {
  private readonly pods = new Map<string, PodSim>();

  constructor(private readonly ctx: KubeletContext) {}

  /** The Deployment (or other top owner) a pod belongs to, for fault matching. */
  private ownerName(pod: KubeObject): string | undefined {
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller);
    if (!ref) return undefined;
    if (ref.kind !== 'ReplicaSet') return ref.name;
    const rs = this.ctx.store.get(typeOf('replicasets'), pod.metadata.namespace, ref.name);
    return rs?.metadata.ownerReferences?.find((r) => r.controller)?.name ?? ref.name;
  }

  private simFor(pod: KubeObject, now: number): PodSim {
    const uid = pod.metadata.uid ?? '';
    let sim = this.pods.get(uid);
    if (!sim) {
      const owner = this.ownerName(pod);
      const faults = new Map<string, Fault | undefined>();
      for (const c of containersOf(pod)) {
        faults.set(
          c.name,
          faultFor(this.ctx.faults(), { namespace: pod.metadata.namespace ?? '', owner, image: c.image }),
        );
      }
      sim = {
        createdAt: now,
        faults,
        emitted: new Set(),
        hook: this.ctx.startPod ? 'none' : 'ready',
        views: new Map(),
      };
      this.pods.set(uid, sim);
      this.ctx.recorder.record(
        pod,
        'Normal',
        'Scheduled',
        `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${NODE_NAME}`,
        'default-scheduler',
      );
    }
    return sim;
  }

  private startHook(pod: KubeObject, sim: PodSim): void {
    const startPod = this.ctx.startPod;
    if (!startPod || sim.hook !== 'none') return;
    sim.hook = 'pending';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`startPod did not answer in ${this.ctx.hookTimeoutMs}ms`)),
        this.ctx.hookTimeoutMs,
      );
    });
    Promise.race([startPod(clone(pod)), timeout])
      .then((started) => {
        sim.started = started;
        sim.hook = 'ready';
        if (!this.pods.has(pod.metadata.uid ?? '')) void started.stop?.();
      })
      .catch((error: unknown) => {
        sim.hook = 'failed';
        sim.hookError = error instanceof Error ? error.message : String(error);
      })
      .finally(() => clearTimeout(timer));
  }

  /** One pass over every pod: status, events, hooks; forgets pods that are gone. */
  sync(now: number): void {
    const podsType = typeOf('pods');
    const seen = new Set<string>();
    for (const pod of this.ctx.store.list(podsType)) {
      seen.add(pod.metadata.uid ?? '');
      try {
        this.syncPod(pod, now);
      } catch (error) {
        this.ctx.onError(error);
      }
    }
    for (const [uid, sim] of this.pods) {
      if (seen.has(uid)) continue;
      this.pods.delete(uid);
      void Promise.resolve(sim.started?.stop?.()).catch(this.ctx.onError);
    }
  }

  private syncPod(pod: KubeObject, now: number): void {
    const sim = this.simFor(pod, now);
    const containers = containersOf(pod);
    const views = containers.map((c) =>
      containerView({
        podName: pod.metadata.name ?? '',
        namespace: pod.metadata.namespace ?? '',
        podUid: pod.metadata.uid ?? '',
        name: c.name,
        image: c.image,
        fault: sim.faults.get(c.name),
        createdAt: sim.createdAt,
        now,
        timings: this.ctx.timings,
        hook: sim.hook === 'none' ? 'pending' : sim.hook,
        ...(sim.hookError ? { hookError: sim.hookError } : {}),
      }),
    );
    containers.forEach((c, i) => sim.views.set(c.name, views[i] as ContainerView));
    if (views.length > 0 && views.every((v) => v.started && !v.crashing)) this.startHook(pod, sim);

    for (const [i, view] of views.entries()) {
      const name = containers[i]?.name ?? '';
      for (const event of view.events) {
        const key = `${name}/${event.key}`;
        if (sim.emitted.has(key)) continue;
        sim.emitted.add(key);
        this.ctx.recorder.record(
          pod,
          event.type,
          event.reason,
          event.message,
          'kubelet',
          `spec.containers{${name}}`,
        );
      }
    }

    const ready = views.length > 0 && views.every((v) => v.ready);
    const readySince = Math.max(...views.map((v) => v.readySince ?? now));
    const created = sim.createdAt;
    const condition = (type: string, status: boolean, at: number, reason?: string) => ({
      type,
      status: status ? 'True' : 'False',
      lastTransitionTime: iso(at),
      ...(status || !reason
        ? {}
        : {
            reason,
            message: `containers with unready status: [${containers
              .filter((_, i) => !views[i]?.ready)
              .map((c) => c.name)
              .join(' ')}]`,
          }),
    });
    const ip = podIp(pod.metadata.uid ?? '');
    const status = {
      phase: views.every((v) => v.pulled) ? 'Running' : 'Pending',
      conditions: [
        condition('PodReadyToStartContainers', true, created),
        condition('Initialized', true, created),
        condition('Ready', ready, ready ? readySince : created, 'ContainersNotReady'),
        condition('ContainersReady', ready, ready ? readySince : created, 'ContainersNotReady'),
        condition('PodScheduled', true, created),
      ],
      hostIP: NODE_IP,
      hostIPs: [{ ip: NODE_IP }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: iso(created),
      containerStatuses: views.map((v) => v.status),
      qosClass: qosClass(containers),
    };
    const next = clone(pod);
    next.status = status;
    const spec = next.spec as Record<string, unknown>;
    spec.nodeName ??= NODE_NAME;
    if (sim.started && next.metadata.annotations?.[POD_URL_ANNOTATION] !== sim.started.url) {
      next.metadata.annotations = { ...next.metadata.annotations, [POD_URL_ANNOTATION]: sim.started.url };
    }
    if (JSON.stringify(next) !== JSON.stringify(pod)) this.ctx.store.update(typeOf('pods'), next);
  }

  /** The tail of a container's log, or the server's 400 when it has not started. */
  logs(pod: KubeObject, container: string | undefined, tailLines?: number): string {
    const sim = this.pods.get(pod.metadata.uid ?? '');
    const containers = containersOf(pod);
    const chosen =
      container ??
      pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'] ??
      containers[0]?.name;
    const spec = containers.find((c) => c.name === chosen);
    if (!spec) throw badRequest(`container ${chosen} is not valid for pod ${pod.metadata.name}`);
    const view = sim?.views.get(spec.name);
    if (!view || !view.pulled) {
      const reason = view && !view.pulled ? 'trying and failing to pull image' : 'ContainerCreating';
      throw badRequest(
        `container "${spec.name}" in pod "${pod.metadata.name}" is waiting to start: ${reason}`,
      );
    }
    const lines = logLines(view, spec.image, sim?.faults.get(spec.name));
    const tail = tailLines !== undefined && tailLines >= 0 ? lines.slice(-tailLines) : lines;
    return tail.map((line) => `${line}\n`).join('');
  }

  /** Stops every started pod (the hook's stop), waiting for them. */
  async close(): Promise<void> {
    const stops = [...this.pods.values()].map((sim) => sim.started?.stop?.());
    this.pods.clear();
    await Promise.allSettled(stops);
  }
}

export function containersOf(pod: KubeObject): Container[] {
  return ((pod.spec as { containers?: Container[] } | undefined)?.containers ?? []).map((c) => ({ ...c }));
}
