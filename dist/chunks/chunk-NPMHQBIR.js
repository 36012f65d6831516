import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  collectionPath,
  imageIdHasDigest
} from "./chunk-HHEFGIJB.js";
import {
  DeployError
} from "./chunk-T7SLIWTS.js";

// src/deploy/verify.ts
var REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
var HASH_LABEL = "pod-template-hash";
function ownedBy(object, owner) {
  return (object.metadata.ownerReferences ?? []).some(
    (ref) => ref.controller && ref.uid === owner.metadata.uid
  );
}
function selectorString(labels) {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");
}
function matchLabelsOf(d) {
  return d.spec?.selector?.matchLabels ?? {};
}
async function replicaSetsOf(cluster, deployment) {
  const { items } = await cluster.list(
    collectionPath("apps/v1", "ReplicaSet", deployment.metadata.namespace),
    {
      labelSelector: selectorString(matchLabelsOf(deployment))
    }
  );
  const revision = (rs) => Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
  return items.filter((rs) => ownedBy(rs, deployment)).sort((a, b) => revision(a) - revision(b));
}
async function newPods(cluster, deployment) {
  const revision = deployment.metadata.annotations?.[REVISION_ANNOTATION];
  const sets = await replicaSetsOf(cluster, deployment);
  const replicaSet = sets.find((rs) => rs.metadata.annotations?.[REVISION_ANNOTATION] === revision) ?? sets.at(-1);
  const hash = replicaSet?.metadata.labels?.[HASH_LABEL];
  if (!replicaSet || !hash) return { pods: [] };
  const { items } = await cluster.list(collectionPath("v1", "Pod", deployment.metadata.namespace), {
    labelSelector: selectorString({ ...matchLabelsOf(deployment), [HASH_LABEL]: hash })
  });
  return { replicaSet, pods: items.filter((pod) => ownedBy(pod, replicaSet)) };
}
function wrongDigests(pods, image, digest) {
  const wrong = [];
  for (const pod of pods) {
    const names = new Set((pod.spec?.containers ?? []).filter((c) => c.image === image).map((c) => c.name));
    for (const status of pod.status?.containerStatuses ?? []) {
      if (!names.has(status.name)) continue;
      if (!imageIdHasDigest(status.imageID, digest)) {
        wrong.push(
          `pod ${pod.metadata?.name ?? ""} container ${status.name ?? ""} runs ${status.imageID || "no image yet"}, not ${digest}`
        );
      }
    }
  }
  return wrong;
}
async function verifyPodDigests(cluster, deployment, image, digest) {
  const { pods } = await newPods(cluster, deployment);
  const desired = deployment.spec?.replicas ?? 1;
  if (pods.length < desired) {
    throw new DeployError(
      "failed",
      "wrong-image",
      `deployment/${deployment.metadata.name}: ${pods.length} pods of the new ReplicaSet, expected ${desired}`
    );
  }
  const wrong = wrongDigests(pods, image, digest);
  if (wrong.length > 0) {
    throw new DeployError(
      "failed",
      "wrong-image",
      `deployment/${deployment.metadata.name}: ${wrong.join("; ")}`,
      "the node ran other bytes than those pushed: check registry mirrors and image rewriting admission webhooks"
    );
  }
  return pods;
}

export {
  REVISION_ANNOTATION,
  selectorString,
  matchLabelsOf,
  replicaSetsOf,
  newPods,
  verifyPodDigests
};
