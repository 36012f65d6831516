import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  parseQuantity
} from "./chunk-UCNWDHAO.js";
import {
  matchLabelsOf,
  newPods,
  selectorString
} from "./chunk-NPMHQBIR.js";
import "./chunk-HHEFGIJB.js";
import "./chunk-T7SLIWTS.js";
import "./chunk-VUSZPZLG.js";
import "./chunk-7PSXYHQK.js";
import {
  oneLine
} from "./chunk-TDPV7D6W.js";
import "./chunk-HP3MR4JB.js";
import {
  external_exports
} from "./chunk-IIQ7BM2O.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";

// src/usage/sample-usage.ts
import { setTimeout as sleep } from "node:timers/promises";

// src/usage/usage-warning.ts
function outsideSaid(text, max = 300) {
  const line = oneLine(text).trim();
  return line.length > max ? `${line.slice(0, max)}\u2026` : line;
}

// src/usage/metrics-api.ts
var METRICS_GROUP_VERSION = "metrics.k8s.io/v1beta1";
async function readPodMetrics(cluster, namespace, labelSelector) {
  const path = `/apis/${METRICS_GROUP_VERSION}/namespaces/${encodeURIComponent(namespace)}/pods?${new URLSearchParams({ labelSelector })}`;
  let res;
  try {
    res = await cluster.request("GET", path, void 0, {}, 1e4);
  } catch (error) {
    return {
      warning: {
        code: "metrics-api-failed",
        message: `reading pod metrics in ${cluster.name}/${namespace}: ${outsideSaid(error instanceof Error ? error.message : String(error))}`,
        hint: "check that the API server is reachable from the job"
      }
    };
  }
  if (res.status === 200) {
    try {
      const list = JSON.parse(res.body);
      return { items: (list.items ?? []).filter(isPodMetrics) };
    } catch {
      return { warning: failed(cluster, namespace, res, "the answer is not JSON") };
    }
  }
  return { warning: metricsWarning(cluster.name, namespace, res) };
}
function isPodMetrics(item) {
  const i = item;
  return typeof i?.metadata?.name === "string" && typeof i.timestamp === "string" && Array.isArray(i.containers);
}
function metricsWarning(cluster, namespace, res) {
  switch (res.status) {
    case 404:
      return {
        code: "metrics-api-missing",
        message: `cluster ${cluster} does not serve the metrics API (${METRICS_GROUP_VERSION}): no CPU or memory figures`,
        hint: "install metrics-server (https://github.com/kubernetes-sigs/metrics-server), which registers the APIService v1beta1.metrics.k8s.io"
      };
    case 401:
    case 403:
      return {
        code: "metrics-api-forbidden",
        message: `the deploying identity may not list pods.metrics.k8s.io in ${cluster}/${namespace}: no CPU or memory figures`,
        hint: 'grant get and list on pods.metrics.k8s.io in the namespace (a Role rule: apiGroups ["metrics.k8s.io"], resources ["pods"], verbs ["get", "list"])'
      };
    case 503:
      return {
        code: "metrics-api-unavailable",
        message: `the metrics API of ${cluster} is registered but not answering (503${said(res)}): no CPU or memory figures`,
        hint: "check metrics-server: kubectl get apiservice v1beta1.metrics.k8s.io, and its pods in kube-system"
      };
    default:
      return failed({ name: cluster }, namespace, res);
  }
}
function failed(cluster, namespace, res, why) {
  return {
    code: "metrics-api-failed",
    message: `reading pod metrics in ${cluster.name}/${namespace}: ${res.status}${why ? ` ${why}` : said(res)}`,
    hint: "check metrics-server and the API server logs"
  };
}
function said(res) {
  let text = res.body;
  try {
    text = JSON.parse(res.body).message ?? res.body;
  } catch {
  }
  const line = outsideSaid(text, 200);
  return line ? `: ${line}` : "";
}

// src/usage/prometheus-gpu.ts
var DCGM_METRICS = {
  utilization: "DCGM_FI_DEV_GPU_UTIL",
  memoryUsed: "DCGM_FI_DEV_FB_USED",
  memoryFree: "DCGM_FI_DEV_FB_FREE"
};
var answer = external_exports.union([
  external_exports.object({
    status: external_exports.literal("success"),
    data: external_exports.object({
      resultType: external_exports.literal("matrix"),
      result: external_exports.array(
        external_exports.object({
          metric: external_exports.record(external_exports.string(), external_exports.string()),
          values: external_exports.array(external_exports.tuple([external_exports.number(), external_exports.string()]))
        })
      )
    })
  }),
  external_exports.object({ status: external_exports.literal("error"), errorType: external_exports.string().optional(), error: external_exports.string().optional() })
]);
function literal(text) {
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}
function regexQuote(text) {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
}
function dcgmSelector(metric, namespace, pods) {
  const ns = literal(namespace);
  const names = literal(`^(?:${pods.map(regexQuote).join("|")})$`);
  return `${metric}{namespace=${ns},pod=~${names}} or ${metric}{exported_namespace=${ns},exported_pod=~${names}}`;
}
function endpoint(url) {
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = "";
  parsed.password = "";
  const base = parsed.toString().replace(/\/+$/, "");
  return user || password ? { base, headers: { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` } } : { base, headers: {} };
}
async function readGpuSeries(url, query, options = {}) {
  const { base, headers } = endpoint(url);
  const send = options.fetch ?? fetch;
  const range = async (metric) => {
    const params = new URLSearchParams({
      query: dcgmSelector(metric, query.namespace, query.pods),
      start: String(query.start),
      end: String(query.end),
      step: `${query.stepSeconds}s`
    });
    let response;
    try {
      response = await send(`${base}/api/v1/query_range`, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
        body: params.toString(),
        signal: AbortSignal.timeout(options.timeoutMs ?? 1e4)
      });
    } catch (error) {
      const cause = error.cause;
      const why = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
      return {
        code: "prometheus-unreachable",
        message: `querying Prometheus at ${base}: ${outsideSaid(why)}: no GPU figures`,
        hint: "check prometheus-url and that Prometheus is reachable from the job"
      };
    }
    const text = await response.text();
    let parsed;
    try {
      const result = answer.safeParse(JSON.parse(text));
      parsed = result.success ? result.data : void 0;
    } catch {
      parsed = void 0;
    }
    if (parsed?.status === "success") return parsed.data.result;
    const said2 = parsed?.status === "error" ? parsed.error ?? parsed.errorType ?? "" : text;
    return {
      code: "prometheus-error",
      message: `Prometheus at ${base} answered ${response.status} to ${metric}: ${outsideSaid(said2) || response.statusText}: no GPU figures`,
      hint: response.status === 404 ? "prometheus-url is the Prometheus root, e.g. http://prometheus:9090 (the HTTP API is under /api/v1)" : "check the Prometheus server, and that the query is allowed by any proxy in front of it"
    };
  };
  const utilization = await range(DCGM_METRICS.utilization);
  if (!Array.isArray(utilization)) return { warning: utilization };
  const memoryUsed = await range(DCGM_METRICS.memoryUsed);
  if (!Array.isArray(memoryUsed)) return { warning: memoryUsed };
  const memoryFree = await range(DCGM_METRICS.memoryFree);
  if (!Array.isArray(memoryFree)) return { warning: memoryFree };
  return { series: { utilization, memoryUsed, memoryFree } };
}

// src/usage/resource-usage.ts
var SUFFIX_SCALE = { n: 1e-9, u: 1e-6 };
function quantityValue(text) {
  const value = String(text).trim();
  const scale = SUFFIX_SCALE[value.slice(-1)];
  if (scale !== void 0) {
    const number = Number(value.slice(0, -1));
    return /^[0-9]+(\.[0-9]*)?$/.test(value.slice(0, -1)) && Number.isFinite(number) ? number * scale : void 0;
  }
  const q = parseQuantity(value);
  return q ? Number(q.numerator) / Number(q.denominator) : void 0;
}
function readingOf(item) {
  const sum = (key) => {
    let total = 0;
    for (const c of item.containers) {
      const v = c.usage[key] === void 0 ? void 0 : quantityValue(c.usage[key]);
      if (v === void 0) return void 0;
      total += v;
    }
    return item.containers.length ? total : void 0;
  };
  const cpu = sum("cpu");
  const memory = sum("memory");
  return { ...cpu !== void 0 && { cpu }, ...memory !== void 0 && { memory } };
}
function podAllocation(spec, resource) {
  let request;
  let limit = 0;
  for (const c of spec.containers) {
    const r = c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource];
    const value = r === void 0 ? void 0 : quantityValue(r);
    if (value !== void 0) request = (request ?? 0) + value;
    const l = c.resources?.limits?.[resource];
    const lv = l === void 0 ? void 0 : quantityValue(l);
    limit = lv === void 0 || limit === void 0 ? void 0 : limit + lv;
  }
  if (!spec.containers.length) limit = void 0;
  return { ...request !== void 0 && { request }, ...limit !== void 0 && { limit } };
}
var round = (value, digits) => Number(value.toFixed(digits));
function figure(values, allocation, digits) {
  if (!values.length) return void 0;
  const average = values.reduce((a, b) => a + b, 0) / values.length;
  const peak = Math.max(...values);
  const { request, limit } = allocation;
  return {
    average: round(average, digits),
    peak: round(peak, digits),
    ...request !== void 0 && { request },
    ...limit !== void 0 && { limit },
    ...request ? { ofRequest: round(average / request, 4) } : {},
    ...limit ? { ofLimit: round(peak / limit, 4) } : {}
  };
}
function podUsage(readings, specs) {
  const byPod = /* @__PURE__ */ new Map();
  for (const item of readings.flat()) {
    const seen = byPod.get(item.metadata.name) ?? /* @__PURE__ */ new Map();
    seen.set(item.timestamp, readingOf(item));
    byPod.set(item.metadata.name, seen);
  }
  const usage = [];
  for (const spec of specs) {
    const seen = byPod.get(spec.name) ?? /* @__PURE__ */ new Map();
    const values = [...seen.values()];
    const cpu = figure(
      values.flatMap((r) => r.cpu === void 0 ? [] : [r.cpu]),
      podAllocation(spec, "cpu"),
      6
    );
    const memory = figure(
      values.flatMap((r) => r.memory === void 0 ? [] : [r.memory]),
      podAllocation(spec, "memory"),
      0
    );
    usage.push({ pod: spec.name, samples: seen.size, ...cpu && { cpu }, ...memory && { memory } });
  }
  return usage;
}
var MIB = 1024 * 1024;
function seriesPod(metric) {
  const exported = metric.exported_pod !== void 0;
  const pod = exported ? metric.exported_pod : metric.pod;
  const namespace = exported ? metric.exported_namespace : metric.namespace;
  return { ...pod && { pod }, ...namespace && { namespace } };
}
function gpuKey(metric) {
  return metric.UUID ?? metric.gpu ?? JSON.stringify(metric);
}
function byPodAndGpu(series, namespace, pods) {
  const out = /* @__PURE__ */ new Map();
  for (const s of series) {
    const { pod, namespace: ns } = seriesPod(s.metric);
    if (!pod || ns !== namespace || !pods.has(pod)) continue;
    const gpus = out.get(pod) ?? /* @__PURE__ */ new Map();
    const points = gpus.get(gpuKey(s.metric)) ?? /* @__PURE__ */ new Map();
    for (const [t, v] of s.values) {
      const value = Number(v);
      if (Number.isFinite(value)) points.set(t, value);
    }
    gpus.set(gpuKey(s.metric), points);
    out.set(pod, gpus);
  }
  return out;
}
function gpuUsage(series, namespace, pods) {
  const wanted = new Set(pods);
  const util = byPodAndGpu(series.utilization, namespace, wanted);
  const used = byPodAndGpu(series.memoryUsed, namespace, wanted);
  const free = byPodAndGpu(series.memoryFree, namespace, wanted);
  const result = /* @__PURE__ */ new Map();
  for (const pod of pods) {
    const utilGpus = util.get(pod);
    const values = [...utilGpus?.values() ?? []].flatMap((points) => [...points.values()]);
    const usedGpus = used.get(pod);
    if (!values.length && !usedGpus) continue;
    const memory = peakMemory(usedGpus, free.get(pod));
    result.set(pod, {
      gpus: Math.max(utilGpus?.size ?? 0, usedGpus?.size ?? 0),
      utilizationAverage: values.length ? round(values.reduce((a, b) => a + b, 0) / values.length, 2) : 0,
      utilizationPeak: values.length ? Math.max(...values) : 0,
      memoryPeakBytes: memory.used * MIB,
      ...memory.total !== void 0 && {
        memoryTotalBytes: memory.total * MIB,
        ...memory.total > 0 && { memoryOfTotal: round(memory.used / memory.total, 4) }
      }
    });
  }
  return result;
}
function peakMemory(used, free) {
  if (!used) return { used: 0 };
  const times = new Set([...used.values()].flatMap((points) => [...points.keys()]));
  let best = { used: 0 };
  for (const t of [...times].sort((a, b) => a - b)) {
    let u = 0;
    let f = 0;
    for (const [gpu, points] of used) {
      u += points.get(t) ?? 0;
      const freeValue = free?.get(gpu)?.get(t);
      f = freeValue === void 0 || f === void 0 ? void 0 : f + freeValue;
    }
    if (u >= best.used) best = { used: u, ...f !== void 0 && { total: u + f } };
  }
  return best;
}
function withGpu(pods, gpu) {
  return pods.map((p) => {
    const g = gpu.get(p.pod);
    return g ? { ...p, gpu: g } : p;
  });
}

// src/usage/sample-usage.ts
async function sampleUtilization(cluster, deployment, options, logger) {
  const { windowSeconds } = options;
  const namespace = deployment.metadata.namespace ?? "default";
  const warnings = [];
  let specs = [];
  try {
    specs = (await newPods(cluster, deployment)).pods.map(specOf);
  } catch (error) {
    warnings.push({
      code: "metrics-api-failed",
      message: `listing the new pods in ${cluster.name}/${namespace}: ${outsideSaid(error instanceof Error ? error.message : String(error))}`,
      hint: "check that the deploying identity may list pods"
    });
    return report({ windowSeconds, pods: [], warnings }, logger);
  }
  logger.info(
    `utilization: sampling ${specs.length} pod(s) for ${windowSeconds} s` + (options.prometheusUrl ? " (GPU figures from Prometheus)" : "")
  );
  const selector = selectorString(matchLabelsOf(deployment));
  const samples = Math.max(2, options.samples ?? 6);
  const intervalMs = windowSeconds * 1e3 / (samples - 1);
  const start = Date.now();
  const readings = [];
  for (let i = 0; i < samples; i++) {
    if (i > 0) await sleep(Math.max(0, start + i * intervalMs - Date.now()));
    const read = await readPodMetrics(cluster, namespace, selector);
    if ("warning" in read) {
      warnings.push(read.warning);
      break;
    }
    readings.push([...read.items]);
  }
  let pods = podUsage(readings, specs);
  if (options.prometheusUrl) {
    await sleep(Math.max(0, start + windowSeconds * 1e3 - Date.now()));
    const end = Date.now();
    const names = specs.map((s) => s.name);
    const gpu = await readGpuSeries(
      options.prometheusUrl,
      {
        namespace,
        pods: names,
        start: start / 1e3,
        end: end / 1e3,
        stepSeconds: Math.max(1, Math.round(windowSeconds / 20))
      },
      options.fetch ? { fetch: options.fetch } : {}
    );
    if ("warning" in gpu) warnings.push(gpu.warning);
    else {
      const found = gpuUsage(gpu.series, namespace, names);
      pods = withGpu(pods, found);
      if (found.size === 0 && options.expectGpu && names.length > 0) {
        warnings.push({
          code: "prometheus-no-series",
          message: `Prometheus has no DCGM exporter series for the pods in ${namespace}: no GPU figures`,
          hint: "check that the DCGM exporter runs on the pool\u2019s nodes with its Kubernetes pod mapping on, and that Prometheus scrapes it"
        });
      }
    }
  }
  return report({ windowSeconds, pods, warnings }, logger);
}
function report(utilization, logger) {
  for (const w of utilization.warnings) logger.warn(`utilization: ${w.message}; ${w.hint}`);
  for (const p of utilization.pods) {
    const parts = [
      p.cpu && `CPU ${p.cpu.average} cores avg, ${p.cpu.peak} peak`,
      p.memory && `memory ${Math.round(p.memory.peak / 1024 / 1024)} MiB peak`,
      p.gpu && `GPU ${p.gpu.utilizationAverage}% avg, ${p.gpu.utilizationPeak}% peak`
    ].filter(Boolean);
    logger.info(`utilization: ${p.pod}: ${parts.length ? parts.join("; ") : "no reading"}`);
  }
  return utilization;
}
function specOf(pod) {
  const spec = pod.spec;
  return { name: pod.metadata.name, containers: spec?.containers ?? [] };
}
export {
  sampleUtilization
};
