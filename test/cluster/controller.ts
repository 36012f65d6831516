/**
 * The control loop: every `tickMs` it runs the deployment/replicaset controllers, the kubelet,
 * a garbage collector (objects whose controlling owner is gone are deleted), a KServe stand-in
 * (InferenceService gets Ready, or not under a fault; no pods are made for it) and an HPA
 * stand-in (status.currentReplicas/desiredReplicas from its target; no metrics, no scaling).
 * Bounded: one timer, cleared by stop(); a tick never waits on I/O.
 */
import { DeploymentController, controllerOf } from './deployment-controller.js';
import { EventRecorder } from './events.js';
import { faultFor, type FaultRule } from './faults.js';
import { Kubelet, type StartPod } from './kubelet.js';
import type { Timings } from './pod-lifecycle.js';
import { typeByKind, typeOf, type KubeObject } from './resources.js';
import { clone, timestamp, type ObjectStore } from './store.js';

export interface ControllerOptions {
  readonly store: ObjectStore;
  readonly timings: Timings;
  readonly faults: () => readonly FaultRule[];
  readonly progressDeadlineMs?: number;
  readonly startPod?: StartPod;
  readonly hookTimeoutMs?: number;
}

export class Controller {
  readonly recorder: EventRecorder;
  readonly kubelet: Kubelet;
  /** Errors a tick met (a controller bug, or a startPod stop that threw); tests may assert it is empty. */
  readonly errors: unknown[] = [];
  private readonly deployments: DeploymentController;
  private readonly firstSeen = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ControllerOptions) {
    this.recorder = new EventRecorder(options.store);
    const onError = (error: unknown) => {
      if (this.errors.length < 100) this.errors.push(error);
    };
    this.kubelet = new Kubelet({
      store: options.store,
      recorder: this.recorder,
      timings: options.timings,
      faults: options.faults,
      ...(options.startPod ? { startPod: options.startPod } : {}),
      hookTimeoutMs: options.hookTimeoutMs ?? 30_000,
      onError,
    });
    this.deployments = new DeploymentController({
      store: options.store,
      recorder: this.recorder,
      ...(options.progressDeadlineMs !== undefined ? { progressDeadlineMs: options.progressDeadlineMs } : {}),
    });
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.options.timings.tickMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.kubelet.close();
  }

  /** One pass of every controller; public so tests can step it without the timer. */
  tick(now = Date.now()): void {
    for (const step of [
      () => this.collectGarbage(),
      () => this.deployments.sync(now),
      () => this.kubelet.sync(now),
      () => this.syncInferenceServices(now),
      () => this.syncAutoscalers(),
    ]) {
      try {
        step();
      } catch (error) {
        if (this.errors.length < 100) this.errors.push(error);
      }
    }
  }

  private collectGarbage(): void {
    const { store } = this.options;
    for (const plural of ['replicasets', 'pods']) {
      const type = typeOf(plural);
      for (const object of store.list(type)) {
        const ref = object.metadata.ownerReferences?.find((r) => r.controller);
        if (!ref) continue;
        const ownerType = typeByKind(ref.apiVersion, ref.kind);
        const owner = ownerType && store.get(ownerType, object.metadata.namespace, ref.name);
        if (!owner || owner.metadata.uid !== controllerOf(object)) {
          store.delete(type, object.metadata.namespace, object.metadata.name ?? '');
        }
      }
    }
  }

  private syncInferenceServices(now: number): void {
    const { store, timings } = this.options;
    const type = typeOf('inferenceservices');
    const all = store.list(type);
    const live = new Set(all.map((isvc) => `${isvc.metadata.uid}/${isvc.metadata.generation}`));
    for (const key of this.firstSeen.keys()) if (!live.has(key)) this.firstSeen.delete(key);
    for (const isvc of all) {
      const name = isvc.metadata.name ?? '';
      const ns = isvc.metadata.namespace ?? '';
      const key = `${isvc.metadata.uid}/${isvc.metadata.generation}`;
      const since = this.firstSeen.get(key) ?? now;
      this.firstSeen.set(key, since);
      const predictor = (isvc.spec as { predictor?: { containers?: Array<{ image?: string }> } }).predictor;
      const image = predictor?.containers?.[0]?.image ?? '';
      const fault = faultFor(this.options.faults(), { namespace: ns, owner: name, image });
      const delay = fault?.kind === 'slow-ready' ? fault.delayMs : 0;
      const revision = `${name}-predictor-${String(isvc.metadata.generation ?? 1).padStart(5, '0')}`;
      let ready = now - since >= timings.pullMs + timings.readyMs + delay;
      let reason = 'RevisionMissing';
      let message = `Revision "${revision}" is not ready yet.`;
      if (fault?.kind === 'image-pull') {
        ready = false;
        reason = 'RevisionFailed';
        message = `Revision "${revision}" failed with message: Back-off pulling image "${image}".`;
      } else if (fault?.kind === 'crash-loop') {
        ready = false;
        reason = 'RevisionFailed';
        message = `Revision "${revision}" failed with message: Container failed with: ${fault.message ?? 'model server exited'}.`;
      } else if (fault?.kind === 'never-ready') {
        ready = false;
      }
      const stamp = timestamp(new Date(since));
      const cond = (t: string) =>
        ready
          ? { type: t, status: 'True', lastTransitionTime: stamp }
          : { type: t, status: 'False', reason, message, lastTransitionTime: stamp };
      const next = clone(isvc);
      next.status = {
        observedGeneration: isvc.metadata.generation,
        conditions: [
          { type: 'IngressReady', status: 'True', lastTransitionTime: stamp },
          cond('PredictorReady'),
          cond('Ready'),
        ],
        components: {
          predictor: { latestCreatedRevision: revision, ...(ready ? { latestReadyRevision: revision } : {}) },
        },
        ...(ready
          ? {
              url: `http://${name}.${ns}.example.com`,
              address: { url: `http://${name}-predictor.${ns}.svc.cluster.local` },
            }
          : {}),
      };
      if (JSON.stringify(next) !== JSON.stringify(isvc)) store.update(type, next);
    }
  }

  private syncAutoscalers(): void {
    const { store } = this.options;
    const type = typeOf('horizontalpodautoscalers');
    for (const hpa of store.list(type)) {
      const spec = hpa.spec as {
        minReplicas?: number;
        maxReplicas: number;
        scaleTargetRef: { apiVersion?: string; kind: string; name: string };
      };
      const targetType = typeByKind(spec.scaleTargetRef.apiVersion ?? 'apps/v1', spec.scaleTargetRef.kind);
      const target: KubeObject | undefined =
        targetType && store.get(targetType, hpa.metadata.namespace, spec.scaleTargetRef.name);
      const wanted = (target?.spec as { replicas?: number } | undefined)?.replicas ?? 0;
      const next = clone(hpa);
      next.status = {
        currentReplicas: (target?.status as { replicas?: number } | undefined)?.replicas ?? 0,
        desiredReplicas: Math.min(spec.maxReplicas, Math.max(spec.minReplicas ?? 1, wanted)),
      };
      if (JSON.stringify(next) !== JSON.stringify(hpa)) store.update(type, next);
    }
  }
}
