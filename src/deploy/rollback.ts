/**
 * Putting the previous objects back. Before each apply the live object is kept (a snapshot); on
 * failure, in reverse order: what we created is deleted; a Deployment goes back with kubectl's
 * `rollout undo` logic (the ReplicaSet of the revision that ran before, its template and
 * annotations; plus, beyond kubectl, the Deployment's previous labels); anything else is replaced
 * by its snapshot. Every write is a non-apply write by `model-promote-rollback` (see apply.ts).
 */
import type { Logger } from '../logger.js';
import { comparable } from './apply-diff.js';
import { DeployError } from './cluster-error.js';
import { collectionPath, displayName, type KubeCluster, type LiveObject, type ObjectRef } from './cluster.js';
import { watchUntil } from './cluster-watch.js';
import { waitForDeployment } from './rollout-wait.js';
import { matchLabelsOf, REVISION_ANNOTATION, replicaSetsOf, selectorString } from './verify.js';

/** An object we applied, and what was there before (undefined: we created it). */
export interface Snapshot {
  readonly ref: ObjectRef;
  readonly before?: LiveObject;
}

const HASH_LABEL = 'pod-template-hash';
/** kubectl's annotationsToSkip (k8s.io/kubectl/pkg/polymorphichelpers/rollback.go). */
export const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

export function refOf(o: {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}): ObjectRef {
  return {
    apiVersion: o.apiVersion ?? '',
    kind: o.kind ?? '',
    metadata: {
      name: o.metadata?.name ?? '',
      ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
    },
  };
}

type Template = {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
};

function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort(value));
}

/** Templates equal once the pod-template-hash label is ignored (kubectl's EqualIgnoreHash). */
export function equalIgnoreHash(a: Template | undefined, b: Template | undefined): boolean {
  const strip = (t: Template | undefined) => {
    const copy = structuredClone(t ?? {});
    if (copy.metadata?.labels) delete copy.metadata.labels[HASH_LABEL];
    return sortedJson(copy);
  };
  return strip(a) === strip(b);
}

/**
 * The JSON patch `kubectl rollout undo --to-revision` sends for `rs`: its template (hash label
 * removed) and the annotations (the skipped ones kept from the Deployment, the rest from the RS).
 */
export function undoPatch(current: LiveObject, rs: LiveObject, labels?: Record<string, string>): unknown[] {
  const template = structuredClone((rs.spec as { template?: Template }).template ?? {});
  if (template.metadata?.labels) delete template.metadata.labels[HASH_LABEL];
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(current.metadata.annotations ?? {}))
    if (ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {}))
    if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  return [
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'replace', path: '/metadata/annotations', value: annotations },
    ...(labels ? [{ op: 'replace', path: '/metadata/labels', value: labels }] : []),
  ];
}

export interface RollbackOptions {
  readonly logger: Logger;
  readonly timeoutMs: number;
}

/** The image of a Deployment's first container (what the restored pods must run). */
function imageOf(d: LiveObject | Template | undefined): string {
  const spec =
    (d as { spec?: { template?: Template } })?.spec?.template?.spec ?? (d as Template | undefined)?.spec;
  return (spec as { containers?: Array<{ image?: string }> } | undefined)?.containers?.[0]?.image ?? '';
}

/** kubectl's rollout undo to the revision the snapshot ran, then waits for it by watching. */
async function undoDeployment(
  cluster: KubeCluster,
  snap: Snapshot,
  options: RollbackOptions,
): Promise<string> {
  const before = snap.before as LiveObject;
  const current = await cluster.read(snap.ref);
  const name = displayName(snap.ref);
  if (!current)
    throw new DeployError('failed', 'rollback-failed', `${name} was deleted during the promotion`);
  if ((current.spec as { paused?: boolean }).paused) {
    throw new DeployError(
      'failed',
      'rollback-failed',
      `${name}: you cannot rollback a paused deployment; resume it first`,
    );
  }
  const toRevision = before.metadata.annotations?.[REVISION_ANNOTATION];
  const sets = await replicaSetsOf(cluster, current);
  const revisions = sets.map((rs) => rs.metadata.annotations?.[REVISION_ANNOTATION]);
  // The revision that ran before our apply; kubectl's default (the one before the newest) if it is gone.
  const target =
    sets.find((rs) => toRevision && rs.metadata.annotations?.[REVISION_ANNOTATION] === toRevision) ??
    (sets.length >= 2 ? sets[sets.length - 2] : undefined);
  const currentTemplate = (current.spec as { template?: Template }).template;
  let patched: LiveObject;
  if (!target) {
    options.logger.warn(
      `${name}: no ReplicaSet of revision ${toRevision ?? '?'} (revisions ${revisions.join(', ')}): restoring the snapshot`,
    );
    patched = await cluster.replace(restorable(before, current));
  } else if (equalIgnoreHash((target.spec as { template?: Template }).template, currentTemplate)) {
    options.logger.info(
      `${name}: skipped rollback (current template already matches revision ${toRevision})`,
    );
    patched = current;
  } else {
    patched = await cluster.jsonPatch(snap.ref, undoPatch(current, target, before.metadata.labels ?? {}));
    options.logger.info(
      `${name}: rolled back to revision ${target.metadata.annotations?.[REVISION_ANNOTATION]}`,
    );
  }
  await waitForDeployment(cluster, patched, imageOf(patched), {
    timeoutMs: options.timeoutMs,
    logger: options.logger,
    failFast: true,
  });
  return `${name}: back at revision ${toRevision ?? '?'} (${before.metadata.annotations?.['model-promote.dev/version'] ? `v${before.metadata.annotations['model-promote.dev/version']}` : imageOf(before)})`;
}

/** The snapshot, ready to PUT over `current`: its resourceVersion, no server bookkeeping. */
function restorable(before: LiveObject, current: LiveObject | undefined): LiveObject {
  const copy = structuredClone(before);
  delete copy.status;
  const meta = copy.metadata as unknown as Record<string, unknown>;
  for (const key of ['managedFields', 'creationTimestamp', 'generation', 'uid']) delete meta[key];
  if (current) meta.resourceVersion = current.metadata.resourceVersion;
  else delete meta.resourceVersion;
  return copy;
}

/** Waits (by watching) until no pod of the deleted Deployment is left; a timeout is only a warning. */
async function waitPodsGone(
  cluster: KubeCluster,
  before: LiveObject,
  options: RollbackOptions,
): Promise<void> {
  const ns = before.metadata.namespace;
  await watchUntil(
    cluster,
    [{ path: collectionPath('v1', 'Pod', ns), labelSelector: selectorString(matchLabelsOf(before)) }],
    (caches) => (caches[0]?.size === 0 ? true : undefined),
    { timeoutMs: Math.min(options.timeoutMs, 60_000), onTimeout: () => new Error('pods still terminating') },
  ).catch((error: unknown) =>
    options.logger.warn(`deployment/${before.metadata.name}: ${(error as Error).message}`),
  );
}

/** Restores `applied` (apply order) in reverse; returns one line per object. */
export async function rollback(
  cluster: KubeCluster,
  applied: readonly Snapshot[],
  options: RollbackOptions,
): Promise<string[]> {
  const done: string[] = [];
  const failures: string[] = [];
  for (const snap of [...applied].reverse()) {
    const name = displayName(snap.ref);
    try {
      if (!snap.before) {
        const live = await cluster.read(snap.ref);
        await cluster.delete(snap.ref);
        if (live && snap.ref.kind === 'Deployment') await waitPodsGone(cluster, live, options);
        done.push(`${name}: deleted (it was new)`);
      } else if (snap.ref.kind === 'Deployment' && snap.ref.apiVersion === 'apps/v1') {
        done.push(await undoDeployment(cluster, snap, options));
      } else {
        const current = await cluster.read(snap.ref);
        if (current && comparable(current).join('\n') === comparable(snap.before).join('\n')) {
          done.push(`${name}: unchanged`);
          continue;
        }
        await cluster.replace(restorable(snap.before, current));
        done.push(`${name}: restored`);
      }
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const line of done) options.logger.info(`rollback: ${line}`);
  if (failures.length > 0) {
    throw new DeployError(
      'failed',
      'rollback-failed',
      `rollback incomplete: ${failures.join('; ')}`,
      'restore these objects by hand (kubectl rollout undo / kubectl apply of the previous manifests)',
    );
  }
  return done;
}
