import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  MANAGED_BY,
  PREFIX,
  clusterSource,
  labelValue,
  looksLikeContent,
  withoutSource
} from "./chunk-TYF5U52R.js";
import {
  comparable
} from "./chunk-WHQ2FI6V.js";
import {
  REVISION_ANNOTATION,
  matchLabelsOf,
  replicaSetsOf,
  selectorString
} from "./chunk-NPMHQBIR.js";
import {
  KubeConfig,
  collectionPath,
  deploymentRolloutState,
  displayName,
  fatalPodProblem,
  inferenceServiceState,
  progressLine,
  unschedulablePod
} from "./chunk-HHEFGIJB.js";
import {
  DeployError,
  httpCodeOf
} from "./chunk-T7SLIWTS.js";

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

// src/deploy/applied-record.ts
var RECORD_LABEL = `${PREFIX}/record`;
var RECORD_KIND = "applied";
var DATA_KEY = "objects.json";
var RECORD_LIMIT = 900 * 1024;
function recordSelector(environment) {
  return `${RECORD_LABEL}=${RECORD_KIND},${PREFIX}/environment=${labelValue(environment)}`;
}
function recordName(workloadName) {
  return `${workloadName}-applied`;
}
function recordConfigMap(record, workloadName, namespace) {
  const json = JSON.stringify(record.objects);
  const bytes = Buffer.byteLength(json);
  if (bytes > RECORD_LIMIT)
    return `the applied objects are ${bytes} bytes as JSON, more than one ConfigMap keeps (${RECORD_LIMIT})`;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: recordName(workloadName),
      namespace,
      labels: {
        "app.kubernetes.io/managed-by": MANAGED_BY,
        [RECORD_LABEL]: RECORD_KIND,
        [`${PREFIX}/model`]: labelValue(record.model),
        [`${PREFIX}/environment`]: labelValue(record.environment)
      },
      annotations: {
        [`${PREFIX}/model`]: record.model,
        [`${PREFIX}/version`]: record.version,
        [`${PREFIX}/environment`]: record.environment,
        [`${PREFIX}/promotion-id`]: record.promotionId,
        [`${PREFIX}/image-digest`]: record.imageDigest,
        [`${PREFIX}/applied-at`]: record.appliedAt
      }
    },
    data: { [DATA_KEY]: json }
  };
}
function readRecord(configMap) {
  const name = configMap.metadata?.name ?? "";
  const a = configMap.metadata?.annotations ?? {};
  const text = configMap.data?.[DATA_KEY];
  if (text === void 0) return `ConfigMap/${name} has no ${DATA_KEY}`;
  let objects;
  try {
    objects = JSON.parse(text);
  } catch (error) {
    return `ConfigMap/${name}: ${DATA_KEY} is not JSON (${error.message})`;
  }
  if (!Array.isArray(objects) || !objects.every((o) => typeof o === "object" && o && "kind" in o))
    return `ConfigMap/${name}: ${DATA_KEY} is not a list of objects`;
  const needed = ["model", "version", "environment", "promotion-id", "image-digest", "applied-at"];
  const missing = needed.filter((key) => !a[`${PREFIX}/${key}`]);
  if (missing.length)
    return `ConfigMap/${name} lacks the annotation(s) ${missing.map((k) => `${PREFIX}/${k}`).join(", ")}`;
  return {
    model: a[`${PREFIX}/model`],
    version: a[`${PREFIX}/version`],
    environment: a[`${PREFIX}/environment`],
    promotionId: a[`${PREFIX}/promotion-id`],
    imageDigest: a[`${PREFIX}/image-digest`],
    appliedAt: a[`${PREFIX}/applied-at`],
    objects
  };
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

// src/deploy/rollback.ts
var HASH_LABEL = "pod-template-hash";
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
    if (copy.metadata?.labels) delete copy.metadata.labels[HASH_LABEL];
    return sortedJson(copy);
  };
  return strip(a) === strip(b);
}
function undoPatch(current, rs, labels) {
  const template = structuredClone(rs.spec.template ?? {});
  if (template.metadata?.labels) delete template.metadata.labels[HASH_LABEL];
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

export {
  loadKubeConfig,
  recordSelector,
  recordConfigMap,
  readRecord,
  watchUntil,
  waitForDeployment,
  waitForInferenceService,
  refOf,
  rollback
};
