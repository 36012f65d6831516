/**
 * The deployment and replicaset controllers, reduced to what a rollout shows through the API:
 * - a Deployment owns one ReplicaSet per pod template (`NAME-HASH`, label `pod-template-hash`,
 *   annotation `deployment.kubernetes.io/revision`); returning to an old template (rollout undo)
 *   reuses its ReplicaSet and gives it the next revision, as the real controller does;
 * - RollingUpdate honours maxSurge/maxUnavailable (old pods go only as new ones become
 *   available); Recreate scales old to zero first; `paused` stops scaling;
 * - status: observedGeneration, replicas, updatedReplicas, readyReplicas, availableReplicas,
 *   unavailableReplicas, conditions Available and Progressing (NewReplicaSetCreated,
 *   ReplicaSetUpdated, NewReplicaSetAvailable, ProgressDeadlineExceeded);
 * - old ReplicaSets at zero beyond revisionHistoryLimit are deleted;
 * - a ReplicaSet creates and deletes its pods (immediately: no graceful termination).
 */
import type { EventRecorder } from './events.js';
import { recordUpdate } from './field-managers.js';
import { typeOf, type KubeObject } from './resources.js';
import { clone, randomSuffix, safeHash, timestamp, type ObjectStore } from './store.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const HASH_LABEL = 'pod-template-hash';
const CONTROLLER = 'kube-controller-manager';
/** Deployment annotations the controller does not copy onto its ReplicaSets (as kubectl's undo skips them). */
const NOT_COPIED = new Set([
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'kubectl.kubernetes.io/last-applied-configuration',
]);

interface Template {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

interface DeploymentSpec {
  replicas?: number;
  paused?: boolean;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  selector?: { matchLabels?: Record<string, string> };
  strategy?: {
    type?: string;
    rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
  };
  template: Template;
}

interface Counts {
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
}

interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
}

export interface DeploymentControllerContext {
  readonly store: ObjectStore;
  readonly recorder: EventRecorder;
  /** Caps every Deployment's progressDeadlineSeconds (tests cannot wait ten minutes). */
  readonly progressDeadlineMs?: number;
}

const spec = <T>(object: KubeObject): T => (object.spec ?? {}) as T;
const status = (object: KubeObject): Counts => (object.status ?? {}) as Counts;
const revisionOf = (rs: KubeObject): number => Number(rs.metadata.annotations?.[REVISION] ?? 0);

export function controllerOf(object: KubeObject): string | undefined {
  return object.metadata.ownerReferences?.find((ref) => ref.controller)?.uid;
}

/**
 * Templates compare the way Go's semantic equality of decoded structs does, near enough: key order,
 * nulls and empty maps/lists (`resources: {}`, which kubectl's typed round trip adds) do not
 * matter; the pod-template-hash label is ignored.
 */
export function canonical(template: Template | undefined): string {
  const copy = clone(template ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels[HASH_LABEL];
  const empty = (value: unknown) =>
    value === null ||
    value === undefined ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0);
  const sort = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sort);
    if (value && typeof value === 'object') {
      const entries = Object.keys(value)
        .sort()
        .map((k) => [k, sort((value as Record<string, unknown>)[k])] as const)
        .filter(([, v]) => !empty(v));
      return Object.fromEntries(entries);
    }
    return value;
  };
  return JSON.stringify(sort(copy));
}

/** maxSurge/maxUnavailable: an int, or a percentage of desired rounded up (surge) or down. */
export function resolveIntOrPercent(
  value: number | string | undefined,
  desired: number,
  roundUp: boolean,
  fallback: string,
): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const percent = Number(v.replace('%', ''));
  const exact = (percent * desired) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export class DeploymentController {
  private readonly progress = new Map<string, { at: number; key: string }>();

  constructor(private readonly ctx: DeploymentControllerContext) {}

  sync(now: number): void {
    for (const deployment of this.ctx.store.list(typeOf('deployments'))) this.syncDeployment(deployment, now);
    for (const rs of this.ctx.store.list(typeOf('replicasets'))) this.syncReplicaSet(rs);
  }

  private scale(deployment: KubeObject, rs: KubeObject, replicas: number, desired: number): KubeObject {
    const from = spec<{ replicas?: number }>(rs).replicas ?? 0;
    if (from === replicas) return rs;
    const next = clone(rs);
    (next.spec as { replicas: number }).replicas = replicas;
    next.metadata.annotations = {
      ...next.metadata.annotations,
      'deployment.kubernetes.io/desired-replicas': String(desired),
    };
    const stored = this.ctx.store.update(typeOf('replicasets'), next);
    const direction = replicas > from ? 'up' : 'down';
    this.ctx.recorder.record(
      deployment,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${direction} replica set ${rs.metadata.name} from ${from} to ${replicas}`,
      'deployment-controller',
    );
    return stored;
  }

  private syncDeployment(deployment: KubeObject, now: number): void {
    const { store } = this.ctx;
    const rsType = typeOf('replicasets');
    const d = spec<DeploymentSpec>(deployment);
    const ns = deployment.metadata.namespace;
    const uid = deployment.metadata.uid ?? '';
    const owned = store.list(rsType, ns).filter((rs) => controllerOf(rs) === uid);
    const maxRevision = Math.max(0, ...owned.map(revisionOf));
    const wanted = canonical(d.template);
    let newRs = owned.find((rs) => canonical(spec<DeploymentSpec>(rs).template) === wanted);
    let created = false;
    if (!newRs) {
      newRs = store.create(rsType, this.newReplicaSet(deployment, d, maxRevision + 1));
      created = true;
    } else if (revisionOf(newRs) < maxRevision) {
      const bumped = clone(newRs);
      const history = [
        bumped.metadata.annotations?.['deployment.kubernetes.io/revision-history'],
        String(revisionOf(newRs)),
      ];
      bumped.metadata.annotations = {
        ...bumped.metadata.annotations,
        [REVISION]: String(maxRevision + 1),
        'deployment.kubernetes.io/revision-history': history.filter(Boolean).join(','),
      };
      newRs = store.update(rsType, bumped);
    }
    const newUid = newRs.metadata.uid;
    let olds = owned.filter((rs) => rs.metadata.uid !== newUid);
    const desired = d.replicas ?? 1;

    if (!d.paused) {
      if (d.strategy?.type === 'Recreate') {
        const oldSpec = olds.reduce((n, rs) => n + (spec<{ replicas?: number }>(rs).replicas ?? 0), 0);
        const oldPods = olds.reduce((n, rs) => n + (status(rs).replicas ?? 0), 0);
        olds = olds.map((rs) => this.scale(deployment, rs, 0, desired));
        if (oldSpec === 0 && oldPods === 0) newRs = this.scale(deployment, newRs, desired, desired);
      } else {
        const surge = resolveIntOrPercent(d.strategy?.rollingUpdate?.maxSurge, desired, true, '25%');
        let unavailable = resolveIntOrPercent(
          d.strategy?.rollingUpdate?.maxUnavailable,
          desired,
          false,
          '25%',
        );
        if (surge === 0 && unavailable === 0) unavailable = 1;
        const specOf = (rs: KubeObject) => spec<{ replicas?: number }>(rs).replicas ?? 0;
        const total = specOf(newRs) + olds.reduce((n, rs) => n + specOf(rs), 0);
        if (specOf(newRs) > desired) newRs = this.scale(deployment, newRs, desired, desired);
        else if (specOf(newRs) < desired && desired + surge - total > 0) {
          newRs = this.scale(
            deployment,
            newRs,
            Math.min(desired, specOf(newRs) + desired + surge - total),
            desired,
          );
        }
        const allPods = specOf(newRs) + olds.reduce((n, rs) => n + specOf(rs), 0);
        const newAvailable = status(newRs).availableReplicas ?? 0;
        const newUnavailable = Math.max(0, specOf(newRs) - newAvailable);
        let scaleDown =
          newAvailable >= desired ? Infinity : allPods - (desired - unavailable) - newUnavailable;
        olds = [...olds]
          .sort((a, b) => revisionOf(a) - revisionOf(b))
          .map((rs) => {
            if (scaleDown <= 0 || specOf(rs) === 0) return rs;
            const n = Math.min(specOf(rs), scaleDown);
            scaleDown -= n;
            return this.scale(deployment, rs, specOf(rs) - n, desired);
          });
      }
    }
    this.cleanup(olds, d.revisionHistoryLimit ?? 10);
    this.writeStatus(deployment, d, newRs, olds, now, created);
  }

  private newReplicaSet(deployment: KubeObject, d: DeploymentSpec, revision: number): KubeObject {
    const hash = safeHash(canonical(d.template));
    const template = clone(d.template);
    template.metadata = {
      ...template.metadata,
      labels: { ...template.metadata?.labels, [HASH_LABEL]: hash },
    };
    const annotations = Object.fromEntries(
      Object.entries(deployment.metadata.annotations ?? {}).filter(([k]) => !NOT_COPIED.has(k)),
    );
    return {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${deployment.metadata.name}-${hash}`,
        namespace: deployment.metadata.namespace,
        labels: { ...template.metadata.labels },
        annotations: {
          ...annotations,
          [REVISION]: String(revision),
          'deployment.kubernetes.io/desired-replicas': String(d.replicas ?? 1),
          'deployment.kubernetes.io/max-replicas': String(
            (d.replicas ?? 1) +
              resolveIntOrPercent(d.strategy?.rollingUpdate?.maxSurge, d.replicas ?? 1, true, '25%'),
          ),
        },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: deployment.metadata.name ?? '',
            uid: deployment.metadata.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        replicas: 0,
        ...(d.minReadySeconds ? { minReadySeconds: d.minReadySeconds } : {}),
        selector: { ...d.selector, matchLabels: { ...d.selector?.matchLabels, [HASH_LABEL]: hash } },
        template,
      },
    };
  }

  private cleanup(olds: KubeObject[], limit: number): void {
    const idle = olds
      .filter(
        (rs) => (spec<{ replicas?: number }>(rs).replicas ?? 0) === 0 && (status(rs).replicas ?? 0) === 0,
      )
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      this.ctx.store.delete(typeOf('replicasets'), rs.metadata.namespace, rs.metadata.name ?? '');
    }
  }

  private writeStatus(
    deployment: KubeObject,
    d: DeploymentSpec,
    newRs: KubeObject,
    olds: KubeObject[],
    now: number,
    created: boolean,
  ): void {
    const all = [newRs, ...olds];
    const sum = (f: (rs: KubeObject) => number) => all.reduce((n, rs) => n + f(rs), 0);
    const desired = d.replicas ?? 1;
    const replicas = sum((rs) => status(rs).replicas ?? 0);
    const updatedReplicas = status(newRs).replicas ?? 0;
    const readyReplicas = sum((rs) => status(rs).readyReplicas ?? 0);
    const availableReplicas = sum((rs) => status(rs).availableReplicas ?? 0);
    const totalSpec = sum((rs) => spec<{ replicas?: number }>(rs).replicas ?? 0);
    const maxUnavailable = resolveIntOrPercent(
      d.strategy?.rollingUpdate?.maxUnavailable,
      desired,
      false,
      '25%',
    );
    const uid = deployment.metadata.uid ?? '';
    const rsName = newRs.metadata.name ?? '';

    const key = JSON.stringify([
      rsName,
      replicas,
      updatedReplicas,
      readyReplicas,
      availableReplicas,
      deployment.metadata.generation,
    ]);
    const previous = this.progress.get(uid);
    const progressed = !previous || previous.key !== key;
    if (progressed) this.progress.set(uid, { at: now, key });
    const since = this.progress.get(uid)?.at ?? now;
    const deadline = Math.min(
      (d.progressDeadlineSeconds ?? 600) * 1000,
      this.ctx.progressDeadlineMs ?? Infinity,
    );
    const complete = updatedReplicas === desired && replicas === desired && availableReplicas >= desired;

    const old = (deployment.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
    const condition = (type: string, s: Condition['status'], reason: string, message: string): Condition => {
      const prior = old.find((c) => c.type === type);
      const stamp = timestamp(new Date(now));
      if (prior && prior.status === s && prior.reason === reason && prior.message === message) return prior;
      return {
        type,
        status: s,
        reason,
        message,
        lastUpdateTime: stamp,
        lastTransitionTime: prior && prior.status === s ? prior.lastTransitionTime : stamp,
      };
    };
    const available =
      availableReplicas >= desired - (d.strategy?.type === 'Recreate' ? 0 : maxUnavailable)
        ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
        : condition(
            'Available',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
          );
    const priorProgressing = old.find((c) => c.type === 'Progressing');
    let progressing: Condition | undefined;
    if (d.paused)
      progressing = condition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused');
    else if (complete)
      progressing = condition(
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${rsName}" has successfully progressed.`,
      );
    else if (now - since > deadline)
      progressing = condition(
        'Progressing',
        'False',
        'ProgressDeadlineExceeded',
        `ReplicaSet "${rsName}" has timed out progressing.`,
      );
    else if (created)
      progressing = condition(
        'Progressing',
        'True',
        'NewReplicaSetCreated',
        `Created new replica set "${rsName}"`,
      );
    else if (progressed || priorProgressing?.reason !== 'NewReplicaSetCreated') {
      progressing = condition(
        'Progressing',
        'True',
        'ReplicaSetUpdated',
        `ReplicaSet "${rsName}" is progressing.`,
      );
      if (progressed && progressing === priorProgressing)
        progressing = { ...progressing, lastUpdateTime: timestamp(new Date(now)) };
    } else progressing = priorProgressing;

    const next = clone(deployment);
    next.metadata.annotations = { ...next.metadata.annotations, [REVISION]: String(revisionOf(newRs)) };
    next.status = {
      observedGeneration: deployment.metadata.generation,
      replicas,
      updatedReplicas,
      readyReplicas,
      availableReplicas,
      ...(totalSpec - availableReplicas > 0 ? { unavailableReplicas: totalSpec - availableReplicas } : {}),
      conditions: [available, ...(progressing ? [progressing] : [])],
    };
    if (JSON.stringify(next) === JSON.stringify(deployment)) return;
    next.metadata.managedFields = recordUpdate(deployment, next, CONTROLLER, timestamp());
    this.ctx.store.update(typeOf('deployments'), next);
  }

  private syncReplicaSet(rs: KubeObject): void {
    const { store, recorder } = this.ctx;
    const podsType = typeOf('pods');
    const s = spec<DeploymentSpec>(rs);
    const desired = s.replicas ?? 1;
    let pods = store
      .list(podsType, rs.metadata.namespace)
      .filter((pod) => controllerOf(pod) === rs.metadata.uid);
    for (let i = pods.length; i < desired; i++) {
      const pod = store.create(podsType, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${rs.metadata.name}-${randomSuffix()}`,
          namespace: rs.metadata.namespace,
          labels: { ...s.template.metadata?.labels },
          ...(s.template.metadata?.annotations
            ? { annotations: { ...s.template.metadata.annotations } }
            : {}),
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: rs.metadata.name ?? '',
              uid: rs.metadata.uid ?? '',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: clone(s.template.spec ?? {}),
        status: { phase: 'Pending', qosClass: 'BestEffort' },
      });
      pods.push(pod);
      recorder.record(
        rs,
        'Normal',
        'SuccessfulCreate',
        `Created pod: ${pod.metadata.name}`,
        'replicaset-controller',
      );
    }
    if (pods.length > desired) {
      const ranked = [...pods].sort(
        (a, b) =>
          Number(isReady(a)) - Number(isReady(b)) ||
          Number(b.metadata.resourceVersion) - Number(a.metadata.resourceVersion),
      );
      for (const pod of ranked.slice(0, pods.length - desired)) {
        store.delete(podsType, pod.metadata.namespace, pod.metadata.name ?? '');
        recorder.record(
          rs,
          'Normal',
          'SuccessfulDelete',
          `Deleted pod: ${pod.metadata.name}`,
          'replicaset-controller',
        );
      }
      pods = store
        .list(podsType, rs.metadata.namespace)
        .filter((pod) => controllerOf(pod) === rs.metadata.uid);
    }
    const ready = pods.filter(isReady).length;
    const next = clone(rs);
    next.status = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.length,
      readyReplicas: ready,
      availableReplicas: pods.filter((pod) => isAvailable(pod, s.minReadySeconds ?? 0)).length,
      observedGeneration: rs.metadata.generation,
    };
    if (JSON.stringify(next) !== JSON.stringify(rs)) store.update(typeOf('replicasets'), next);
  }
}

function readyCondition(pod: KubeObject): { status?: string; lastTransitionTime?: string } | undefined {
  return (
    (
      pod.status as
        { conditions?: Array<{ type: string; status?: string; lastTransitionTime?: string }> } | undefined
    )?.conditions ?? []
  ).find((c) => c.type === 'Ready');
}

export function isReady(pod: KubeObject): boolean {
  return readyCondition(pod)?.status === 'True';
}

function isAvailable(pod: KubeObject, minReadySeconds: number): boolean {
  const condition = readyCondition(pod);
  if (condition?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  return Date.now() - Date.parse(condition.lastTransitionTime ?? '') >= minReadySeconds * 1000;
}
