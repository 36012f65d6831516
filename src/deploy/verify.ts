/**
 * After the rollout: every pod of the new ReplicaSet runs the pushed digest (its container status
 * `imageID`), read once from the API (the rollout is complete, so nothing is left to wait for).
 */
import { DeployError } from './cluster-error.js';
import { collectionPath, type KubeCluster, type LiveObject } from './cluster.js';
import { imageIdHasDigest, type PodView } from './rollout-status.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const HASH_LABEL = 'pod-template-hash';

export function ownedBy(object: LiveObject, owner: LiveObject): boolean {
  return (object.metadata.ownerReferences ?? []).some(
    (ref) => ref.controller && ref.uid === owner.metadata.uid,
  );
}

export function selectorString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function matchLabelsOf(d: LiveObject): Record<string, string> {
  return (
    (d.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels ??
    {}
  );
}

/** The Deployment's ReplicaSets, newest revision last. */
export async function replicaSetsOf(cluster: KubeCluster, deployment: LiveObject): Promise<LiveObject[]> {
  const { items } = await cluster.list(
    collectionPath('apps/v1', 'ReplicaSet', deployment.metadata.namespace),
    {
      labelSelector: selectorString(matchLabelsOf(deployment)),
    },
  );
  const revision = (rs: LiveObject) => Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
  return items.filter((rs) => ownedBy(rs, deployment)).sort((a, b) => revision(a) - revision(b));
}

/** The pods of the Deployment's current revision. */
export async function newPods(
  cluster: KubeCluster,
  deployment: LiveObject,
): Promise<{ replicaSet?: LiveObject; pods: LiveObject[] }> {
  const revision = deployment.metadata.annotations?.[REVISION_ANNOTATION];
  const sets = await replicaSetsOf(cluster, deployment);
  const replicaSet =
    sets.find((rs) => rs.metadata.annotations?.[REVISION_ANNOTATION] === revision) ?? sets.at(-1);
  const hash = replicaSet?.metadata.labels?.[HASH_LABEL];
  if (!replicaSet || !hash) return { pods: [] };
  const { items } = await cluster.list(collectionPath('v1', 'Pod', deployment.metadata.namespace), {
    labelSelector: selectorString({ ...matchLabelsOf(deployment), [HASH_LABEL]: hash }),
  });
  return { replicaSet, pods: items.filter((pod) => ownedBy(pod, replicaSet)) };
}

/** Pods whose container running `image` reports another digest (or none): one line each. */
export function wrongDigests(pods: readonly PodView[], image: string, digest: string): string[] {
  const wrong: string[] = [];
  for (const pod of pods) {
    const names = new Set((pod.spec?.containers ?? []).filter((c) => c.image === image).map((c) => c.name));
    for (const status of pod.status?.containerStatuses ?? []) {
      if (!names.has(status.name)) continue;
      if (!imageIdHasDigest(status.imageID, digest)) {
        wrong.push(
          `pod ${pod.metadata?.name ?? ''} container ${status.name ?? ''} runs ${status.imageID || 'no image yet'}, not ${digest}`,
        );
      }
    }
  }
  return wrong;
}

/** Throws DeployError wrong-image unless every new pod runs `digest`; returns the pods checked. */
export async function verifyPodDigests(
  cluster: KubeCluster,
  deployment: LiveObject,
  image: string,
  digest: string,
): Promise<LiveObject[]> {
  const { pods } = await newPods(cluster, deployment);
  const desired = (deployment.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  if (pods.length < desired) {
    throw new DeployError(
      'failed',
      'wrong-image',
      `deployment/${deployment.metadata.name}: ${pods.length} pods of the new ReplicaSet, expected ${desired}`,
    );
  }
  const wrong = wrongDigests(pods as PodView[], image, digest);
  if (wrong.length > 0) {
    throw new DeployError(
      'failed',
      'wrong-image',
      `deployment/${deployment.metadata.name}: ${wrong.join('; ')}`,
      'the node ran other bytes than those pushed: check registry mirrors and image rewriting admission webhooks',
    );
  }
  return pods;
}
