/**
 * Is the rollout done, still going, or failed? Pure functions over the objects a watch delivers:
 * kubectl's rules for a Deployment (`kubectl rollout status`), fail-fast rules for the new pods
 * (crash loop, image pull back-off), and the Ready condition of a KServe InferenceService.
 */

interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
}

export interface DeploymentView {
  readonly metadata?: {
    readonly name?: string;
    readonly generation?: number;
    readonly annotations?: Record<string, string>;
  };
  readonly spec?: { readonly replicas?: number };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly replicas?: number;
    readonly updatedReplicas?: number;
    readonly readyReplicas?: number;
    readonly availableReplicas?: number;
    readonly conditions?: readonly Condition[];
  };
}

export type RolloutState =
  | { readonly phase: 'progressing'; readonly message: string }
  | { readonly phase: 'complete'; readonly message: string }
  | { readonly phase: 'failed'; readonly message: string };

/** kubectl's DeploymentStatusViewer, rule for rule (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go). */
export function deploymentRolloutState(d: DeploymentView): RolloutState {
  const name = d.metadata?.name ?? '';
  const generation = d.metadata?.generation ?? 0;
  const s = d.status ?? {};
  if (generation > (s.observedGeneration ?? 0)) {
    return { phase: 'progressing', message: 'Waiting for deployment spec update to be observed...' };
  }
  const progressing = s.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { phase: 'failed', message: `deployment "${name}" exceeded its progress deadline` };
  }
  const desired = d.spec?.replicas ?? 1;
  const updated = s.updatedReplicas ?? 0;
  const replicas = s.replicas ?? 0;
  const available = s.availableReplicas ?? 0;
  if (updated < desired) {
    return {
      phase: 'progressing',
      message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated...`,
    };
  }
  if (replicas > updated) {
    return {
      phase: 'progressing',
      message: `Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...`,
    };
  }
  if (available < updated) {
    return {
      phase: 'progressing',
      message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`,
    };
  }
  return { phase: 'complete', message: `deployment "${name}" successfully rolled out` };
}

/** `ready 1/2 (updated 2, available 1)`: the progress line. */
export function progressLine(d: DeploymentView): string {
  const s = d.status ?? {};
  return `ready ${s.readyReplicas ?? 0}/${d.spec?.replicas ?? 1} (updated ${s.updatedReplicas ?? 0}, available ${s.availableReplicas ?? 0})`;
}

export interface PodView {
  readonly metadata?: { readonly name?: string; readonly labels?: Record<string, string> };
  readonly spec?: {
    readonly containers?: ReadonlyArray<{ readonly name?: string; readonly image?: string }>;
  };
  readonly status?: {
    readonly phase?: string;
    readonly conditions?: readonly Condition[];
    readonly containerStatuses?: ReadonlyArray<{
      readonly name?: string;
      readonly image?: string;
      readonly imageID?: string;
      readonly ready?: boolean;
      readonly restartCount?: number;
      readonly state?: {
        readonly waiting?: { readonly reason?: string; readonly message?: string };
        readonly terminated?: {
          readonly exitCode?: number;
          readonly reason?: string;
          readonly message?: string;
        };
      };
      readonly lastState?: {
        readonly terminated?: { readonly exitCode?: number; readonly message?: string };
      };
    }>;
  };
}

/** Waiting reasons that will not fix themselves: a rollout stuck on them fails now, not at its deadline. */
export const FATAL_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
]);

/** The first pod (running `image`) stuck on a fatal waiting reason, as one line; undefined if none. */
export function fatalPodProblem(pods: Iterable<PodView>, image: string): string | undefined {
  for (const pod of pods) {
    const runs = (pod.spec?.containers ?? []).some((c) => c.image === image);
    if (!runs) continue;
    for (const c of pod.status?.containerStatuses ?? []) {
      const waiting = c.state?.waiting;
      if (!waiting?.reason || !FATAL_WAITING.has(waiting.reason)) continue;
      const last = c.lastState?.terminated;
      const exit = last
        ? `; last exit code ${last.exitCode ?? '?'}${last.message ? `: ${last.message}` : ''}`
        : '';
      const restarts = c.restartCount ? `, ${c.restartCount} restarts` : '';
      return `pod ${pod.metadata?.name ?? ''} container ${c.name ?? ''}: ${waiting.reason}${restarts}${
        waiting.message ? ` (${waiting.message})` : ''
      }${exit}`;
    }
  }
  return undefined;
}

/**
 * The first pod the scheduler could not place, as one line with the scheduler's reason
 * (`0/7 nodes are available: ...`); undefined if none. Not fatal by itself: a cluster autoscaler
 * may still add a node, so it explains a timeout rather than failing the rollout early.
 */
export function unschedulablePod(pods: Iterable<PodView>): string | undefined {
  for (const pod of pods) {
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
      return `pod ${pod.metadata?.name ?? ''} is not scheduled: ${scheduled.message ?? scheduled.reason}`;
    }
  }
  return undefined;
}

export interface InferenceServiceView {
  readonly metadata?: { readonly name?: string; readonly generation?: number };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly conditions?: readonly Condition[];
    readonly url?: string;
  };
}

/** Ready=True for the current generation: complete; Ready=False with RevisionFailed: failed. */
export function inferenceServiceState(isvc: InferenceServiceView): RolloutState {
  const name = isvc.metadata?.name ?? '';
  const s = isvc.status ?? {};
  if ((isvc.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) {
    return { phase: 'progressing', message: `Waiting for InferenceService "${name}" to observe its spec...` };
  }
  const ready = s.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return { phase: 'complete', message: `InferenceService "${name}" is Ready` };
  if (ready?.reason === 'RevisionFailed') {
    return {
      phase: 'failed',
      message: `InferenceService "${name}" failed: ${ready.message ?? ready.reason}`,
    };
  }
  return {
    phase: 'progressing',
    message: `Waiting for InferenceService "${name}" to be Ready${ready?.message ? `: ${ready.message}` : ''}`,
  };
}

/** Does `imageID` (`REPO@sha256:...`, `docker-pullable://...@sha256:...`) carry `digest`? */
export function imageIdHasDigest(imageID: string | undefined, digest: string): boolean {
  return Boolean(imageID) && (imageID === digest || (imageID ?? '').endsWith(`@${digest}`));
}
