import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  KubeCluster,
  KubeConfig,
  applyObject,
  collectionPath,
  comparable,
  displayName,
  dryRunDiff
} from "./chunk-XCJCHHLU.js";
import {
  PREFIX,
  clusterSource,
  looksLikeContent,
  resourceName,
  withoutSource
} from "./chunk-OYXLGIY5.js";
import {
  DeployError,
  apiFailure,
  httpCodeOf
} from "./chunk-PJU7HQSL.js";

// src/deploy/access-check.ts
var RESOURCES = {
  ConfigMap: "configmaps",
  Service: "services",
  Deployment: "deployments",
  HorizontalPodAutoscaler: "horizontalpodautoscalers",
  InferenceService: "inferenceservices",
  Secret: "secrets",
  ServiceAccount: "serviceaccounts",
  PodDisruptionBudget: "poddisruptionbudgets",
  NetworkPolicy: "networkpolicies"
};
var groupOf = (apiVersion) => apiVersion?.includes("/") ? apiVersion.split("/")[0] ?? "" : "";
function requiredPermissions(objects, dryRun2) {
  const wanted = /* @__PURE__ */ new Map();
  const add = (group, resource, verbs, subresource) => {
    for (const verb of verbs) {
      const p = { verb, group, resource, ...subresource ? { subresource } : {} };
      wanted.set(`${verb} ${group}/${resource}/${subresource ?? ""}`, p);
    }
  };
  for (const object of objects) {
    const resource = RESOURCES[object.kind ?? ""];
    if (resource)
      add(
        groupOf(object.apiVersion),
        resource,
        dryRun2 ? ["get", "patch"] : ["get", "patch", "update", "delete"]
      );
  }
  if (dryRun2) return [...wanted.values()];
  const kinds = new Set(objects.map((o) => o.kind));
  add("coordination.k8s.io", "leases", ["get", "create", "update", "patch", "delete"]);
  add("", "pods", ["list", "watch"]);
  add("", "events", ["list"]);
  if (kinds.has("Deployment")) {
    add("apps", "deployments", ["list", "watch"]);
    add("apps", "replicasets", ["list", "watch"]);
    add("", "pods", ["get"], "log");
    if (kinds.has("Service")) add("", "services", ["get", "create"], "proxy");
  }
  if (kinds.has("InferenceService")) add("serving.kserve.io", "inferenceservices", ["list", "watch"]);
  return [...wanted.values()];
}
var describePermission = (p) => `${p.verb} ${p.resource}${p.subresource ? `/${p.subresource}` : ""}${p.group ? `.${p.group}` : ""}`;
async function whoAmI(cluster) {
  const res = await cluster.request(
    "POST",
    "/apis/authentication.k8s.io/v1/selfsubjectreviews",
    JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }),
    { "Content-Type": "application/json" }
  ).catch(() => void 0);
  if (res?.status !== 201 && res?.status !== 200) return void 0;
  return JSON.parse(res.body).status?.userInfo?.username;
}
async function checkAccess(cluster, namespace, permissions) {
  const denied = [];
  await Promise.all(
    permissions.map(async (p) => {
      const body = {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: {
          resourceAttributes: {
            namespace,
            verb: p.verb,
            group: p.group,
            resource: p.resource,
            ...p.subresource ? { subresource: p.subresource } : {}
          }
        }
      };
      const res = await cluster.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", JSON.stringify(body), {
        "Content-Type": "application/json"
      }).catch((error) => {
        throw apiFailure(error, {
          verb: "check access in",
          kind: "namespace",
          namespace,
          cluster: cluster.name
        });
      });
      if (res.status === 201 || res.status === 200) {
        if (!JSON.parse(res.body).status?.allowed) denied.push(p);
        return;
      }
      throw apiFailure(
        { code: res.status, body: res.body },
        { verb: "check access in", kind: "namespace", namespace, cluster: cluster.name }
      );
    })
  );
  if (denied.length === 0) return;
  const order = new Map(permissions.map((p, i) => [p, i]));
  denied.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  const user = await whoAmI(cluster);
  const list = denied.map(describePermission).join(", ");
  throw new DeployError(
    "failed",
    "forbidden",
    `${user ? `user "${user}"` : "the promoting identity"} may not ${list} in namespace ${namespace} (cluster ${cluster.name}); nothing was applied`,
    `grant ${list} in namespace ${namespace} (a Role and RoleBinding); docs/deploy.md lists every permission a promotion needs`
  );
}

// src/deploy/kubeconfig.ts
import { existsSync } from "node:fs";
function loadKubeConfig(input) {
  const env = input.env ?? process.env;
  const source = clusterSource(input.kubeconfig, env);
  const kc = new KubeConfig();
  try {
    switch (source) {
      case "input": {
        const text = input.kubeconfig ?? "";
        if (looksLikeContent(text)) kc.loadFromString(text);
        else if (existsSync(text.trim())) kc.loadFromFile(text.trim());
        else {
          throw new DeployError(
            "usage",
            "kubeconfig-invalid",
            "the kubeconfig input names no file that exists, and is not kubeconfig content",
            "pass the kubeconfig file path, or its content (YAML with apiVersion, clusters, users, contexts)"
          );
        }
        break;
      }
      case "KUBECONFIG": {
        const files = (env.KUBECONFIG ?? "").split(process.platform === "win32" ? ";" : ":").filter(Boolean);
        const missing = files.filter((file) => !existsSync(file));
        if (missing.length === files.length) {
          throw new DeployError(
            "usage",
            "kubeconfig-invalid",
            `KUBECONFIG names ${missing.join(", ")}, which does not exist`,
            "point KUBECONFIG at a kubeconfig file, or pass the kubeconfig input"
          );
        }
        kc.loadFromDefault({}, false);
        break;
      }
      case "in-cluster":
        kc.loadFromCluster();
        break;
      default:
        throw new DeployError(
          "usage",
          "no-cluster",
          "no cluster to deploy to: no kubeconfig input, no KUBECONFIG, and not running in a cluster",
          "pass the kubeconfig input (a path or the content, from a secret)"
        );
    }
  } catch (error) {
    if (error instanceof DeployError) throw error;
    throw new DeployError(
      "usage",
      "kubeconfig-invalid",
      `reading the kubeconfig (${source}): ${withoutSource(error)}`,
      "check that the kubeconfig is valid YAML with clusters, users and contexts"
      // The parser's error quotes the kubeconfig's text (tokens included): it is not kept as cause.
    );
  }
  if (input.context !== void 0) selectContext(kc, input.context);
  else if (!kc.getCurrentContext() || !kc.getContextObject(kc.getCurrentContext())) {
    throw new DeployError(
      "usage",
      "unknown-context",
      `the kubeconfig has no current context (contexts: ${contextNames(kc)})`,
      "set current-context in the kubeconfig, or the pool context in the catalog"
    );
  }
  return kc;
}
function contextNames(kc) {
  const names = kc.getContexts().map((c) => c.name);
  return names.length ? names.join(", ") : "none";
}
function selectContext(kc, context) {
  if (!kc.getContextObject(context)) {
    throw new DeployError(
      "usage",
      "unknown-context",
      `context "${context}" is not in the kubeconfig (contexts: ${contextNames(kc)})`,
      "set the pool context in the catalog to one of these, or pass a kubeconfig that has it"
    );
  }
  kc.setCurrentContext(context);
}

// src/deploy/cluster-watch.ts
function transient(error) {
  const code = httpCodeOf(error);
  return code === void 0 || code === 0 || code === 410 || code === 429 || code >= 500;
}
var BACKOFF_MS = [100, 200, 400, 800, 1600, 2e3];
function watchUntil(cluster, targets, check, options) {
  const caches = targets.map(() => /* @__PURE__ */ new Map());
  const controllers = targets.map(() => void 0);
  let listed = 0;
  let settled = false;
  let tick;
  let deadline;
  return new Promise((resolve, reject) => {
    const finish = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearInterval(tick);
      for (const controller of controllers) controller?.abort();
      if ("value" in outcome) resolve(outcome.value);
      else reject(outcome.error);
    };
    const evaluate = () => {
      if (settled || listed < targets.length) return;
      try {
        const value = check(caches);
        if (value !== void 0) finish({ value });
      } catch (error) {
        finish({ error });
      }
    };
    const failures = targets.map(() => 0);
    const run = async (index, from) => {
      const target = targets[index];
      const query = {
        ...target.labelSelector ? { labelSelector: target.labelSelector } : {},
        ...target.fieldSelector ? { fieldSelector: target.fieldSelector } : {}
      };
      let resourceVersion = from;
      const cache = caches[index];
      if (resourceVersion === void 0) {
        const list = await cluster.list(target.path, query);
        if (settled) return;
        cache.clear();
        for (const item of list.items) cache.set(item.metadata.name, item);
        resourceVersion = list.resourceVersion;
        if (!listedOnce[index]) {
          listedOnce[index] = true;
          listed++;
        }
        evaluate();
        if (settled) return;
      }
      let gone = false;
      let seen = resourceVersion;
      controllers[index] = await cluster.watch(
        target.path,
        { ...query, resourceVersion, allowWatchBookmarks: true },
        (type, object) => {
          failures[index] = 0;
          if (type === "ERROR") {
            gone ||= object?.code === 410;
            return;
          }
          if (object?.metadata?.resourceVersion) seen = object.metadata.resourceVersion;
          if (type === "BOOKMARK" || !object?.metadata?.name) return;
          if (type === "DELETED") cache.delete(object.metadata.name);
          else cache.set(object.metadata.name, object);
          evaluate();
        },
        (error) => {
          if (settled) return;
          if (gone || httpCodeOf(error) === 410) {
            options.onInterruption?.(
              `watch of ${target.path}: resourceVersion ${seen} is gone (410): listing again`
            );
            retry(index, void 0, 0);
          } else if (error) {
            retry(index, seen, void 0, error);
          } else {
            retry(index, seen, 0);
          }
        }
      );
      if (settled) controllers[index]?.abort();
    };
    const listedOnce = targets.map(() => false);
    const retry = (index, from, delayMs, error) => {
      if (settled) return;
      const attempt = failures[index] ?? 0;
      failures[index] = attempt + 1;
      if (error !== void 0) {
        if (!transient(error)) return finish({ error });
        if (attempt === 0) {
          const why = error instanceof Error ? error.message : String(error);
          options.onInterruption?.(
            `watch of ${targets[index].path} broke (${why.split("\n")[0]}): retrying`
          );
        }
      }
      const wait = delayMs ?? BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
      setTimeout(() => {
        run(index, from).catch((thrown) => retry(index, from, void 0, thrown));
      }, wait).unref();
    };
    deadline = setTimeout(() => finish({ error: options.onTimeout(caches) }), options.timeoutMs);
    if (options.tick) {
      const { everyMs, run: run2 } = options.tick;
      tick = setInterval(() => {
        if (!settled && listed === targets.length) run2(caches);
      }, everyMs);
    }
    targets.forEach((_, index) => {
      run(index, void 0).catch((error) => retry(index, void 0, void 0, error));
    });
  });
}

// src/deploy/rollout-status.ts
function deploymentRolloutState(d) {
  const name = d.metadata?.name ?? "";
  const generation = d.metadata?.generation ?? 0;
  const s = d.status ?? {};
  if (generation > (s.observedGeneration ?? 0)) {
    return { phase: "progressing", message: "Waiting for deployment spec update to be observed..." };
  }
  const progressing = s.conditions?.find((c) => c.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") {
    return { phase: "failed", message: `deployment "${name}" exceeded its progress deadline` };
  }
  const desired = d.spec?.replicas ?? 1;
  const updated = s.updatedReplicas ?? 0;
  const replicas = s.replicas ?? 0;
  const available = s.availableReplicas ?? 0;
  if (updated < desired) {
    return {
      phase: "progressing",
      message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated...`
    };
  }
  if (replicas > updated) {
    return {
      phase: "progressing",
      message: `Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...`
    };
  }
  if (available < updated) {
    return {
      phase: "progressing",
      message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`
    };
  }
  return { phase: "complete", message: `deployment "${name}" successfully rolled out` };
}
function progressLine(d) {
  const s = d.status ?? {};
  return `ready ${s.readyReplicas ?? 0}/${d.spec?.replicas ?? 1} (updated ${s.updatedReplicas ?? 0}, available ${s.availableReplicas ?? 0})`;
}
var FATAL_WAITING = /* @__PURE__ */ new Set([
  "CrashLoopBackOff",
  "ImagePullBackOff",
  "InvalidImageName",
  "ErrImageNeverPull",
  "CreateContainerConfigError"
]);
function fatalPodProblem(pods, image) {
  for (const pod of pods) {
    const runs = (pod.spec?.containers ?? []).some((c) => c.image === image);
    if (!runs) continue;
    for (const c of pod.status?.containerStatuses ?? []) {
      const waiting = c.state?.waiting;
      if (!waiting?.reason || !FATAL_WAITING.has(waiting.reason)) continue;
      const last = c.lastState?.terminated;
      const exit = last ? `; last exit code ${last.exitCode ?? "?"}${last.message ? `: ${last.message}` : ""}` : "";
      const restarts = c.restartCount ? `, ${c.restartCount} restarts` : "";
      return `pod ${pod.metadata?.name ?? ""} container ${c.name ?? ""}: ${waiting.reason}${restarts}${waiting.message ? ` (${waiting.message})` : ""}${exit}`;
    }
  }
  return void 0;
}
function unschedulablePod(pods) {
  for (const pod of pods) {
    const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
    if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
      return `pod ${pod.metadata?.name ?? ""} is not scheduled: ${scheduled.message ?? scheduled.reason}`;
    }
  }
  return void 0;
}
function inferenceServiceState(isvc) {
  const name = isvc.metadata?.name ?? "";
  const s = isvc.status ?? {};
  if ((isvc.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) {
    return { phase: "progressing", message: `Waiting for InferenceService "${name}" to observe its spec...` };
  }
  const ready = s.conditions?.find((c) => c.type === "Ready");
  if (ready?.status === "True") return { phase: "complete", message: `InferenceService "${name}" is Ready` };
  if (ready?.reason === "RevisionFailed") {
    return {
      phase: "failed",
      message: `InferenceService "${name}" failed: ${ready.message ?? ready.reason}`
    };
  }
  return {
    phase: "progressing",
    message: `Waiting for InferenceService "${name}" to be Ready${ready?.message ? `: ${ready.message}` : ""}`
  };
}
function imageIdHasDigest(imageID, digest) {
  return Boolean(imageID) && (imageID === digest || (imageID ?? "").endsWith(`@${digest}`));
}

// src/deploy/rollout-wait.ts
function selectorOf(d) {
  const labels = d.spec?.selector?.matchLabels ?? {};
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");
}
async function waitForDeployment(cluster, deployment, image, options) {
  const started = Date.now();
  const { name, namespace } = deployment.metadata;
  const generation = deployment.metadata.generation ?? 0;
  const label = `deployment/${name}`;
  let last = "";
  const current = (caches) => caches[0]?.get(name);
  const object = await watchUntil(
    cluster,
    [
      { path: collectionPath("apps/v1", "Deployment", namespace), fieldSelector: `metadata.name=${name}` },
      { path: collectionPath("v1", "Pod", namespace), labelSelector: selectorOf(deployment) }
    ],
    (caches) => {
      const d = current(caches);
      if (!d) throw new DeployError("failed", "rollout-failed", `${label} was deleted during the rollout`);
      if ((d.metadata.generation ?? 0) < generation) return void 0;
      const state = deploymentRolloutState(d);
      if (state.phase === "complete") return d;
      if (state.phase === "failed") {
        throw new DeployError(
          "failed",
          "rollout-failed",
          `${label}: ${state.message}`,
          "see the pod events and log tail"
        );
      }
      if (options.failFast !== false) {
        const problem = fatalPodProblem(caches[1]?.values(), image);
        if (problem)
          throw new DeployError(
            "failed",
            "rollout-failed",
            `${label}: ${problem}`,
            "see the pod events and log tail"
          );
      }
      return void 0;
    },
    {
      timeoutMs: options.timeoutMs,
      onInterruption: (message) => options.logger.warn(message),
      onTimeout: (caches) => {
        const d = current(caches);
        const pending = unschedulablePod(caches[1]?.values());
        return new DeployError(
          "failed",
          "rollout-failed",
          `${label}: not rolled out after ${Math.round(options.timeoutMs / 1e3)} s (${d ? `${progressLine(d)}; ${deploymentRolloutState(d).message}` : "not found"})${pending ? `; ${pending}` : ""}`,
          pending ? "no node can take the pods: check the pool's nodeSelector, tolerations and resources against the cluster's nodes (kubectl describe nodes)" : "raise rollout-timeout, or see the pod events and log tail for why pods are not ready"
        );
      },
      tick: {
        everyMs: options.progressEveryMs ?? 3e3,
        run: (caches) => {
          const d = current(caches);
          if (!d) return;
          const line = `${label}: ${progressLine(d)}`;
          const state = deploymentRolloutState(d);
          options.logger.info(line === last ? `${line}: ${state.message}` : line);
          last = line;
        }
      }
    }
  );
  const noticedAt = Date.now();
  options.logger.info(`${label}: ${progressLine(object)}: successfully rolled out`);
  return { object, noticedAt, seconds: (noticedAt - started) / 1e3 };
}
async function waitForInferenceService(cluster, isvc, options) {
  const started = Date.now();
  const { name, namespace } = isvc.metadata;
  const generation = isvc.metadata.generation ?? 0;
  const label = `inferenceservice/${name}`;
  const object = await watchUntil(
    cluster,
    [
      {
        path: collectionPath(isvc.apiVersion ?? "serving.kserve.io/v1beta1", "InferenceService", namespace),
        fieldSelector: `metadata.name=${name}`
      }
    ],
    (caches) => {
      const now = caches[0]?.get(name);
      if (!now) throw new DeployError("failed", "rollout-failed", `${label} was deleted during the rollout`);
      if ((now.metadata.generation ?? 0) < generation) return void 0;
      const state = inferenceServiceState(now);
      if (state.phase === "complete") return now;
      if (state.phase === "failed" && options.failFast !== false) {
        throw new DeployError("failed", "rollout-failed", `${label}: ${state.message}`);
      }
      return void 0;
    },
    {
      timeoutMs: options.timeoutMs,
      onInterruption: (message) => options.logger.warn(message),
      onTimeout: (caches) => {
        const now = caches[0]?.get(name);
        return new DeployError(
          "failed",
          "rollout-failed",
          `${label}: not Ready after ${Math.round(options.timeoutMs / 1e3)} s (${now ? inferenceServiceState(now).message : "not found"})`,
          "raise rollout-timeout, or see the InferenceService conditions (kubectl describe isvc)"
        );
      },
      tick: {
        everyMs: options.progressEveryMs ?? 3e3,
        run: (caches) => {
          const now = caches[0]?.get(name);
          if (now)
            options.logger.info(`${label}: ${inferenceServiceState(now).message}`);
        }
      }
    }
  );
  const noticedAt = Date.now();
  options.logger.info(`${label}: Ready`);
  return { object, noticedAt, seconds: (noticedAt - started) / 1e3 };
}

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

// src/deploy/rollback.ts
var HASH_LABEL2 = "pod-template-hash";
var ANNOTATIONS_TO_SKIP = /* @__PURE__ */ new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION_ANNOTATION,
  "deployment.kubernetes.io/revision-history",
  "deployment.kubernetes.io/desired-replicas",
  "deployment.kubernetes.io/max-replicas",
  "deprecated.deployment.rollback.to"
]);
function refOf(o) {
  return {
    apiVersion: o.apiVersion ?? "",
    kind: o.kind ?? "",
    metadata: {
      name: o.metadata?.name ?? "",
      ...o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}
    }
  };
}
function sortedJson(value) {
  const sort = (v) => Array.isArray(v) ? v.map(sort) : v && typeof v === "object" ? Object.fromEntries(
    Object.keys(v).sort().map((k) => [k, sort(v[k])])
  ) : v;
  return JSON.stringify(sort(value));
}
function equalIgnoreHash(a, b) {
  const strip = (t) => {
    const copy = structuredClone(t ?? {});
    if (copy.metadata?.labels) delete copy.metadata.labels[HASH_LABEL2];
    return sortedJson(copy);
  };
  return strip(a) === strip(b);
}
function undoPatch(current, rs, labels) {
  const template = structuredClone(rs.spec.template ?? {});
  if (template.metadata?.labels) delete template.metadata.labels[HASH_LABEL2];
  const annotations = {};
  for (const [k, v] of Object.entries(current.metadata.annotations ?? {}))
    if (ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {}))
    if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  return [
    { op: "replace", path: "/spec/template", value: template },
    { op: "replace", path: "/metadata/annotations", value: annotations },
    ...labels ? [{ op: "replace", path: "/metadata/labels", value: labels }] : []
  ];
}
function imageOf(d) {
  const spec = d?.spec?.template?.spec ?? d?.spec;
  return spec?.containers?.[0]?.image ?? "";
}
async function undoDeployment(cluster, snap, options) {
  const before = snap.before;
  const current = await cluster.read(snap.ref);
  const name = displayName(snap.ref);
  if (!current)
    throw new DeployError("failed", "rollback-failed", `${name} was deleted during the promotion`);
  if (current.spec.paused) {
    throw new DeployError(
      "failed",
      "rollback-failed",
      `${name}: you cannot rollback a paused deployment; resume it first`
    );
  }
  const toRevision = before.metadata.annotations?.[REVISION_ANNOTATION];
  const sets = await replicaSetsOf(cluster, current);
  const revisions = sets.map((rs) => rs.metadata.annotations?.[REVISION_ANNOTATION]);
  const target = sets.find((rs) => toRevision && rs.metadata.annotations?.[REVISION_ANNOTATION] === toRevision) ?? (sets.length >= 2 ? sets[sets.length - 2] : void 0);
  const currentTemplate = current.spec.template;
  let patched;
  if (!target) {
    options.logger.warn(
      `${name}: no ReplicaSet of revision ${toRevision ?? "?"} (revisions ${revisions.join(", ")}): restoring the snapshot`
    );
    patched = await cluster.replace(restorable(before, current));
  } else if (equalIgnoreHash(target.spec.template, currentTemplate)) {
    options.logger.info(
      `${name}: skipped rollback (current template already matches revision ${toRevision})`
    );
    patched = current;
  } else {
    patched = await cluster.jsonPatch(snap.ref, undoPatch(current, target, before.metadata.labels ?? {}));
    options.logger.info(
      `${name}: rolled back to revision ${target.metadata.annotations?.[REVISION_ANNOTATION]}`
    );
  }
  await waitForDeployment(cluster, patched, imageOf(patched), {
    timeoutMs: options.timeoutMs,
    logger: options.logger,
    failFast: true
  });
  return `${name}: back at revision ${toRevision ?? "?"} (${before.metadata.annotations?.["model-promote.dev/version"] ? `v${before.metadata.annotations["model-promote.dev/version"]}` : imageOf(before)})`;
}
function restorable(before, current) {
  const copy = structuredClone(before);
  delete copy.status;
  const meta = copy.metadata;
  for (const key of ["managedFields", "creationTimestamp", "generation", "uid"]) delete meta[key];
  if (current) meta.resourceVersion = current.metadata.resourceVersion;
  else delete meta.resourceVersion;
  return copy;
}
async function waitPodsGone(cluster, before, options) {
  const ns = before.metadata.namespace;
  await watchUntil(
    cluster,
    [{ path: collectionPath("v1", "Pod", ns), labelSelector: selectorString(matchLabelsOf(before)) }],
    (caches) => caches[0]?.size === 0 ? true : void 0,
    { timeoutMs: Math.min(options.timeoutMs, 6e4), onTimeout: () => new Error("pods still terminating") }
  ).catch(
    (error) => options.logger.warn(`deployment/${before.metadata.name}: ${error.message}`)
  );
}
async function rollback(cluster, applied, options) {
  const done = [];
  const failures = [];
  for (const snap of [...applied].reverse()) {
    const name = displayName(snap.ref);
    try {
      if (!snap.before) {
        const live = await cluster.read(snap.ref);
        await cluster.delete(snap.ref);
        if (live && snap.ref.kind === "Deployment") await waitPodsGone(cluster, live, options);
        done.push(`${name}: deleted (it was new)`);
      } else if (snap.ref.kind === "Deployment" && snap.ref.apiVersion === "apps/v1") {
        done.push(await undoDeployment(cluster, snap, options));
      } else {
        const current = await cluster.read(snap.ref);
        if (current && comparable(current).join("\n") === comparable(snap.before).join("\n")) {
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
      "failed",
      "rollback-failed",
      `rollback incomplete: ${failures.join("; ")}`,
      "restore these objects by hand (kubectl rollout undo / kubectl apply of the previous manifests)"
    );
  }
  return done;
}

// src/deploy/rollout-evidence.ts
function eventLine(e) {
  const ev = e;
  const count = ev.count && ev.count > 1 ? ` (x${ev.count})` : "";
  return `${ev.type ?? ""} ${ev.reason ?? ""} ${ev.involvedObject?.kind ?? ""}/${ev.involvedObject?.name ?? ""}: ${ev.message ?? ""}${count}`.trim();
}
async function collectEvidence(cluster, namespace, pods, related = [], options = {}) {
  const chosen = pods.slice(0, options.maxPods ?? 3);
  const names = /* @__PURE__ */ new Set([...chosen.map((p) => p.metadata.name), ...related]);
  let events = [];
  try {
    const { items } = await cluster.list(collectionPath("v1", "Event", namespace));
    const relevant = items.filter(
      (e) => names.has(e.involvedObject?.name ?? "")
    );
    const warning = (e) => e.type === "Warning" ? 0 : 1;
    events = relevant.sort((a, b) => warning(a) - warning(b)).slice(0, options.maxEvents ?? 12).map(eventLine);
  } catch (error) {
    events = [`(events unavailable: ${error instanceof Error ? error.message : String(error)})`];
  }
  const logTail = [];
  for (const pod of chosen) {
    const tail = await cluster.logTail(namespace, pod.metadata.name, options.logLines ?? 10);
    for (const line of tail.split("\n").filter(Boolean)) logTail.push(`${pod.metadata.name}: ${line}`);
  }
  return { events, logTail };
}
function unreadyFirst(pods) {
  const ready = (p) => (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
  return [...pods].sort((a, b) => Number(ready(a)) - Number(ready(b)));
}

// src/deploy/smoke.ts
function serviceProxyTransport(cluster, target) {
  const base = `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/services/${encodeURIComponent(target.service)}:${encodeURIComponent(target.port ?? "http")}/proxy`;
  return (method, path, body) => cluster.request(
    method,
    `${base}${path}`,
    body,
    body === void 0 ? {} : { "Content-Type": "application/json" },
    15e3
  );
}
function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(p / 100 * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}
function sloBreaches(p50Ms, p95Ms, slo) {
  const out = [];
  if (slo?.p50Ms !== void 0 && p50Ms > slo.p50Ms) out.push(`p50 ${p50Ms.toFixed(1)} ms > ${slo.p50Ms} ms`);
  if (slo?.p95Ms !== void 0 && p95Ms > slo.p95Ms) out.push(`p95 ${p95Ms.toFixed(1)} ms > ${slo.p95Ms} ms`);
  return out;
}
function fail(code, message, hint, cause) {
  return new DeployError("failed", code, message, hint, cause === void 0 ? void 0 : { cause });
}
async function call(transport, method, path, body) {
  try {
    return await transport(method, path, body);
  } catch (error) {
    throw fail(
      "smoke-failed",
      `smoke ${method} ${path}: ${error instanceof Error ? error.message : String(error)}`,
      void 0,
      error
    );
  }
}
async function firstHealth(transport, path, attempts = 5) {
  let last;
  for (let i = 0; i < attempts; i++) {
    last = await call(transport, "GET", path);
    if (last.status >= 200 && last.status < 300) return last;
    if (last.status !== 503 && last.status !== 502) break;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return last;
}
async function smokeTest(transport, target) {
  const health = await firstHealth(transport, target.healthPath);
  if (health.status < 200 || health.status >= 300) {
    throw fail(
      "smoke-failed",
      `smoke GET ${target.healthPath} via service ${target.namespace}/${target.service}: HTTP ${health.status} ${health.body.slice(0, 200)}`,
      "the pods are ready but the service does not answer its health path: check serving.healthPath and the Service ports"
    );
  }
  const body = target.inputExample === void 0 ? void 0 : JSON.stringify(target.inputExample);
  let reply;
  if (body !== void 0) {
    const answer = await call(transport, "POST", target.inferencePath, body);
    if (answer.status < 200 || answer.status >= 300) {
      throw fail(
        "smoke-failed",
        `smoke POST ${target.inferencePath} with the model's input example: HTTP ${answer.status} ${answer.body.slice(0, 200)}`,
        "the model server refused its own input example: check serving.inferencePath and the model files"
      );
    }
    try {
      reply = JSON.parse(answer.body);
    } catch {
      reply = answer.body;
    }
  }
  const count = target.requests ?? 20;
  const times = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const answer = body === void 0 ? await call(transport, "GET", target.healthPath) : await call(transport, "POST", target.inferencePath, body);
    times.push(performance.now() - started);
    if (answer.status < 200 || answer.status >= 300) {
      throw fail(
        "smoke-failed",
        `smoke request ${i + 1}/${count}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`
      );
    }
  }
  times.sort((a, b) => a - b);
  const p50Ms = Math.round(percentile(times, 50) * 10) / 10;
  const p95Ms = Math.round(percentile(times, 95) * 10) / 10;
  const breaches = sloBreaches(p50Ms, p95Ms, target.slo);
  if (breaches.length > 0) {
    throw fail(
      "slo-breached",
      `latency over ${count} requests breaks the pool's SLO: ${breaches.join(", ")}`,
      "the new version is slower than the pool allows: profile it, or change serving.latencySLO in the catalog"
    );
  }
  return {
    healthStatus: health.status,
    ...reply !== void 0 ? { reply } : {},
    p50Ms,
    p95Ms,
    requests: count
  };
}

// src/deploy/cluster-deploy.ts
var VERSION_ANNOTATION = `${PREFIX}/version`;
function withReplicas(object, replicas) {
  const copy = structuredClone(object);
  if (copy.spec && replicas !== void 0) copy.spec.replicas = replicas;
  return copy;
}
var ClusterDeploy = class {
  constructor(target, input, lease) {
    this.target = target;
    this.input = input;
    this.lease = lease;
    this.cluster = target.cluster;
    this.logger = input.logger;
    this.timeoutMs = input.timeouts.rolloutSeconds * 1e3;
    this.later = target.objects.filter((o) => o.kind === "HorizontalPodAutoscaler");
    this.first = target.objects.filter((o) => o.kind !== "HorizontalPodAutoscaler");
  }
  target;
  input;
  lease;
  snapshots = [];
  applied = [];
  previousVersion;
  workload;
  cluster;
  logger;
  timeoutMs;
  /** The HPA, applied with the user's manifests once the rollout is verified (step 5 above). */
  later;
  first;
  /** Stops here once the Lease is someone else's: what this promotion would do next may undo theirs. */
  checkLease(where) {
    if (!this.lease.lost) return;
    throw new DeployError(
      "failed",
      "lease-lost",
      `${this.lease.lost}: stopped ${where}`,
      "another promotion is deploying this model here now: let it finish, then check which version runs and promote again"
    );
  }
  async apply(object) {
    this.checkLease(`before applying ${displayName(object)}`);
    const before = await this.cluster.read(refOf(object));
    this.snapshots.push({ ref: refOf(object), ...before ? { before } : {} });
    const live = await applyObject(this.cluster, object, { force: this.input.force, logger: this.logger });
    this.applied.push(displayName(object));
    this.logger.info(`applied ${displayName(object)}${before ? "" : " (created)"}`);
    return live;
  }
  /** The ConfigMap, the workload (Deployment or InferenceService) and the Service, in render order. */
  async applyWorkload() {
    for (const object of this.first) {
      let toApply = object;
      if (object.kind === "Deployment" || object.kind === "InferenceService") {
        const live2 = await this.cluster.read(refOf(object));
        this.previousVersion = live2?.metadata.annotations?.[VERSION_ANNOTATION];
        const hpa = this.later[0] && live2 ? await this.cluster.read(refOf(this.later[0])) : void 0;
        if (object.kind === "Deployment" && hpa && live2)
          toApply = withReplicas(object, live2.spec?.replicas);
      }
      const live = await this.apply(toApply);
      if (object.kind === "Deployment" || object.kind === "InferenceService") this.workload = live;
    }
    const { model } = this.input;
    this.logger.info(
      `${model.name}: ${this.previousVersion ? `v${this.previousVersion} -> ` : ""}v${model.version} in ${this.cluster.name}/${this.target.namespace}`
    );
  }
  /** Waits for the rollout; for a Deployment, then checks the pods' digest and runs the smoke test. */
  async awaitRollout() {
    const { input, cluster, logger } = this;
    const wait = {
      timeoutMs: this.timeoutMs,
      logger,
      ...input.progressEveryMs ? { progressEveryMs: input.progressEveryMs } : {}
    };
    if (this.workload?.kind === "Deployment") {
      const done = await waitForDeployment(cluster, this.workload, input.image.reference, wait);
      this.workload = done.object;
      const pods = await verifyPodDigests(cluster, this.workload, input.image.reference, input.image.digest);
      logger.info(`verified: ${pods.length} pod(s) of the new ReplicaSet run ${input.image.digest}`);
      const smoke = await this.smoke();
      return { seconds: done.seconds, noticedAt: done.noticedAt, ...smoke ? { smoke } : {} };
    }
    if (this.workload) {
      const done = await waitForInferenceService(cluster, this.workload, wait);
      logger.info(
        "smoke: skipped for the kserve form (KServe owns the predictor Service; see docs/deploy.md)"
      );
      return { seconds: done.seconds, noticedAt: done.noticedAt };
    }
    return { seconds: 0 };
  }
  /** A smoke request and timed requests through the Service's proxy; none without a Service. */
  async smoke() {
    const { input, cluster } = this;
    const { serving } = input.pool;
    const service = this.target.objects.find((o) => o.kind === "Service");
    if (!service?.metadata?.name) return void 0;
    const target = {
      namespace: this.target.namespace,
      service: service.metadata.name,
      healthPath: serving.healthPath,
      inferencePath: serving.inferencePath,
      ...input.inputExample !== void 0 ? { inputExample: input.inputExample } : {},
      ...serving.latencySLO ? { slo: serving.latencySLO } : {},
      ...input.smokeRequests !== void 0 ? { requests: input.smokeRequests } : {}
    };
    const smoke = await smokeTest(input.smokeTransport ?? serviceProxyTransport(cluster, target), target);
    this.logger.info(
      `smoke: ${smoke.requests} requests, p50 ${smoke.p50Ms} ms, p95 ${smoke.p95Ms} ms; reply ${JSON.stringify(smoke.reply)}`
    );
    return smoke;
  }
  /** The HPA and the user's manifests, once the new version is verified. */
  async applyAfterRollout() {
    for (const object of [...this.later, ...this.target.userObjects]) await this.apply(object);
    this.checkLease("after the rollout, before reporting it");
  }
  base() {
    return {
      cluster: this.cluster.name,
      namespace: this.target.namespace,
      version: this.input.model.version,
      ...this.previousVersion !== void 0 ? { previousVersion: this.previousVersion } : {}
    };
  }
  succeeded({ seconds, noticedAt, smoke }) {
    const result = {
      ...this.base(),
      rollout: { seconds },
      rolloutSeconds: seconds,
      ...smoke ? { smoke: { p50Ms: smoke.p50Ms, p95Ms: smoke.p95Ms, requests: smoke.requests } } : {},
      ...smoke?.reply !== void 0 ? { smokeReply: smoke.reply } : {},
      applied: this.applied,
      rolledBack: false,
      ...noticedAt !== void 0 ? { noticedAt } : {}
    };
    return {
      result,
      rollback: (reason) => restore(this.cluster, this.snapshots, reason, this.timeoutMs, this.logger),
      release: () => this.lease.release()
    };
  }
  /**
   * After a failure: the pods' evidence, the rollback (unless another promotion holds the Lease),
   * and the DeployError to throw, carrying the record entry and what was restored.
   */
  async failed(thrown) {
    const { cluster, logger, snapshots } = this;
    const error = thrown instanceof DeployError ? thrown : apiFailure(thrown, { verb: "deploy", kind: "objects", cluster: cluster.name });
    const evidence = await failureEvidence(cluster, this.target.namespace, this.workload);
    let restored = [];
    let rollbackError;
    const lost = this.lease.lost;
    const rollBack = snapshots.length > 0 && !lost;
    if (rollBack) {
      logger.warn(`deploy failed: ${error.message}; rolling back`);
      for (const line of evidence.events) logger.info(`  event: ${line}`);
      for (const line of evidence.logTail) logger.info(`  log: ${line}`);
      restored = await restore(cluster, snapshots, error.message, this.timeoutMs, logger).catch(
        (e) => {
          rollbackError = e instanceof DeployError ? e : apiFailure(e, { verb: "rollback", kind: "objects", cluster: cluster.name });
          return [];
        }
      );
    }
    const back = lost ? "; not rolled back: another promotion holds the Lease now" : snapshots.length === 0 ? "" : this.previousVersion ? `; rolled back to v${this.previousVersion}` : "; removed what it created";
    const report = {
      ...this.base(),
      applied: this.applied,
      rolledBack: rollBack && !rollbackError,
      reason: error.message,
      evidence
    };
    const failed = rollbackError ? new DeployError(
      "failed",
      "rollback-failed",
      `${error.message}; and ${rollbackError.message}`,
      rollbackError.hint,
      {
        cause: error,
        evidence
      }
    ) : new DeployError(error.kind, error.code, `${error.message}${back}`, error.hint, {
      cause: error.cause ?? error,
      evidence
    });
    return Object.assign(failed, { report, restored });
  }
};
async function restore(cluster, snapshots, reason, timeoutMs, logger) {
  logger.info(`rolling back ${cluster.name}: ${reason}`);
  return rollback(cluster, snapshots, { logger, timeoutMs });
}
async function failureEvidence(cluster, namespace, workload) {
  if (!workload || workload.kind !== "Deployment") {
    return workload ? collectEvidence(cluster, namespace, [], [workload.metadata.name]) : { events: [], logTail: [] };
  }
  const current = await cluster.read(refOf(workload)).catch(() => void 0) ?? workload;
  const { pods } = await newPods(cluster, current).catch(() => ({ pods: [] }));
  return collectEvidence(cluster, namespace, unreadyFirst(pods), [workload.metadata.name]);
}

// src/deploy/lease.ts
function leaseName(model) {
  return resourceName(`model-promote-${model}`, "lock");
}
function microTime(ms) {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}
function expiresAt(lease) {
  const renewed = Date.parse(lease.spec?.renewTime ?? lease.spec?.acquireTime ?? "");
  if (Number.isNaN(renewed)) return 0;
  return renewed + (lease.spec?.leaseDurationSeconds ?? 0) * 1e3;
}
function parse(res) {
  return JSON.parse(res.body);
}
async function acquireLease(cluster, options) {
  const name = leaseName(options.model);
  const { namespace, holder, logger } = options;
  const seconds = options.leaseSeconds ?? 60;
  const path = collectionPath("coordination.k8s.io/v1", "Lease", namespace);
  const action = (verb) => ({ verb, kind: "Lease", name, namespace, cluster: cluster.name });
  const body = (transitions, resourceVersion, acquired) => JSON.stringify({
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      name,
      namespace,
      ...resourceVersion ? { resourceVersion } : {},
      labels: { "app.kubernetes.io/managed-by": "model-promote" },
      annotations: { "model-promote.dev/model": options.model, ...options.annotations }
    },
    spec: {
      holderIdentity: holder,
      leaseDurationSeconds: seconds,
      acquireTime: acquired ?? microTime(Date.now()),
      renewTime: microTime(Date.now()),
      leaseTransitions: transitions
    }
  });
  const send = async (verb, method, url, payload) => {
    const type = method === "PATCH" ? "application/merge-patch+json" : "application/json";
    try {
      return await cluster.request(method, url, payload, payload ? { "Content-Type": type } : {});
    } catch (error) {
      throw apiFailure(error, action(verb));
    }
  };
  const deadline = Date.now() + options.waitMs;
  let announced = false;
  for (; ; ) {
    const created = await send("create", "POST", path, body(0));
    let lease;
    if (created.status === 201 || created.status === 200) lease = parse(created);
    else if (created.status !== 409)
      throw apiFailure({ code: created.status, body: created.body }, action("create"));
    if (!lease) {
      const got = await send("get", "GET", `${path}/${name}`);
      if (got.status === 404) continue;
      if (got.status !== 200) throw apiFailure({ code: got.status, body: got.body }, action("get"));
      const current = parse(got);
      const other = current.spec?.holderIdentity;
      if (!other || other === holder || expiresAt(current) < Date.now()) {
        if (other && other !== holder)
          logger.warn(`lease ${namespace}/${name}: taking over the expired lease of ${other}`);
        const taken = await send(
          "update",
          "PUT",
          `${path}/${name}`,
          body(
            (current.spec?.leaseTransitions ?? 0) + (other === holder ? 0 : 1),
            current.metadata.resourceVersion
          )
        );
        if (taken.status === 409) continue;
        if (taken.status !== 200)
          throw apiFailure({ code: taken.status, body: taken.body }, action("update"));
        lease = parse(taken);
      } else {
        const remaining = deadline - Date.now();
        const describe = `lease ${namespace}/${name} is held by promotion ${other} (renewed ${current.spec?.renewTime ?? "?"}, expires ${new Date(expiresAt(current)).toISOString()})`;
        if (remaining <= 0) {
          throw new DeployError(
            "failed",
            "lease-held",
            `another promotion of ${options.model} is running: ${describe}`,
            `wait for promotion ${other} to finish (or, if it died, for its lease to expire, or delete it: kubectl delete lease -n ${namespace} ${name})`
          );
        }
        if (!announced) logger.info(`${describe}; waiting up to ${Math.ceil(remaining / 1e3)} s`);
        announced = true;
        const until = Math.max(50, Math.min(remaining, expiresAt(current) - Date.now() + 50));
        await watchUntil(
          cluster,
          [{ path, fieldSelector: `metadata.name=${name}` }],
          (caches) => {
            const now = caches[0]?.get(name);
            if (!now || now.spec?.holderIdentity !== other || now.metadata.resourceVersion !== current.metadata.resourceVersion)
              return true;
            return void 0;
          },
          { timeoutMs: until, onTimeout: () => new Error("lease wait") }
        ).catch((error) => {
          if (!(error instanceof Error && error.message === "lease wait")) throw error;
        });
        continue;
      }
    }
    logger.info(`lease ${namespace}/${name} taken by promotion ${holder}`);
    return held(lease, send, path, name, namespace, seconds, holder, logger, body);
  }
}
function held(initial, send, path, name, namespace, seconds, holder, logger, body) {
  let lease = initial;
  let lost;
  let renewing;
  const url = `${path}/${name}`;
  const lose = (reason) => {
    lost = `lease ${namespace}/${name} lost: ${reason}`;
    clearInterval(timer);
    logger.warn(`${lost}; another promotion may now deploy ${namespace} at the same time`);
  };
  const put = () => send(
    "patch",
    "PATCH",
    url,
    body(lease.spec?.leaseTransitions ?? 0, lease.metadata.resourceVersion, lease.spec?.acquireTime)
  );
  const renew = async () => {
    let res = await put();
    if (res.status === 409) {
      const got = await send("get", "GET", url);
      if (got.status === 404) return lose("it was deleted");
      if (got.status !== 200) {
        logger.warn(`lease ${namespace}/${name}: renewing: HTTP ${got.status}`);
        return;
      }
      const current = parse(got);
      const other = current.spec?.holderIdentity;
      if (other !== holder) return lose(`promotion ${other ?? "(none)"} holds it now`);
      lease = current;
      res = await put();
    }
    if (res.status === 200) lease = parse(res);
    else if (res.status === 404) lose("it was deleted");
    else logger.warn(`lease ${namespace}/${name}: renewing: HTTP ${res.status}`);
  };
  const timer = setInterval(
    () => {
      if (renewing || lost) return;
      renewing = renew().catch(
        (error) => logger.warn(`lease ${namespace}/${name}: renewing: ${error.message}`)
      ).finally(() => {
        renewing = void 0;
      });
    },
    seconds * 1e3 / 3
  );
  timer.unref();
  let released;
  return {
    name,
    namespace,
    get lost() {
      return lost;
    },
    release() {
      released ??= (async () => {
        clearInterval(timer);
        await renewing;
        try {
          const got = await send("get", "GET", url);
          if (got.status !== 200) return;
          const current = parse(got);
          if (current.spec?.holderIdentity !== holder) return;
          const res = await send(
            "delete",
            "DELETE",
            url,
            JSON.stringify({
              apiVersion: "v1",
              kind: "DeleteOptions",
              preconditions: { uid: current.metadata.uid, resourceVersion: current.metadata.resourceVersion }
            })
          );
          if (res.status === 409) logger.info(`lease ${namespace}/${name}: taken over before release`);
          else if (res.status !== 200 && res.status !== 404)
            logger.warn(`lease ${namespace}/${name}: releasing: HTTP ${res.status}`);
          else logger.info(`lease ${namespace}/${name} released`);
        } catch (error) {
          logger.warn(`lease ${namespace}/${name}: releasing: ${error.message}`);
        }
      })();
      return released;
    }
  };
}

// src/deploy/deploy.ts
var LAYOUT = /^oci-layout:/;
function withNamespace(object, namespace) {
  if (!object.metadata?.namespace) return object;
  return { ...object, metadata: { ...object.metadata, namespace } };
}
async function preflight(cluster, input, namespace, objects) {
  if (LAYOUT.test(input.image.reference) && !input.allowLayoutImages) {
    throw new DeployError(
      "usage",
      "image-not-pullable",
      `image ${input.image.reference} is an OCI layout on this machine: cluster ${cluster.name} cannot pull it`,
      "give image-repository (HOST/REPO) so the image is pushed to a registry the cluster can pull from"
    );
  }
  const res = await cluster.request("GET", `/api/v1/namespaces/${encodeURIComponent(namespace)}`).catch((error) => {
    throw apiFailure(error, { verb: "get", kind: "Namespace", name: namespace, cluster: cluster.name });
  });
  if (res.status === 404) {
    throw new DeployError(
      "usage",
      "namespace-missing",
      `namespace "${namespace}" does not exist in cluster ${cluster.name}`,
      `create it (kubectl create namespace ${namespace}), or set the pool namespace in the catalog`
    );
  }
  if (res.status !== 200 && res.status !== 403) {
    throw apiFailure(
      { code: res.status, body: res.body },
      { verb: "get", kind: "Namespace", name: namespace, cluster: cluster.name }
    );
  }
  await checkAccess(cluster, namespace, requiredPermissions(objects, input.dryRun));
}
async function deployOne(input) {
  const target = await connect(input);
  if (input.dryRun) return dryRun(target, input);
  const lease = await takeLease(target, input);
  const run = new ClusterDeploy(target, input, lease);
  try {
    await run.applyWorkload();
    const rollout = await run.awaitRollout();
    await run.applyAfterRollout();
    return run.succeeded(rollout);
  } catch (thrown) {
    try {
      throw await run.failed(thrown);
    } finally {
      await lease.release();
    }
  }
}
async function connect(input) {
  const namespace = input.target?.namespace ?? input.pool.namespace;
  const context = input.target?.context ?? input.pool.context;
  const kc = loadKubeConfig({
    ...input.kubeconfig !== void 0 ? { kubeconfig: input.kubeconfig } : {},
    ...context !== void 0 ? { context } : {},
    ...input.env ? { env: input.env } : {}
  });
  const cluster = new KubeCluster(kc);
  const objects = input.objects.map((o) => withNamespace(o, namespace));
  const userObjects = (input.userObjects ?? []).map((o) => withNamespace(o, namespace));
  await preflight(cluster, input, namespace, [...objects, ...userObjects]);
  return { cluster, namespace, objects, userObjects };
}
async function dryRun(target, input) {
  const { cluster, namespace, objects, userObjects } = target;
  const diff = await dryRunDiff(cluster, [...objects, ...userObjects], {
    force: input.force,
    logger: input.logger
  });
  const result = {
    cluster: cluster.name,
    namespace,
    version: input.model.version,
    applied: [],
    rolledBack: false,
    rolloutSeconds: 0,
    diff
  };
  return { result, rollback: async () => [], release: async () => void 0 };
}
function takeLease({ cluster, namespace }, input) {
  return acquireLease(cluster, {
    namespace,
    model: input.model.name,
    holder: input.promotionId,
    waitMs: (input.timeouts.leaseWaitSeconds ?? 300) * 1e3,
    ...input.timeouts.leaseSeconds !== void 0 ? { leaseSeconds: input.timeouts.leaseSeconds } : {},
    logger: input.logger,
    annotations: { [`${PREFIX}/version`]: input.model.version }
  });
}
function reportOf(error) {
  return error?.report;
}
async function deploy(input) {
  const deployed = await deployOne(input);
  await deployed.release();
  return deployed.result;
}

export {
  deployOne,
  reportOf,
  deploy
};
