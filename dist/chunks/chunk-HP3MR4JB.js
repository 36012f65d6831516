import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  external_exports
} from "./chunk-IIQ7BM2O.js";
import {
  OciError
} from "./chunk-NE5QDH7Y.js";

// src/oci/image-location.ts
var LAYOUT_PREFIX = "oci-layout:";
var TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
var COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
var REGISTRY_SOURCE = `(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?${COMPONENT}(?:/${COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(?:@sha256:[a-f0-9]{64})?`;
var REGISTRY_REFERENCE = new RegExp(`^${REGISTRY_SOURCE}$`);
var IMAGE_LOCATION_PATTERN = new RegExp(`^(?:scratch|oci-layout:.+|${REGISTRY_SOURCE})$`);
var HINT = "write `scratch`, `oci-layout:PATH[:TAG]` (a folder written by umoci, skopeo or model-promote) or a registry reference";
function invalid(text, problem, hint = HINT) {
  return new OciError("usage", "location-invalid", `base image ${JSON.stringify(text)} ${problem}`, hint);
}
function parseImageLocation(text) {
  if (text === "scratch") return { kind: "scratch" };
  if (text.startsWith(LAYOUT_PREFIX)) {
    const rest = text.slice(LAYOUT_PREFIX.length);
    const colon = rest.lastIndexOf(":");
    const tag = colon >= 0 ? rest.slice(colon + 1) : void 0;
    if (tag !== void 0 && TAG.test(tag)) {
      const path = rest.slice(0, colon);
      if (!path) throw invalid(text, "has no layout path");
      return { kind: "oci-layout", path, tag };
    }
    if (tag === "") throw invalid(text, "has an empty tag", 'drop the trailing ":" or name the tag');
    if (!rest) throw invalid(text, "has no layout path");
    return { kind: "oci-layout", path: rest };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):(?!\d)/.exec(text)?.[1];
  if (scheme === "oci" || scheme === "docker" || text.includes("://")) {
    throw invalid(
      text,
      `uses the transport "${scheme ?? text.split("://")[0]}:", which model-promote does not read`,
      "for a local layout write oci-layout:PATH[:TAG]; for a registry image write the reference alone, e.g. ghcr.io/org/serving:1.2"
    );
  }
  if (REGISTRY_REFERENCE.test(text)) return { kind: "registry", reference: text };
  throw invalid(text, "is neither scratch, oci-layout:PATH[:TAG] nor a valid image reference");
}
function formatImageLocation(location) {
  switch (location.kind) {
    case "scratch":
      return "scratch";
    case "oci-layout":
      return `${LAYOUT_PREFIX}${location.path}${location.tag === void 0 ? "" : `:${location.tag}`}`;
    case "registry":
      return location.reference;
  }
}

// src/environments/runtime-version.ts
var VERSION_PATTERN = /^\d{1,6}(\.\d{1,6}){0,3}$/;
function parseVersion(text) {
  const trimmed = text.trim();
  if (!VERSION_PATTERN.test(trimmed)) return void 0;
  return { parts: trimmed.split(".").map(Number), text: trimmed };
}
function compareVersions(a, b) {
  const length = Math.max(a.parts.length, b.parts.length);
  for (let i = 0; i < length; i++) {
    const diff = (a.parts[i] ?? 0) - (b.parts[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}
var RANGE_GRAMMAR = 'comparators >=, >, <=, <, = on versions such as 12.1, joined by spaces (all must hold) or || (either), e.g. ">=12.1 <13" or "12.4"';
function parseRange(text) {
  const alternatives = text.split("||").map((part) => part.trim());
  if (alternatives.some((part) => part === "")) return void 0;
  const sets = [];
  for (const alternative of alternatives) {
    const set = [];
    for (const token of alternative.split(/\s+/)) {
      const match = /^(>=|<=|>|<|=)?\s*(.+)$/.exec(token);
      const version = match?.[2] === void 0 ? void 0 : parseVersion(match[2]);
      if (!match || !version) return void 0;
      const operator = match[1];
      if (operator) set.push({ operator, version });
      else set.push(...bareVersion(version));
    }
    sets.push(set);
  }
  return { sets, text: text.trim() };
}
function bareVersion(version) {
  const next = [...version.parts];
  const last = next.length - 1;
  next[last] = (next[last] ?? 0) + 1;
  return [
    { operator: ">=", version },
    { operator: "<", version: { parts: next, text: next.join(".") } }
  ];
}
function satisfies(version, range) {
  return range.sets.some((set) => set.every((c) => holds(compareVersions(version, c.version), c.operator)));
}
function holds(order, operator) {
  switch (operator) {
    case ">=":
      return order >= 0;
    case ">":
      return order > 0;
    case "<=":
      return order <= 0;
    case "<":
      return order < 0;
    case "=":
      return order === 0;
  }
}

// src/environments/catalog-schema.ts
var name = external_exports.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be lower-case letters, digits and dashes (a DNS label)").max(63);
var QUANTITY_PATTERN = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
var QUANTITY_MESSAGE = "must be a number or a Kubernetes quantity such as 24Gi, 500m or 2";
var quantity = external_exports.union(
  [
    external_exports.number().nonnegative(),
    external_exports.string().regex(new RegExp(QUANTITY_PATTERN.source.replace("[+-]?", "\\+?")), QUANTITY_MESSAGE)
  ],
  { error: QUANTITY_MESSAGE }
);
var labelValue = external_exports.union([external_exports.string(), external_exports.number(), external_exports.boolean()]).transform(String);
var requirementSchema = external_exports.object({
  key: external_exports.string().min(1).describe("Model label the requirement reads."),
  operator: external_exports.enum(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Ge", "Lt", "Le"]).describe(
    "Kubernetes label-selector operators, plus Gt/Ge/Lt/Le comparing numbers or quantities (24Gi)."
  ),
  values: external_exports.array(labelValue).optional().describe(
    "In/NotIn: one or more values; Exists/DoesNotExist: none; Gt/Ge/Lt/Le: exactly one quantity."
  )
}).strict().superRefine((r, ctx) => {
  const count = r.values?.length ?? 0;
  const at = r.values ? ["values"] : ["operator"];
  switch (r.operator) {
    case "In":
    case "NotIn":
      if (count < 1)
        ctx.addIssue({ code: "custom", path: at, message: `${r.operator} needs at least one value` });
      return;
    case "Exists":
    case "DoesNotExist":
      if (count > 0) ctx.addIssue({ code: "custom", path: at, message: `${r.operator} takes no values` });
      return;
    case "Gt":
    case "Ge":
    case "Lt":
    case "Le": {
      const only = r.values?.[0];
      if (count !== 1 || only === void 0) {
        ctx.addIssue({ code: "custom", path: at, message: `${r.operator} needs exactly one value` });
      } else if (!QUANTITY_PATTERN.test(only)) {
        ctx.addIssue({
          code: "custom",
          path: ["values", 0],
          message: `${r.operator} compares numbers: ${JSON.stringify(only)} is not a number or quantity such as 24Gi`
        });
      }
      return;
    }
  }
});
var selectorSchema = external_exports.object({
  matchLabels: external_exports.record(external_exports.string(), labelValue).optional().describe("Labels the model must carry with exactly these values."),
  matchExpressions: external_exports.array(requirementSchema).optional().describe("Requirements on model labels; all must hold (as in a Kubernetes label selector).")
}).strict();
var acceleratorSchema = external_exports.object({
  vendor: external_exports.enum(["nvidia", "amd", "intel", "google", "aws", "none"]),
  product: external_exports.string().optional().describe("e.g. A100-SXM4-80GB, MI300X, tpu-v5e, inferentia2"),
  memory: quantity.optional().describe("Memory per accelerator, e.g. 80Gi."),
  count: external_exports.number().int().min(0).max(64).default(1).describe("Accelerators per replica (0 to 64)."),
  resourceName: external_exports.string().optional().describe("Extended resource to request; defaults by vendor (nvidia.com/gpu, amd.com/gpu, ...).")
}).strict();
var resourceList = external_exports.record(external_exports.string(), quantity);
var tolerationSchema = external_exports.object({
  key: external_exports.string().optional(),
  operator: external_exports.enum(["Exists", "Equal"]).optional(),
  value: external_exports.string().optional(),
  effect: external_exports.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
  tolerationSeconds: external_exports.number().int().min(0).max(2147483647).optional()
}).strict();
var MAX_REPLICAS = 1e3;
var latencyMs = external_exports.number().positive().max(36e5);
var scalingSchema = external_exports.object({
  minReplicas: external_exports.number().int().min(1).max(MAX_REPLICAS).default(1),
  maxReplicas: external_exports.number().int().min(1).max(MAX_REPLICAS).default(1),
  targetCPUUtilization: external_exports.number().int().min(1).max(100).optional(),
  metrics: external_exports.array(external_exports.record(external_exports.string(), external_exports.unknown())).optional().describe("autoscaling/v2 MetricSpec entries, used as they are.")
}).strict().refine((s) => s.maxReplicas >= s.minReplicas, {
  path: ["maxReplicas"],
  message: "must be >= minReplicas"
});
var servingSchema = external_exports.object({
  port: external_exports.number().int().min(1).max(65535).default(8080),
  healthPath: external_exports.string().startsWith("/").default("/healthz").describe("Liveness probe path."),
  readinessPath: external_exports.string().startsWith("/").optional().describe("Readiness probe path; healthPath if absent."),
  inferencePath: external_exports.string().startsWith("/").default("/v1/predict"),
  latencySLO: external_exports.object({ p50Ms: latencyMs.optional(), p95Ms: latencyMs.optional() }).strict().optional().describe("Latency objectives checked by the post-deploy verification.")
}).strict();
var BASE_IMAGE_PATTERN = IMAGE_LOCATION_PATTERN;
var versionString = (example) => external_exports.string({ error: `must be a quoted version such as '${example}' (YAML reads 12.10 unquoted as 12.1)` }).regex(VERSION_PATTERN, `must be a version such as ${example}: numbers separated by dots`);
var baseReference = external_exports.string().regex(BASE_IMAGE_PATTERN, "must be scratch, oci-layout:PATH[:TAG] or a registry reference");
var baseVariantSchema = external_exports.object({
  ref: baseReference.describe("`scratch`, `oci-layout:PATH[:TAG]`, or a registry reference."),
  cuda: versionString("12.4").optional().describe("CUDA runtime the image carries, when its config does not say (e.g. '12.4.1')."),
  rocm: versionString("6.2").optional().describe("ROCm runtime the image carries, when its config does not say (e.g. '6.2').")
}).strict().refine((v) => v.cuda === void 0 || v.rocm === void 0, {
  message: "a base image carries CUDA or ROCm, not both"
});
var baseOrVariant = external_exports.union([baseReference, baseVariantSchema]);
var baseEntry = external_exports.union([baseReference, baseVariantSchema, external_exports.array(baseOrVariant).min(1)], {
  error: (issue) => branchMessage(issue.input, issue)
});
function branchMessage(input, issue) {
  const branches = issue.errors ?? [];
  const branch = Array.isArray(input) ? branches[2] : typeof input === "object" ? branches[1] : branches[0];
  const first = branch?.find((e) => e.path.length > 0) ?? branch?.[0];
  const where = first?.path.length ? `${first.path.map(String).join(".")}: ` : "";
  return first && (typeof input === "object" || typeof input === "string") ? `${where}${first.message}` : "must be a base image reference, {ref, cuda or rocm}, or a list of them";
}
var imageSchema = external_exports.object({
  base: external_exports.record(external_exports.string(), baseEntry).refine((b) => Object.keys(b).length > 0, {
    message: "needs at least one base image, e.g. default: scratch"
  }).describe(
    "Serving base image per runtime (the model label `runtime` picks one; `default` otherwise): `scratch`, `oci-layout:PATH[:TAG]`, a registry reference, `{ref, cuda | rocm}`, or a list of these variants (the newest one the pool driver runs is chosen)."
  ),
  modelPath: external_exports.string().startsWith("/").default("/models").describe("Where the model files go in the image."),
  entrypoint: external_exports.array(external_exports.string()).optional(),
  cmd: external_exports.array(external_exports.string()).optional(),
  env: external_exports.record(external_exports.string(), external_exports.string()).default({}),
  labels: external_exports.record(external_exports.string(), external_exports.string()).default({}).describe("OCI image config labels."),
  platform: external_exports.string().regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, "must be OS/ARCH[/VARIANT], e.g. linux/amd64").default("linux/amd64")
}).strict();
var builderSchema = external_exports.object({
  kind: external_exports.enum(["buildah", "docker"]).describe("Build with buildah (daemonless) or docker buildx from a generated Containerfile."),
  steps: external_exports.array(external_exports.string().min(1)).default([]).describe(
    "Containerfile instructions run on the base before the model is copied, e.g. RUN apt-get install -y libgomp1."
  )
}).strict();
var modelValidationSchema = external_exports.object({
  enabled: external_exports.boolean().describe(
    "Render a ModelValidation (sigstore/model-validation-operator, ml.sigstore.dev/v1alpha1) with the signing policy that admitted the model, and label the pods for it: the init container the operator injects runs `model_signing verify` on the model before the server starts."
  ),
  mountPath: external_exports.string().regex(/^\/[^\0]*[^/]$/, "must be an absolute path, e.g. /var/run/model-promote/image").refine(
    (p) => p.split("/").slice(1).every((s) => s !== "" && s !== "." && s !== ".."),
    {
      message: 'must be a clean absolute path (no "..", "." or "//")'
    }
  ).default("/var/run/model-promote/image").describe(
    "Where the pods mount the model image itself (an image volume), for the operator's init container, which runs in an image of its own and sees only volumes: the model is at mountPath + image.modelPath."
  )
}).strict();
var clusterTargetSchema = external_exports.object({
  context: external_exports.string().min(1).describe("kubeconfig context of the cluster."),
  namespace: name.optional().describe("Namespace in that cluster; default the pool namespace.")
}).strict();
var poolSchema = external_exports.object({
  name,
  description: external_exports.string().optional(),
  priority: external_exports.number().int().min(-1e6).max(1e6).default(0).describe("Higher wins among matching pools (-1000000 to 1000000)."),
  requirements: selectorSchema.default({}).describe("What the model labels must satisfy."),
  accelerator: acceleratorSchema.optional(),
  driver: external_exports.object({
    version: versionString("535.104.05").optional().describe("NVIDIA driver on the nodes; decides which CUDA runtimes the pool runs."),
    cuda: versionString("12.2").optional().describe(
      "Highest CUDA the NVIDIA driver supports (as nvidia-smi shows); used when version is absent."
    ),
    rocm: versionString("6.2").optional().describe("ROCm version on the nodes (AMD pools).")
  }).catchall(external_exports.string()).optional().describe(
    "Driver and runtime versions on the pool nodes: checked against the base image runtime, and injected into the image as env and labels."
  ),
  memory: quantity.optional().describe("Container memory (request and limit)."),
  cpu: quantity.optional().describe("Container CPU request."),
  resources: external_exports.object({ requests: resourceList.optional(), limits: resourceList.optional() }).strict().optional().describe("Extra resource requests and limits, merged over memory, cpu and accelerator."),
  nodeSelector: external_exports.record(external_exports.string(), external_exports.string()).default({}),
  tolerations: external_exports.array(tolerationSchema).default([]),
  image: imageSchema,
  scaling: scalingSchema.default({ minReplicas: 1, maxReplicas: 1 }),
  serving: servingSchema.default({ port: 8080, healthPath: "/healthz", inferencePath: "/v1/predict" }),
  form: external_exports.enum(["deployment", "kserve"]).default("deployment").describe("Kubernetes Deployment or KServe InferenceService."),
  endpoint: external_exports.string().url().optional().describe("Public URL of the served model."),
  namespace: name.default("default"),
  context: external_exports.string().optional().describe("kubeconfig context of the cluster."),
  clusters: external_exports.array(clusterTargetSchema).min(1).optional().describe("Clusters to promote to, in order (canary first); default: the pool context alone."),
  builder: builderSchema.optional().describe("Build from a generated Containerfile (for pools that need system packages on the base)."),
  modelValidation: modelValidationSchema.optional().describe("Verify the model again in the cluster, before each pod starts (model-validation-operator).")
}).strict();
var signingPolicySchema = external_exports.object({
  keyless: external_exports.array(
    external_exports.object({
      identity: external_exports.string().min(1).describe("Exact identity, or /anchored regex/."),
      issuer: external_exports.string().url()
    }).strict()
  ).optional().describe("Sigstore keyless signers accepted (certificate identity and OIDC issuer)."),
  trustedRoot: external_exports.string().optional().describe("Path to a Sigstore trusted_root.json (relative to the catalog)."),
  publicKeys: external_exports.array(external_exports.string().min(1)).optional().describe("PEM public key files (relative to the catalog)."),
  certificateChain: external_exports.array(external_exports.string().min(1)).optional().describe("PEM trust anchors (relative to the catalog).")
}).strict().refine((p) => Boolean(p.keyless?.length || p.publicKeys?.length || p.certificateChain?.length), {
  message: "a signing policy needs keyless identities, publicKeys or certificateChain"
});
var environmentSchema = external_exports.object({
  description: external_exports.string().optional(),
  production: external_exports.boolean().default(false).describe("Marks a production environment (stricter reporting)."),
  signing: signingPolicySchema.optional().describe("Signatures a promotion into this environment must have."),
  pools: external_exports.array(poolSchema).min(1).describe("Compute pools, in catalog order (the last tie-breaker).")
}).strict().superRefine((env, ctx) => {
  const seen = /* @__PURE__ */ new Set();
  env.pools.forEach((pool, index) => {
    if (seen.has(pool.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["pools", index, "name"],
        message: `duplicate pool name ${pool.name}`
      });
    }
    seen.add(pool.name);
  });
});
var catalogSchema = external_exports.object({
  $schema: external_exports.string().optional(),
  apiVersion: external_exports.literal("model-promote/v1"),
  kind: external_exports.literal("ComputeCatalog"),
  environments: external_exports.record(name, environmentSchema).refine((e) => Object.keys(e).length > 0, { message: "needs at least one environment" })
}).strict();

export {
  parseImageLocation,
  formatImageLocation,
  VERSION_PATTERN,
  parseVersion,
  compareVersions,
  RANGE_GRAMMAR,
  parseRange,
  satisfies,
  QUANTITY_PATTERN,
  catalogSchema
};
