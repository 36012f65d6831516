import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  loadKubeConfig,
  readRecord,
  recordSelector,
  refOf
} from "./chunk-RMOHXDDH.js";
import "./chunk-TYF5U52R.js";
import {
  deletedDrift,
  objectDrift,
  podImageDrift,
  replicaRangeDrift
} from "./chunk-WHQ2FI6V.js";
import {
  matchLabelsOf,
  selectorString
} from "./chunk-NPMHQBIR.js";
import {
  KubeCluster,
  collectionPath,
  displayName
} from "./chunk-HHEFGIJB.js";
import "./chunk-T7SLIWTS.js";
import "./chunk-VUSZPZLG.js";
import "./chunk-7PSXYHQK.js";
import "./chunk-VHMCSZIG.js";
import "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";

// src/deploy/drift-check.ts
function driftTargets(pools) {
  const seen = /* @__PURE__ */ new Map();
  for (const pool of pools) {
    const targets = pool.clusters?.map((c) => ({
      context: c.context,
      namespace: c.namespace ?? pool.namespace
    })) ?? [{ ...pool.context !== void 0 ? { context: pool.context } : {}, namespace: pool.namespace }];
    for (const target of targets) seen.set(`${target.context ?? ""}\0${target.namespace}`, target);
  }
  return [...seen.values()];
}
async function checkDrift(input) {
  const results = [];
  for (const target of input.targets) {
    const kc = loadKubeConfig({
      ...input.kubeconfig !== void 0 ? { kubeconfig: input.kubeconfig } : {},
      ...target.context !== void 0 ? { context: target.context } : {},
      ...input.env ? { env: input.env } : {}
    });
    const cluster = new KubeCluster(kc);
    const { items } = await cluster.list(collectionPath("v1", "ConfigMap", target.namespace), {
      labelSelector: recordSelector(input.environment)
    });
    for (const item of items) {
      const record = readRecord(item);
      if (typeof record === "string") {
        input.logger.warn(`${cluster.name}/${target.namespace}: ${record}; not checked`);
        results.push(unreadable(cluster.name, target.namespace, item, record));
        continue;
      }
      if (record.environment !== input.environment) continue;
      if (input.model !== void 0 && record.model !== input.model) continue;
      input.logger.info(
        `${cluster.name}/${target.namespace}: ${record.model} v${record.version} (promotion ${record.promotionId}, ${record.objects.length} object(s))`
      );
      const findings = [];
      for (const object of record.objects)
        findings.push(...await objectFindings(cluster, object, record.objects, record.imageDigest));
      results.push({
        cluster: cluster.name,
        namespace: target.namespace,
        model: record.model,
        version: record.version,
        promotionId: record.promotionId,
        appliedAt: record.appliedAt,
        imageDigest: record.imageDigest,
        objects: record.objects.map(displayName),
        findings
      });
    }
  }
  return results;
}
function unreadable(cluster, namespace, item, reason) {
  const a = item.metadata.annotations ?? {};
  return {
    cluster,
    namespace,
    model: a["model-promote.dev/model"] ?? item.metadata.name,
    version: a["model-promote.dev/version"] ?? "",
    promotionId: a["model-promote.dev/promotion-id"] ?? "",
    appliedAt: a["model-promote.dev/applied-at"] ?? "",
    imageDigest: a["model-promote.dev/image-digest"] ?? "",
    objects: [],
    findings: [
      {
        kind: "record",
        object: displayName(item),
        field: "data",
        expected: "the applied objects",
        live: reason
      }
    ]
  };
}
function autoscalerOf(deployment, applied) {
  return applied.find((o) => {
    const ref = o.spec?.scaleTargetRef;
    return o.kind === "HorizontalPodAutoscaler" && ref?.kind === "Deployment" && ref.name === deployment.metadata?.name;
  });
}
async function objectFindings(cluster, object, applied, imageDigest) {
  const name = displayName(object);
  const live = await cluster.read(refOf(object));
  if (!live) return [deletedDrift(name)];
  let config = object;
  const findings = [];
  const hpa = object.kind === "Deployment" ? autoscalerOf(object, applied) : void 0;
  if (hpa) {
    const replicas = live.spec?.replicas;
    config = structuredClone(object);
    if (replicas !== void 0) config.spec.replicas = replicas;
    const range = { min: hpa.spec?.minReplicas ?? 1, max: hpa.spec?.maxReplicas ?? 1 };
    const managed = live.metadata.managedFields ?? [];
    const outside = replicaRangeDrift(name, replicas, range, managed);
    if (outside) findings.push(outside);
  }
  const planned = await cluster.apply(config, { dryRun: true, force: true });
  findings.push(...objectDrift(name, live, planned));
  if (object.kind === "Deployment") findings.push(...await podFindings(cluster, live, object, imageDigest));
  return findings;
}
async function podFindings(cluster, live, applied, digest) {
  const template = applied.spec?.template?.spec;
  const containers = (template?.containers ?? []).map((c) => c.name ?? "").filter(Boolean);
  const { items } = await cluster.list(collectionPath("v1", "Pod", live.metadata.namespace), {
    labelSelector: selectorString(matchLabelsOf(live))
  });
  const running = items.filter((pod) => !pod.metadata.deletionTimestamp);
  return podImageDrift(running, containers, digest);
}
export {
  checkDrift,
  driftTargets
};
