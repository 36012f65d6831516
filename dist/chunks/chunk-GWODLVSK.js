import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  loadKubeConfig,
  recordConfigMap,
  refOf,
  rollback,
  waitForDeployment,
  waitForInferenceService,
  watchUntil
} from "./chunk-RMOHXDDH.js";
import {
  PREFIX,
  resourceName
} from "./chunk-TYF5U52R.js";
import {
  applyObject,
  dryRunDiff
} from "./chunk-WHQ2FI6V.js";
import {
  newPods,
  verifyPodDigests
} from "./chunk-NPMHQBIR.js";
import {
  KubeCluster,
  collectionPath,
  displayName
} from "./chunk-HHEFGIJB.js";
import {
  DeployError,
  apiFailure
} from "./chunk-T7SLIWTS.js";

// src/deploy/access-check.ts
var RESOURCES = {
  ConfigMap: "configmaps",
  Service: "services",
  Deployment: "deployments",
  HorizontalPodAutoscaler: "horizontalpodautoscalers",
  InferenceService: "inferenceservices",
  ModelValidation: "modelvalidations",
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
  /** The objects as applied (the Deployment with the replica count it was given): the drift baseline. */
  appliedObjects = [];
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
    this.appliedObjects.push(object);
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
    await this.recordApplied();
    this.checkLease("after the rollout, before reporting it");
  }
  /**
   * The new pods' utilization over the metrics window, under the Lease so no other promotion
   * replaces them mid-window. Its module loads only when asked for; it never throws.
   */
  async observe() {
    const options = this.input.utilization;
    if (!options || options.windowSeconds <= 0) return void 0;
    if (this.workload?.kind !== "Deployment") {
      if (this.workload)
        this.logger.info("utilization: skipped for the kserve form (KServe names and scales its pods)");
      return void 0;
    }
    const { sampleUtilization } = await import("./sample-usage-INNLAPJZ.js");
    return sampleUtilization(this.cluster, this.workload, options, this.logger);
  }
  /**
   * Keeps what was applied in the cluster (applied-record.ts), for `model-promote drift`. Written
   * like the rest (snapshot first), so a rollback puts the previous record back with the objects.
   */
  async recordApplied() {
    const workload = this.first.find((o) => o.kind === "Deployment" || o.kind === "InferenceService");
    const environment = workload?.metadata?.annotations?.[`${PREFIX}/environment`];
    if (!workload?.metadata?.name || !environment) return;
    const record = recordConfigMap(
      {
        model: this.input.model.name,
        version: this.input.model.version,
        environment,
        promotionId: this.input.promotionId,
        imageDigest: this.input.image.digest,
        appliedAt: (/* @__PURE__ */ new Date()).toISOString(),
        objects: this.appliedObjects
      },
      workload.metadata.name,
      this.target.namespace
    );
    if (typeof record === "string") {
      this.logger.warn(`what was applied is not kept for drift checks: ${record}`);
      return;
    }
    this.checkLease("before recording what was applied");
    const before = await this.cluster.read(refOf(record));
    this.snapshots.push({ ref: refOf(record), ...before ? { before } : {} });
    await applyObject(this.cluster, record, { force: true, logger: this.logger });
  }
  base() {
    return {
      cluster: this.cluster.name,
      namespace: this.target.namespace,
      version: this.input.model.version,
      ...this.previousVersion !== void 0 ? { previousVersion: this.previousVersion } : {}
    };
  }
  succeeded({ seconds, noticedAt, smoke }, utilization) {
    const result = {
      ...this.base(),
      rollout: { seconds },
      rolloutSeconds: seconds,
      ...smoke ? { smoke: { p50Ms: smoke.p50Ms, p95Ms: smoke.p95Ms, requests: smoke.requests } } : {},
      ...utilization ? { utilization } : {},
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
    const utilization = await run.observe();
    return run.succeeded(rollout, utilization);
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
