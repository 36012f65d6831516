/**
 * Faults the node agent injects: what goes wrong with a workload's pods, chosen per owner
 * (Deployment or InferenceService name), namespace or container image. Tests set them through the
 * API, as an annotation on the namespace (FAULTS_ANNOTATION, a JSON list of rules); a pod takes the
 * fault that matches when the agent first sees it (a later change affects the next pods, as a
 * fixed or broken image would). Each fault makes something real happen: the model server exits or
 * answers 503, the pull fails, or the runtime reports another digest. Pure.
 */

export const FAULTS_ANNOTATION = 'node-agent.model-promote.dev/faults';

export type Fault =
  /** The image cannot be pulled: ErrImagePull, then ImagePullBackOff; the pod stays Pending. */
  | { readonly kind: 'image-pull'; readonly message?: string }
  /** The container starts, exits, and is restarted with back-off: CrashLoopBackOff, restartCount. */
  | { readonly kind: 'crash-loop'; readonly exitCode?: number; readonly message?: string }
  /** The container runs but its readiness probe never passes. */
  | { readonly kind: 'never-ready' }
  /** The container becomes ready `delayMs` later than usual. */
  | { readonly kind: 'slow-ready'; readonly delayMs: number }
  /** The container runs other bytes than asked: status imageID has another digest. */
  | { readonly kind: 'wrong-image'; readonly digest?: string };

export interface FaultTarget {
  readonly namespace?: string;
  /** Name of the Deployment or InferenceService whose pods get the fault. */
  readonly name?: string;
  /** A container image reference: exact, or its repository (the part before `@` or `:tag`). */
  readonly image?: string;
}

export interface FaultRule {
  readonly target: FaultTarget;
  readonly fault: Fault;
}

export interface FaultSubject {
  readonly namespace: string;
  readonly owner?: string;
  readonly image: string;
}

/** `repo/name:tag@sha256:...` -> `repo/name`. */
export function repositoryOf(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

function matches(target: FaultTarget, subject: FaultSubject): boolean {
  if (target.namespace !== undefined && target.namespace !== subject.namespace) return false;
  if (target.name !== undefined && target.name !== subject.owner) return false;
  if (
    target.image !== undefined &&
    target.image !== subject.image &&
    target.image !== repositoryOf(subject.image)
  ) {
    return false;
  }
  return true;
}

/** The last rule that matches wins. */
export function faultFor(rules: readonly FaultRule[], subject: FaultSubject): Fault | undefined {
  let found: Fault | undefined;
  for (const rule of rules) if (matches(rule.target, subject)) found = rule.fault;
  return found;
}

/** Rules with the fault for `target` replaced (or removed, for undefined). */
export function withFault(
  rules: readonly FaultRule[],
  target: FaultTarget,
  fault: Fault | undefined,
): FaultRule[] {
  const same = (t: FaultTarget) =>
    t.namespace === target.namespace && t.name === target.name && t.image === target.image;
  const rest = rules.filter((rule) => !same(rule.target));
  return fault ? [...rest, { target: { ...target }, fault }] : rest;
}
