/**
 * Server-side apply under the field manager `model-promote`. `force` is sent only when the user
 * asks, with one deliberate exception: fields held by our own rollback manager.
 *
 * Why: a rollback restores the previous Deployment with a JSON patch (kubectl's `rollout undo`) or
 * a PUT of a snapshot: non-apply writes. The API server records them as an `Update` by their
 * manager, and a later apply by `model-promote` conflicts with them (managers are told apart by
 * name and operation). Rollbacks therefore write under their own name, `model-promote-rollback`,
 * and when an apply conflicts with that manager ONLY, we re-apply with force: those fields are
 * ours, handed back. A conflict naming any other manager (an operator, kubectl, an HPA owner...)
 * fails with the managers and fields named, unless the user gave `force`.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../logger.js';
import { DeployError, statusOf } from './cluster-error.js';
import { displayName, ROLLBACK_MANAGER, type KubeCluster, type LiveObject } from './cluster.js';

export interface ApplyObjectOptions {
  readonly force: boolean;
  readonly dryRun?: boolean;
  readonly logger: Logger;
}

/** The managers named by a 409 apply conflict (`conflict with "kubectl" using apps/v1`). */
export function conflictManagers(error: unknown): string[] {
  const status = statusOf(error instanceof DeployError ? error.cause : error);
  const texts = [...(status?.details?.causes ?? []).map((c) => c.message ?? ''), status?.message ?? ''];
  const managers = new Set<string>();
  for (const text of texts)
    for (const m of text.matchAll(/conflicts? with "([^"]+)"/g)) managers.add(m[1] ?? '');
  managers.delete('');
  return [...managers];
}

export async function applyObject(
  cluster: KubeCluster,
  object: KubernetesObject,
  options: ApplyObjectOptions,
): Promise<LiveObject> {
  try {
    return await cluster.apply(object, { force: options.force, dryRun: options.dryRun ?? false });
  } catch (error) {
    if (!(error instanceof DeployError) || error.code !== 'apply-conflict') throw error;
    const managers = conflictManagers(error);
    if (managers.length > 0 && managers.every((m) => m === ROLLBACK_MANAGER)) {
      options.logger.info(
        `${displayName(object)}: taking back fields from our own earlier rollback (${ROLLBACK_MANAGER})`,
      );
      return cluster.apply(object, { force: true, dryRun: options.dryRun ?? false });
    }
    throw new DeployError(
      error.kind,
      error.code,
      `${error.message}${managers.length ? ` (field managers: ${managers.join(', ')})` : ''}`,
      error.hint,
      { cause: error.cause },
    );
  }
}
