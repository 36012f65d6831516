import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  DEFAULT_OUTPUT,
  TOOL_VERSION,
  parseBoolean,
  parsePromotionInputs,
  secretValues
} from "./chunk-5CMOCK5Q.js";
import {
  TAR_LAYER_FORMAT,
  writeTarLayer
} from "./chunk-VDEDRRDI.js";
import {
  createStatementSigner
} from "./chunk-6CD5TJ22.js";
import {
  PROMOTION_PREDICATE_TYPE,
  attestationArtifact,
  promotionStatement,
  statementBytes
} from "./chunk-QAKX5YTZ.js";
import {
  openRegistry
} from "./chunk-NLQSKTAS.js";
import {
  SchemaError
} from "./chunk-N2JUA4T2.js";
import {
  requirementFromEnvironment,
  requirementFromInputs,
  usesPublicGood,
  withPublicGoodRoot
} from "./chunk-I7UPCRVL.js";
import {
  refreshPublicGoodRoot
} from "./chunk-EBQLRF5O.js";
import {
  verifyBundle,
  verifyModel
} from "./chunk-HI2WCFYO.js";
import {
  distinguishedName
} from "./chunk-F5ANEZUO.js";
import {
  DEFAULT_IGNORE_PATHS,
  compareManifest,
  createContentCheck,
  formatShardName,
  ignoreMatcher,
  parseShardName,
  resourceAlgorithm,
  shardRanges
} from "./chunk-K6FNU6RV.js";
import {
  keyFingerprint
} from "./chunk-LMK7K5QS.js";
import {
  pemProblem
} from "./chunk-FLPVL2F2.js";
import {
  environmentStats,
  historyWith
} from "./chunk-DBH2WL4U.js";
import {
  renderSummaryMarkdown
} from "./chunk-2GSNF3NN.js";
import {
  ImageError,
  readBaseRuntimes,
  resolveBaseImage
} from "./chunk-GRPO3PEL.js";
import {
  baseRuntimeKey,
  basesToInspect,
  environmentOf,
  resolvePool
} from "./chunk-PBWPUDFK.js";
import {
  DownloadCache
} from "./chunk-ESO4EEQ5.js";
import {
  PROMOTION_RECORD_TYPE,
  SIGSTORE_BUNDLE_TYPE,
  attachReferrer
} from "./chunk-FYILUEUX.js";
import {
  SigningError
} from "./chunk-LIF43B6R.js";
import {
  RegistryClients,
  checkRefName,
  layoutTarget,
  parseRepository,
  registryTarget
} from "./chunk-72TF4PTO.js";
import {
  RegistrySink,
  byteProgress,
  streamProgress
} from "./chunk-GZ6HYG7E.js";
import {
  formatBytes
} from "./chunk-R2UCZZQQ.js";
import {
  mapLimited
} from "./chunk-P4GOECZY.js";
import {
  stableJson
} from "./chunk-MDC4KYY5.js";
import {
  silentLogger
} from "./chunk-WPYXZ6I6.js";
import {
  Annotation,
  DigestCounter,
  MediaType,
  isDigest,
  sha256Digest
} from "./chunk-BPKCH6W6.js";
import {
  SerializeError
} from "./chunk-EXPRFBUG.js";
import {
  PREFIX,
  acceptsLayoutImages,
  clusterSource,
  promotionMetadata,
  resourceName,
  shortHash
} from "./chunk-VTYTHM25.js";
import {
  DeployError
} from "./chunk-PJU7HQSL.js";
import {
  renderExplanationTable
} from "./chunk-CUXJFSTO.js";
import {
  formatFieldPath,
  loadCatalog
} from "./chunk-52W4BAMG.js";
import {
  DEFAULT_CATALOG_PATH
} from "./chunk-BDT4GVSW.js";
import {
  EnvironmentError
} from "./chunk-RVSVICZL.js";
import {
  external_exports
} from "./chunk-QTXGKDSB.js";
import {
  OciError
} from "./chunk-NE5QDH7Y.js";
import {
  require_dist
} from "./chunk-366W3JI3.js";
import {
  oneLine
} from "./chunk-TDPV7D6W.js";
import {
  isLoopback
} from "./chunk-36Q42R3Y.js";
import {
  PromotionError,
  UsageError,
  asPromotionError
} from "./chunk-237YPWJV.js";
import {
  __toESM
} from "./chunk-HANBNIMK.js";

// src/run-promotion.ts
import path10 from "node:path";

// src/attest/choose-signer.ts
import { readFile } from "node:fs/promises";
import path from "node:path";

// src/attest/key-signer.ts
function createKeySigner(privateKeyPem) {
  let sign;
  try {
    sign = createStatementSigner(privateKeyPem);
  } catch (error) {
    if (!(error instanceof SigningError)) throw error;
    throw new UsageError(
      error.code === "unsupported-key" ? "attest-key is not an ECDSA key on P-256, P-384 or P-521" : "attest-key is not a PEM private key (or it is encrypted)",
      "give an unencrypted PEM ECDSA private key, e.g. from `cosign generate-key-pair` decrypted, or `openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt`"
    );
  }
  return (statementJson) => Promise.resolve(sign(statementJson));
}

// src/attest/choose-signer.ts
async function chooseAttestationSigner(inputs, identityToken, cwd) {
  if (!inputs.attest) return void 0;
  if (inputs.attestKey) {
    return { method: "key", sign: createKeySigner(await readKey(inputs.attestKey, cwd)) };
  }
  if (!identityToken?.available) {
    throw new UsageError(
      "attest is on, with no attest-key and no OIDC identity token for keyless signing",
      identityToken?.howToEnable ?? "on GitHub grant `permissions: id-token: write`; in GitLab add `id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore`; or give attest-key"
    );
  }
  return { method: "keyless", sign: keylessSigner(identityToken) };
}
function keylessSigner(source) {
  void source;
  throw new UsageError(
    "keyless attestation signing is not available in this build",
    "give attest-key to sign the attestation with a key"
  );
}
async function readKey(value, cwd) {
  if (value.includes("-----BEGIN")) return value;
  try {
    return await readFile(path.resolve(cwd, value), "utf8");
  } catch {
    throw new UsageError(
      "attest-key is neither a PEM private key nor a readable file",
      "give the PEM text of the key (e.g. from a CI secret), or the path of a file holding it"
    );
  }
}

// src/promote.ts
import path9 from "node:path";

// src/promotion-apply.ts
import path5 from "node:path";

// src/deploy/render-config.ts
function configData(input) {
  const { model, pool } = input;
  const { serving } = pool;
  const data = {
    MODEL_NAME: model.name,
    MODEL_VERSION: model.version,
    MODEL_DIGEST: model.digest,
    MODEL_PATH: pool.image.modelPath,
    MODEL_ENVIRONMENT: input.environment,
    MODEL_POOL: pool.name,
    SERVING_PORT: String(serving.port),
    SERVING_HEALTH_PATH: serving.healthPath,
    SERVING_READINESS_PATH: serving.readinessPath ?? serving.healthPath,
    SERVING_INFERENCE_PATH: serving.inferencePath
  };
  if (serving.latencySLO?.p50Ms !== void 0)
    data.SERVING_LATENCY_SLO_P50_MS = String(serving.latencySLO.p50Ms);
  if (serving.latencySLO?.p95Ms !== void 0)
    data.SERVING_LATENCY_SLO_P95_MS = String(serving.latencySLO.p95Ms);
  if (pool.accelerator && pool.accelerator.vendor !== "none") {
    data.ACCELERATOR_VENDOR = pool.accelerator.vendor;
    data.ACCELERATOR_COUNT = String(pool.accelerator.count);
    if (pool.accelerator.product) data.ACCELERATOR_PRODUCT = pool.accelerator.product;
  }
  return data;
}
function renderConfigMap(input, meta2) {
  const data = configData(input);
  const hash = shortHash(JSON.stringify(Object.entries(data)), 10);
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: `${meta2.name}-${hash}`,
      namespace: input.pool.namespace,
      labels: { ...meta2.labels },
      annotations: { ...meta2.annotations }
    },
    immutable: true,
    data
  };
}

// src/deploy/render-input.ts
var RenderError = class extends PromotionError {
  name = "RenderError";
  constructor(kind, code, message, hint) {
    super(kind, code, message, hint);
  }
};

// src/deploy/render-container.ts
var ACCELERATOR_RESOURCE = {
  nvidia: "nvidia.com/gpu",
  amd: "amd.com/gpu",
  intel: "gpu.intel.com/i915",
  google: "google.com/tpu",
  aws: "aws.amazon.com/neuron",
  none: void 0
};
var STARTUP_SECONDS = 600;
var PROGRESS_DEADLINE_SECONDS = STARTUP_SECONDS + 300;
function isNative(name) {
  return !name.includes("/") || name.startsWith("kubernetes.io/");
}
function resourcesFor(pool) {
  const base = {};
  if (pool.cpu !== void 0) base.cpu = String(pool.cpu);
  if (pool.memory !== void 0) base.memory = String(pool.memory);
  const accelerator = pool.accelerator;
  const device = accelerator && (accelerator.resourceName ?? ACCELERATOR_RESOURCE[accelerator.vendor]);
  if (accelerator && device && accelerator.count > 0) base[device] = String(accelerator.count);
  const requests = { ...base };
  const limits = { ...base };
  for (const [key, value] of Object.entries(pool.resources?.requests ?? {})) requests[key] = String(value);
  for (const [key, value] of Object.entries(pool.resources?.limits ?? {})) limits[key] = String(value);
  for (const key of /* @__PURE__ */ new Set([...Object.keys(requests), ...Object.keys(limits)])) {
    if (isNative(key)) continue;
    const request = requests[key];
    const limit = limits[key];
    if (request !== void 0 && limit !== void 0 && request !== limit) {
      throw new RenderError(
        "usage",
        "resources-mismatch",
        `pool ${pool.name}: extended resource ${key} requests ${request} but limits ${limit}`,
        `give ${key} the same value in resources.requests and resources.limits (or set it in one only)`
      );
    }
    requests[key] = limits[key] = request ?? limit;
  }
  const resources = {};
  if (Object.keys(requests).length > 0) resources.requests = requests;
  if (Object.keys(limits).length > 0) resources.limits = limits;
  return resources;
}
function probe(path11, port, periodSeconds, failureThreshold) {
  return { httpGet: { path: path11, port }, periodSeconds, timeoutSeconds: 5, failureThreshold };
}
function container(pool, options) {
  const { serving } = pool;
  const port = options.portName ?? serving.port;
  const resources = resourcesFor(pool);
  return {
    name: options.name,
    image: options.image,
    imagePullPolicy: "IfNotPresent",
    ports: [
      options.portName ? { name: options.portName, containerPort: serving.port, protocol: "TCP" } : { containerPort: serving.port, protocol: "TCP" }
    ],
    envFrom: [{ configMapRef: { name: options.configMap } }],
    ...Object.keys(resources).length > 0 ? { resources } : {},
    startupProbe: probe(serving.healthPath, port, 10, STARTUP_SECONDS / 10),
    livenessProbe: probe(serving.healthPath, port, 10, 3),
    readinessProbe: probe(serving.readinessPath ?? serving.healthPath, port, 5, 3),
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" }
    },
    volumeMounts: scratchVolumes(pool).map((volume) => ({ name: volume.name, mountPath: volume.mountPath }))
  };
}
function withMounts(container2, extra) {
  if (!extra) return container2;
  const own = container2.volumeMounts ?? [];
  return { ...container2, volumeMounts: [...own, ...extra.volumeMounts] };
}
function scratchVolumes(pool) {
  const volumes2 = [{ name: "tmp", mountPath: "/tmp", emptyDir: {} }];
  if (pool.accelerator && pool.accelerator.vendor !== "none") {
    volumes2.push({ name: "dshm", mountPath: "/dev/shm", emptyDir: { medium: "Memory" } });
  }
  return volumes2;
}
function volumes(pool) {
  return scratchVolumes(pool).map(({ name, emptyDir }) => ({ name, emptyDir }));
}
function placement(pool) {
  return {
    ...Object.keys(pool.nodeSelector).length > 0 ? { nodeSelector: { ...pool.nodeSelector } } : {},
    ...pool.tolerations.length > 0 ? { tolerations: pool.tolerations.map((t) => ({ ...t })) } : {}
  };
}
function checkUtilizationRequests(pool, metrics) {
  const requests = resourcesFor(pool).requests ?? {};
  for (const metric of metrics) {
    const source = metric.resource ?? metric.containerResource;
    if (source?.target?.type !== "Utilization" || !source.name) continue;
    if (requests[source.name] === void 0) {
      throw new RenderError(
        "usage",
        "scaling-needs-request",
        `pool ${pool.name}: autoscaling on ${source.name} utilization, but the container requests no ${source.name}`,
        `set ${source.name} on the pool (or resources.requests.${source.name}), or scale on another metric`
      );
    }
  }
}

// src/deploy/render-deployment.ts
var CONTAINER = "model-server";
var DEFAULT_CPU_TARGET = 80;
function meta(input, m) {
  return {
    name: m.name,
    namespace: input.pool.namespace,
    labels: { ...m.labels },
    annotations: { ...m.annotations }
  };
}
function renderDeployment(input, m, configMap, validation) {
  const { pool } = input;
  const server = container(pool, {
    name: CONTAINER,
    image: input.image.reference,
    configMap,
    portName: "http"
  });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(input, m),
    spec: {
      replicas: pool.scaling.minReplicas,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      selector: { matchLabels: { ...m.selector } },
      template: {
        metadata: {
          labels: { ...m.podLabels, ...validation?.labels },
          annotations: { ...m.podAnnotations, "kubectl.kubernetes.io/default-container": CONTAINER }
        },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            // The init container the model-validation-operator injects has no user of its own: the
            // pod's runAsNonRoot would refuse to start it if its image ran as root.
            ...validation && { runAsUser: 65532, runAsGroup: 65532 },
            seccompProfile: { type: "RuntimeDefault" }
          },
          containers: [withMounts(server, validation)],
          volumes: [...volumes(pool), ...validation?.volumes ?? []],
          ...placement(pool)
        }
      }
    }
  };
}
function renderService(input, m) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(input, m),
    spec: {
      type: "ClusterIP",
      selector: { ...m.selector },
      ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]
    }
  };
}
function hpaMetrics(input) {
  const { scaling } = input.pool;
  if (scaling.metrics && scaling.metrics.length > 0) return scaling.metrics.map((metric) => ({ ...metric }));
  const averageUtilization = scaling.targetCPUUtilization ?? DEFAULT_CPU_TARGET;
  return [
    { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization } } }
  ];
}
function renderAutoscaler(input, m) {
  const { pool } = input;
  if (pool.scaling.maxReplicas <= pool.scaling.minReplicas) return void 0;
  const metrics = hpaMetrics(input);
  checkUtilizationRequests(pool, metrics);
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: meta(input, m),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: m.name },
      minReplicas: pool.scaling.minReplicas,
      maxReplicas: pool.scaling.maxReplicas,
      metrics
    }
  };
}

// src/deploy/render-kserve.ts
var KSERVE_CONTAINER = "kserve-container";
var KSERVE_NAME_MAX = 45;
function kserveScaling(input) {
  const { pool } = input;
  const metrics = pool.scaling.metrics ?? [];
  if (metrics.length === 0) {
    const target2 = pool.scaling.targetCPUUtilization;
    return target2 === void 0 ? void 0 : { scaleMetric: "cpu", scaleTarget: target2 };
  }
  const [metric] = metrics;
  const resource = metric?.resource;
  const name = resource?.name;
  const target = resource?.target?.averageUtilization;
  if (metrics.length === 1 && metric?.type === "Resource" && (name === "cpu" || name === "memory") && resource?.target?.type === "Utilization" && typeof target === "number") {
    return { scaleMetric: name, scaleTarget: target };
  }
  throw new RenderError(
    "usage",
    "kserve-metrics-unsupported",
    `pool ${pool.name}: the kserve form scales on one cpu or memory Utilization target, not on scaling.metrics ${JSON.stringify(metrics)}`,
    "use scaling.targetCPUUtilization, or a single Resource cpu/memory Utilization metric, or form: deployment"
  );
}
function renderInferenceService(input, m, configMap, validation) {
  const { pool } = input;
  const scaling = pool.scaling.maxReplicas > pool.scaling.minReplicas ? kserveScaling(input) : void 0;
  if (scaling) {
    checkUtilizationRequests(pool, [
      { type: "Resource", resource: { name: scaling.scaleMetric, target: { type: "Utilization" } } }
    ]);
  }
  return {
    apiVersion: "serving.kserve.io/v1beta1",
    kind: "InferenceService",
    metadata: {
      name: m.name,
      namespace: pool.namespace,
      labels: { ...m.labels },
      annotations: { ...m.annotations }
    },
    spec: {
      predictor: {
        minReplicas: pool.scaling.minReplicas,
        maxReplicas: pool.scaling.maxReplicas,
        ...scaling ?? {},
        labels: { ...m.podLabels, ...validation?.labels },
        annotations: { ...m.podAnnotations },
        containers: [
          withMounts(
            container(pool, { name: KSERVE_CONTAINER, image: input.image.reference, configMap }),
            validation
          )
        ],
        volumes: [...volumes(pool), ...validation?.volumes ?? []],
        ...placement(pool)
      }
    }
  };
}

// src/deploy/render-model-validation.ts
import { posix } from "node:path";
var MODEL_VALIDATION_API_VERSION = "ml.sigstore.dev/v1alpha1";
var MODEL_VALIDATION_KIND = "ModelValidation";
var MODEL_VALIDATION_LABEL = "validation.ml.sigstore.dev/ml";
var TRUST_MOUNT_PATH = "/var/run/model-promote/model-trust";
var IMAGE_VOLUME = "model-image";
var TRUST_VOLUME = "model-trust";
function renderModelValidation(input, meta2) {
  const { pool } = input;
  const asked = pool.modelValidation;
  if (!asked?.enabled) return void 0;
  const validation = input.modelValidation;
  if (!validation) {
    throw new RenderError(
      "failed",
      "model-validation-unavailable",
      `pool ${pool.name} asks for in-cluster model validation, but the promotion has no signature in the image to validate`
    );
  }
  const { mountPath } = asked;
  checkMountPath(mountPath, pool.name, pool.image.modelPath);
  const namespace = pool.namespace;
  const labels = { ...meta2.labels };
  const annotations = { ...meta2.annotations };
  const trust = trustFile(validation.policy);
  const trustConfigMap = trust && {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      // Named by its content and immutable, as the server's ConfigMap: a rollback brings back pods
      // that check against their own version's key.
      name: `${meta2.name}-trust-${shortHash(JSON.stringify(trust), 10)}`,
      namespace,
      labels,
      annotations
    },
    immutable: true,
    data: { [trust.file]: trust.pem }
  };
  const spec = {
    model: {
      path: posix.join(mountPath, pool.image.modelPath),
      signaturePath: posix.join(mountPath, validation.signaturePath)
    },
    config: validationConfig(validation.policy)
  };
  const name = `${meta2.name.slice(0, 63 - 9).replace(/-+$/, "")}-${shortHash(JSON.stringify(spec))}`;
  const modelValidation = {
    apiVersion: MODEL_VALIDATION_API_VERSION,
    kind: MODEL_VALIDATION_KIND,
    metadata: { name, namespace, labels, annotations },
    spec
  };
  return {
    objects: [...trustConfigMap ? [trustConfigMap] : [], modelValidation],
    pod: {
      labels: { [MODEL_VALIDATION_LABEL]: name },
      volumes: [
        { name: IMAGE_VOLUME, image: { reference: input.image.reference, pullPolicy: "IfNotPresent" } },
        ...trustConfigMap ? [{ name: TRUST_VOLUME, configMap: { name: trustConfigMap.metadata.name } }] : []
      ],
      volumeMounts: [
        { name: IMAGE_VOLUME, mountPath, readOnly: true },
        ...trustConfigMap ? [{ name: TRUST_VOLUME, mountPath: TRUST_MOUNT_PATH, readOnly: true }] : []
      ]
    }
  };
}
function trustFile(policy) {
  if (policy.method === "key") return { file: "key.pub", pem: policy.publicKey };
  if (policy.method === "certificate") return { file: "anchors.pem", pem: policy.anchors };
  return void 0;
}
function validationConfig(policy) {
  switch (policy.method) {
    case "keyless":
      return {
        sigstoreConfig: { certificateIdentity: policy.identity, certificateOidcIssuer: policy.issuer }
      };
    case "key":
      return { privateKeyConfig: { keyPath: posix.join(TRUST_MOUNT_PATH, "key.pub") } };
    case "certificate":
      return { pkiConfig: { certificateAuthority: posix.join(TRUST_MOUNT_PATH, "anchors.pem") } };
  }
}
function checkMountPath(mountPath, pool, modelPath) {
  const clash = [modelPath, "/tmp", "/dev/shm", TRUST_MOUNT_PATH].find((other) => {
    const a = `${posix.normalize(mountPath).replace(/\/+$/, "")}/`;
    const b = `${posix.normalize(other).replace(/\/+$/, "")}/`;
    return a.startsWith(b) || b.startsWith(a);
  });
  if (clash) {
    throw new RenderError(
      "usage",
      "model-validation-mount-invalid",
      `pool ${pool}: modelValidation.mountPath ${mountPath} overlaps ${clash}`,
      "mount the image where the server reads nothing, e.g. /var/run/model-promote/image"
    );
  }
}

// src/deploy/render.ts
var PINNED = /@(sha256:[a-f0-9]{64})$/;
function pinnedDigest(image) {
  const match = PINNED.exec(image.reference);
  if (!match) {
    throw new RenderError(
      "usage",
      "image-not-pinned",
      `image ${image.reference} is not pinned by digest`,
      "deploy the image by digest (REPO@sha256:<64 hex>), as the build step reports it"
    );
  }
  if (match[1] !== image.digest) {
    throw new RenderError(
      "failed",
      "image-digest-mismatch",
      `image ${image.reference} does not match its digest ${image.digest}`,
      "pass the digest the image was pushed with"
    );
  }
  return match[1];
}
function renderManifests(input) {
  pinnedDigest(input.image);
  const kserve = input.pool.form === "kserve";
  const name = resourceName(input.model.name, input.environment, kserve ? KSERVE_NAME_MAX : void 0);
  const meta2 = promotionMetadata(input, name);
  const configMap = renderConfigMap(input, meta2);
  const validation = renderModelValidation(input, meta2);
  const before = [configMap, ...validation?.objects ?? []];
  if (kserve)
    return [...before, renderInferenceService(input, meta2, configMap.metadata.name, validation?.pod)];
  const autoscaler = renderAutoscaler(input, meta2);
  return [
    ...before,
    renderDeployment(input, meta2, configMap.metadata.name, validation?.pod),
    renderService(input, meta2),
    ...autoscaler ? [autoscaler] : []
  ];
}

// src/deploy/user-manifests.ts
var import_yaml = __toESM(require_dist(), 1);
import { glob, readFile as readFile2 } from "node:fs/promises";
import path2 from "node:path";
var PLACEHOLDERS = [
  "IMAGE",
  "IMAGE_DIGEST",
  "MODEL_NAME",
  "MODEL_VERSION",
  "MODEL_DIGEST",
  "NAMESPACE"
];
var CLUSTER_SCOPED = /* @__PURE__ */ new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "PersistentVolume",
  "StorageClass",
  "PriorityClass",
  "IngressClass",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration"
]);
function substitute(text, values) {
  return text.replace(
    /\$\{([A-Z_]+)\}/g,
    (whole, key) => PLACEHOLDERS.includes(key) ? values[key] : whole
  );
}
function parseManifests(text, source, values, promotion) {
  const objects = [];
  for (const [index, doc] of (0, import_yaml.parseAllDocuments)(substitute(text, values)).entries()) {
    if (doc.errors.length > 0) {
      throw new DeployError(
        "usage",
        "manifest-invalid",
        `${source}: document ${index + 1}: ${doc.errors[0]?.message ?? "invalid YAML"}`
      );
    }
    const value = doc.toJS();
    if (value === null || value === void 0) continue;
    const items = value.kind?.endsWith("List") ? value.items ?? [] : [value];
    for (const item of items) {
      const o = item;
      if (!o || typeof o !== "object" || !o.apiVersion || !o.kind || !o.metadata?.name) {
        throw new DeployError(
          "usage",
          "manifest-invalid",
          `${source}: document ${index + 1} is not a Kubernetes object (apiVersion, kind and metadata.name are required)`
        );
      }
      if (!o.metadata.namespace && !CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = values.NAMESPACE;
      o.metadata.annotations = {
        ...o.metadata.annotations,
        [`${PREFIX}/promotion-id`]: promotion.promotionId,
        [`${PREFIX}/model`]: values.MODEL_NAME,
        [`${PREFIX}/version`]: values.MODEL_VERSION
      };
      objects.push(o);
    }
  }
  return objects;
}
async function manifestFiles(patterns, cwd) {
  const files = [];
  for (const pattern of patterns.map((p) => p.trim()).filter(Boolean)) {
    const matched = [];
    for await (const file of glob(pattern, { cwd })) matched.push(path2.resolve(cwd, file));
    const yaml = matched.filter((f) => /\.(ya?ml|json)$/i.test(f)).sort();
    if (yaml.length === 0) {
      throw new DeployError(
        "usage",
        "manifest-invalid",
        `manifests: ${pattern} matches no .yaml, .yml or .json file (from ${cwd})`,
        "give file paths or globs relative to the working directory"
      );
    }
    for (const file of yaml) if (!files.includes(file)) files.push(file);
  }
  return files;
}
async function loadUserManifests(patterns, cwd, values, promotion) {
  const objects = [];
  for (const file of await manifestFiles(patterns, cwd)) {
    objects.push(
      ...parseManifests(await readFile2(file, "utf8"), path2.relative(cwd, file) || file, values, promotion)
    );
  }
  return objects;
}

// src/deploy/write-manifests.ts
var import_yaml2 = __toESM(require_dist(), 1);
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
var WRITTEN = /^(\d{2}-[a-z0-9]+-[a-z0-9.-]+\.yaml|all\.yaml)$/;
function manifestYaml(object) {
  return (0, import_yaml2.stringify)(object, { lineWidth: 0, sortMapEntries: false });
}
function manifestFileName(index, object) {
  return `${String(index + 1).padStart(2, "0")}-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
}
async function writeManifests(dir, objects) {
  await mkdir(dir, { recursive: true });
  for (const entry of await readdir(dir)) if (WRITTEN.test(entry)) await rm(join(dir, entry));
  const paths = [];
  const documents = [];
  for (const [index, object] of objects.entries()) {
    const text = manifestYaml(object);
    const path11 = join(dir, manifestFileName(index, object));
    await writeFile(path11, text);
    paths.push(path11);
    documents.push(text);
  }
  const all = join(dir, "all.yaml");
  await writeFile(all, documents.map((text) => `---
${text}`).join(""));
  paths.push(all);
  return paths;
}

// src/image/image-config.ts
var LABEL_PREFIX = "dev.model-promote";
function createdAt(sourceDateEpoch) {
  return new Date(sourceDateEpoch * 1e3).toISOString().replace(/\.\d{3}Z$/, "Z");
}
function driverEnvName(key) {
  if (key === "version") return "DRIVER_VERSION";
  const snake = key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/[^A-Za-z0-9]+/g, "_").toUpperCase().replace(/^_+|_+$/g, "");
  return snake.endsWith("_VERSION") || snake === "VERSION" ? snake : `${snake}_VERSION`;
}
function sortedEntries(record) {
  return Object.entries(record ?? {}).filter((e) => e[1] !== void 0).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
}
function configChanges(input) {
  const { pool, model } = input;
  const created = createdAt(input.sourceDateEpoch);
  const driver = sortedEntries(pool.driver);
  const env = [
    ...driver.map(([key, value]) => [driverEnvName(key), value]),
    ...sortedEntries(pool.image.env),
    ["MODEL_PATH", input.modelPath],
    ...input.signaturePath ? [["MODEL_SIGNATURE_PATH", input.signaturePath]] : [],
    ["MODEL_NAME", model.name],
    ["MODEL_VERSION", model.version]
  ];
  const accelerator = pool.accelerator ? [pool.accelerator.vendor, pool.accelerator.product].filter(Boolean).join("/") : void 0;
  const oci = {
    [Annotation.Created]: created,
    [Annotation.Title]: model.name,
    [Annotation.Version]: model.version,
    ...input.source ? { [Annotation.Source]: input.source } : {},
    ...input.base.name ? { [Annotation.BaseName]: input.base.name } : {},
    ...input.base.digest ? { [Annotation.BaseDigest]: input.base.digest } : {}
  };
  const labels = {
    ...pool.image.labels,
    ...oci,
    [`${LABEL_PREFIX}.model.name`]: model.name,
    [`${LABEL_PREFIX}.model.version`]: model.version,
    [`${LABEL_PREFIX}.model.digest`]: model.digest,
    ...input.signaturePath ? { [`${LABEL_PREFIX}.model.signature`]: input.signaturePath } : {},
    [`${LABEL_PREFIX}.pool`]: pool.name,
    ...accelerator ? { [`${LABEL_PREFIX}.accelerator`]: accelerator } : {},
    ...Object.fromEntries(driver.map(([key, value]) => [`${LABEL_PREFIX}.driver.${key}`, value]))
  };
  return {
    created,
    env,
    labels,
    ...pool.image.entrypoint ? { entrypoint: pool.image.entrypoint } : {},
    ...pool.image.cmd ? { cmd: pool.image.cmd } : {},
    annotations: oci
  };
}
function mergeEnv(base, changes) {
  const merged = [...base];
  for (const [key, value] of changes) {
    const at = merged.findIndex((line) => line === key || line.startsWith(`${key}=`));
    if (at >= 0) merged[at] = `${key}=${value}`;
    else merged.push(`${key}=${value}`);
  }
  return merged;
}
function applyConfigChanges(base, changes, layers) {
  const runtime = base.config ?? {};
  const history = [
    ...base.history ?? [],
    ...layers.map((layer) => ({ created: changes.created, created_by: layer.createdBy }))
  ];
  const { Cmd: baseCmd, Entrypoint: baseEntrypoint, ...rest } = runtime;
  const entrypoint = changes.entrypoint ?? baseEntrypoint;
  const cmd = changes.cmd ?? (changes.entrypoint ? void 0 : baseCmd);
  return {
    ...base,
    created: changes.created,
    config: {
      ...rest,
      Env: mergeEnv(runtime.Env ?? [], changes.env),
      Labels: { ...runtime.Labels ?? {}, ...changes.labels },
      ...entrypoint ? { Entrypoint: entrypoint } : {},
      ...cmd ? { Cmd: cmd } : {}
    },
    rootfs: { type: "layers", diff_ids: [...base.rootfs.diff_ids, ...layers.map((l) => l.diffId)] },
    history
  };
}

// src/image/layer-key.ts
import { createHash } from "node:crypto";
var HEX64 = /^[a-f0-9]{64}$/;
function layerKey(layer, sourceDateEpoch, fileSha256, format = TAR_LAYER_FORMAT) {
  const entries = [];
  for (const entry of layer.entries) {
    if (entry.kind === "directory") {
      entries.push(["directory", entry.name]);
      continue;
    }
    const sha256 = fileSha256.get(entry.file.path)?.toLowerCase();
    if (sha256 === void 0 || !HEX64.test(sha256)) return void 0;
    entries.push(["file", entry.name, entry.file.size, sha256]);
  }
  const text = JSON.stringify([format, sourceDateEpoch, entries]);
  return createHash("sha256").update(text, "utf8").digest("hex");
}

// src/image/plan.ts
import { basename } from "node:path";

// src/image/layer-plan.ts
import { posix as posix2 } from "node:path";
var OWN_LAYER_THRESHOLD = 64 * 1024 * 1024;
function compareNames(a, b) {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
function tarPrefix(modelPath) {
  const trimmed = modelPath.replace(/^\/+|\/+$/g, "");
  if (!modelPath.startsWith("/") || trimmed !== "" && !isCleanRelative(trimmed)) {
    throw new ImageError(
      "usage",
      "model-path-invalid",
      `image modelPath ${JSON.stringify(modelPath)} is not a clean absolute path`,
      'write it like /models (no "..", ".", or "//")'
    );
  }
  return trimmed;
}
function isCleanRelative(path11) {
  return path11.split("/").every((s) => s !== "" && s !== "." && s !== "..") && !path11.includes("\0");
}
function checkModelFiles(files) {
  if (files.length === 0) {
    throw new ImageError("failed", "model-empty", "the model has no files to put in the image");
  }
  const seen = /* @__PURE__ */ new Set();
  for (const file of files) {
    if (!isCleanRelative(file.path) || posix2.normalize(file.path) !== file.path) {
      throw new ImageError(
        "failed",
        "model-path-invalid",
        `model file path ${JSON.stringify(file.path)} is not a clean relative POSIX path`
      );
    }
    if (!Number.isSafeInteger(file.size) || file.size < 0) {
      throw new ImageError(
        "failed",
        "model-path-invalid",
        `model file ${file.path} has invalid size ${file.size}`
      );
    }
    if (seen.has(file.path)) {
      throw new ImageError("failed", "model-path-invalid", `model file ${file.path} is listed twice`);
    }
    seen.add(file.path);
  }
  for (const path11 of seen) {
    for (let dir = posix2.dirname(path11); dir !== "."; dir = posix2.dirname(dir)) {
      if (seen.has(dir)) {
        throw new ImageError(
          "failed",
          "model-path-invalid",
          `model file ${dir} is also the folder of ${path11}`
        );
      }
    }
  }
}
function layerOf(kind, files, prefix) {
  const entries = /* @__PURE__ */ new Map();
  for (const file of files) {
    const name = prefix ? `${prefix}/${file.path}` : file.path;
    const segments = name.split("/");
    for (let i = 1; i < segments.length; i++) {
      const dir = `${segments.slice(0, i).join("/")}/`;
      entries.set(dir, { kind: "directory", name: dir });
    }
    entries.set(name, { kind: "file", name, file });
  }
  const sorted = [...entries.values()].sort((a, b) => compareNames(a.name, b.name));
  return {
    kind,
    entries: sorted,
    files: sorted.flatMap((e) => e.kind === "file" ? [e.file] : []),
    bytes: files.reduce((sum, f) => sum + f.size, 0)
  };
}
function planLayers(files, modelPath, threshold = OWN_LAYER_THRESHOLD) {
  checkModelFiles(files);
  const prefix = tarPrefix(modelPath);
  const small = files.filter((f) => f.size < threshold);
  const big = files.filter((f) => f.size >= threshold).sort((a, b) => compareNames(a.path, b.path));
  return [
    ...small.length > 0 ? [layerOf("shared", small, prefix)] : [],
    ...big.map((f) => layerOf("file", [f], prefix))
  ];
}
var SIGNATURE_NAME = "model.sig";
function signatureImagePath(modelPath) {
  const prefix = tarPrefix(modelPath);
  return `/${prefix ? `${prefix}/` : ""}${SIGNATURE_NAME}`;
}
function planSignatureLayer(signature, modelPath, files) {
  if (files.some((f) => f.path === SIGNATURE_NAME)) {
    throw new ImageError(
      "usage",
      "model-path-invalid",
      `the model has a file named ${SIGNATURE_NAME}, where the image keeps the model's signature`,
      `rename that file, or keep the signature as ${SIGNATURE_NAME} inside the model folder (then it is not a model file)`
    );
  }
  const prefix = tarPrefix(modelPath);
  const file = { path: signature.source, size: signature.size };
  const entries = [
    ...prefix.split("/").flatMap(
      (_, i, segments) => prefix ? [{ kind: "directory", name: `${segments.slice(0, i + 1).join("/")}/` }] : []
    ),
    { kind: "file", name: signatureImagePath(modelPath).slice(1), file }
  ];
  return { kind: "signature", entries, files: [file], bytes: signature.size };
}

// src/image/plan.ts
function createdBy(layer, modelPath) {
  if (layer.kind === "signature") {
    return `model-promote: COPY model signature ${signatureImagePath(modelPath)}`;
  }
  if (layer.kind === "file") {
    const file = layer.files[0];
    return `model-promote: COPY ${file.path} ${modelPath.replace(/\/+$/, "")}/${file.path}`;
  }
  const n = layer.files.length;
  return `model-promote: COPY model files (${n} file${n === 1 ? "" : "s"}) ${modelPath}`;
}
function planImage(input) {
  input.tags.forEach(checkRefName);
  const { pool, base } = input;
  const modelPath = pool.image.modelPath;
  const layers = planLayers(input.files, modelPath).map((layer) => ({
    ...layer,
    createdBy: createdBy(layer, modelPath),
    ...layer.kind === "file" ? { annotations: { [Annotation.Title]: layer.files[0].path } } : {}
  }));
  const signature = input.signature;
  const signatureLayer = signature && planSignatureLayer(
    { source: basename(signature.name), size: signature.bytes.byteLength },
    modelPath,
    input.files
  );
  const signaturePath = signature && signatureImagePath(modelPath);
  return {
    platform: pool.image.platform,
    modelPath,
    tags: [...input.tags],
    base: {
      reference: base.reference,
      ...base.digest ? { digest: base.digest } : {},
      layers: base.layers.length,
      bytes: base.layers.reduce((sum, l) => sum + l.descriptor.size, 0)
    },
    layers,
    ...signatureLayer && {
      signatureLayer: { ...signatureLayer, createdBy: createdBy(signatureLayer, modelPath) },
      signaturePath
    },
    config: configChanges({
      pool,
      model: input.model,
      modelPath,
      ...signaturePath && { signaturePath },
      base,
      sourceDateEpoch: input.sourceDateEpoch ?? 0,
      ...input.source ? { source: input.source } : {}
    }),
    modelBytes: layers.reduce((sum, l) => sum + l.bytes, 0)
  };
}

// src/image/build.ts
async function buildImage(input, sink, hooks = {}) {
  const plan = planImage(input);
  const { base } = input;
  let baseDone = 0;
  for (const layer of base.layers) {
    await sink.writeBlob(layer.descriptor, () => layer.open());
    baseDone += layer.descriptor.size;
    hooks.progress?.({ stage: "base layers", bytesDone: baseDone, bytesTotal: plan.base.bytes });
  }
  const layerDone = plan.layers.map(() => 0);
  const reportModel = () => hooks.progress?.({
    stage: "model layers",
    bytesDone: layerDone.reduce((sum, n) => sum + n, 0),
    bytesTotal: plan.modelBytes
  });
  const sourceDateEpoch = input.sourceDateEpoch ?? 0;
  const { layerDigests, fileSha256 } = hooks;
  let reusedLayers = 0;
  const stop = new AbortController();
  const modelLayers = await mapLimited(plan.layers, hooks.concurrency ?? 3, async (layer, i) => {
    try {
      return await modelLayer(layer, i);
    } catch (error) {
      stop.abort(error);
      throw error;
    }
  });
  async function modelLayer(layer, i) {
    const key = layerDigests && fileSha256 ? layerKey(layer, sourceDateEpoch, fileSha256) : void 0;
    const known = key !== void 0 ? await layerDigests?.get(key) : void 0;
    if (known && await sink.hasBlob(known.digest)) {
      layerDone[i] = layer.bytes;
      reportModel();
      reusedLayers++;
      return layerDescriptor(known, layer.annotations);
    }
    const written = await writeTarLayer(
      layer,
      {
        ...input.directory !== void 0 && { directory: input.directory },
        ...input.openFile && { openFile: input.openFile },
        ...input.openFileFrom && { openFileFrom: input.openFileFrom },
        sourceDateEpoch,
        signal: stop.signal,
        ...hooks.check ? { check: hooks.check } : {},
        ...hooks.progress && {
          onLayerProgress: (bytes) => {
            layerDone[i] = bytes;
            reportModel();
          }
        }
      },
      sink,
      layer.annotations
    );
    if (key !== void 0 && (known?.digest !== written.digest || known.size !== written.size)) {
      await layerDigests?.set(key, { digest: written.digest, size: written.size });
    }
    return written;
  }
  const signatureLayer = await writeSignatureLayer(input, plan, sourceDateEpoch, sink);
  const added = [
    ...modelLayers.map((d, i) => ({ diffId: d.digest, createdBy: plan.layers[i].createdBy })),
    ...signatureLayer ? [{ diffId: signatureLayer.digest, createdBy: plan.signatureLayer.createdBy }] : []
  ];
  const config = applyConfigChanges(base.config, plan.config, added);
  const configBytes = stableJson(config);
  const configDescriptor = await sink.writeBlob(
    { mediaType: MediaType.ImageConfig, digest: sha256Digest(configBytes), size: configBytes.byteLength },
    async function* () {
      yield configBytes;
    }
  );
  const layers = [
    ...base.layers.map((l) => l.descriptor),
    ...modelLayers,
    ...signatureLayer ? [signatureLayer] : []
  ];
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    config: {
      mediaType: MediaType.ImageConfig,
      digest: configDescriptor.digest,
      size: configDescriptor.size
    },
    layers,
    annotations: plan.config.annotations
  };
  const manifestBytes = stableJson(manifest);
  const descriptor2 = await sink.writeManifest(manifestBytes, MediaType.ImageManifest, plan.tags);
  return {
    manifestDigest: descriptor2.digest,
    manifest: { descriptor: descriptor2, bytes: manifestBytes },
    configDigest: configDescriptor.digest,
    config,
    layers,
    modelLayers,
    ...signatureLayer && { signatureLayer },
    ...base.digest ? { baseDigest: base.digest } : {},
    size: descriptor2.size + configDescriptor.size + layers.reduce((sum, l) => sum + l.size, 0),
    reusedLayers,
    tags: plan.tags,
    plan
  };
}
async function writeSignatureLayer(input, plan, sourceDateEpoch, sink) {
  const signature = input.signature;
  if (!signature || !plan.signatureLayer) return void 0;
  const bytes = signature.bytes;
  return writeTarLayer(
    plan.signatureLayer,
    {
      sourceDateEpoch,
      openFile: async () => (async function* () {
        yield bytes;
      })()
    },
    sink
  );
}
function layerDescriptor(known, annotations) {
  const descriptor2 = { mediaType: MediaType.Layer, digest: known.digest, size: known.size };
  return annotations ? { ...descriptor2, annotations } : descriptor2;
}

// src/image/builder.ts
import { execFile } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";
import { copyFile, link, mkdir as mkdir2, mkdtemp, readFile as readFile3, rm as rm2, writeFile as writeFile2 } from "node:fs/promises";
import { tmpdir } from "node:os";
import path3 from "node:path";
import { pipeline } from "node:stream/promises";

// src/image/builder-error.ts
var BuilderError = class extends PromotionError {
  name = "BuilderError";
};

// src/image/containerfile.ts
var CONTEXT_MODEL_DIR = "model";
var CONTEXT_SIGNATURE_FILE = "signature/model.sig";
var ALLOWED_STEP_INSTRUCTIONS = [
  "RUN",
  "ENV",
  "ARG",
  "WORKDIR",
  "USER",
  "LABEL",
  "SHELL",
  "EXPOSE"
];
function fromOperand(base) {
  if (base.kind === "scratch") return "scratch";
  if (!base.name || !base.digest?.startsWith("sha256:")) {
    throw new BuilderError(
      "usage",
      "builder-base-unsupported",
      `the Containerfile base ${base.name ?? "(unnamed)"} is not pinned by digest`,
      "resolve the base image first: the builder gets the digest the plan chose"
    );
  }
  const repository = base.name.replace(/@sha256:[a-f0-9]{64}$/, "").replace(/:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/, "");
  return `${repository}@${base.digest}`;
}
function checkStep(step, index) {
  const trimmed = step.trim();
  const instruction = /^([A-Za-z]+)\s+\S/.exec(trimmed)?.[1]?.toUpperCase();
  const where = `builder step ${index + 1} (${JSON.stringify(step.slice(0, 80))})`;
  if (/[\r\n]/.test(trimmed)) {
    throw new BuilderError(
      "usage",
      "builder-step-invalid",
      `${where} spans several lines`,
      "write one instruction per step; join shell commands with && inside one RUN"
    );
  }
  if (!instruction || !ALLOWED_STEP_INSTRUCTIONS.includes(instruction)) {
    throw new BuilderError(
      "usage",
      "builder-step-invalid",
      `${where} does not start with one of ${ALLOWED_STEP_INSTRUCTIONS.join(", ")}`,
      "the base comes from the pool and the model files from the verified model: steps may not FROM, COPY or ADD"
    );
  }
  return `${instruction}${trimmed.slice(instruction.length)}`;
}
function quoteWord(text) {
  if (/[\r\n]/.test(text)) {
    throw new BuilderError(
      "usage",
      "builder-step-invalid",
      `value ${JSON.stringify(text.slice(0, 80))} holds a line break`
    );
  }
  return `"${text.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}
function directoryOperand(modelPath) {
  return modelPath.endsWith("/") ? modelPath : `${modelPath}/`;
}
function renderContainerfile(input) {
  const { config, modelPath, signaturePath } = input.plan;
  const lines = [];
  if (input.title) lines.push(`# ${input.title.replace(/[\r\n]+/g, " ")}`);
  lines.push(`FROM ${fromOperand(input.base)}`);
  lines.push(...input.steps.map(checkStep));
  lines.push(`COPY --chown=0:0 ${CONTEXT_MODEL_DIR}/ ${quoteWord(directoryOperand(modelPath))}`);
  if (signaturePath) lines.push(`COPY --chown=0:0 ${CONTEXT_SIGNATURE_FILE} ${quoteWord(signaturePath)}`);
  if (config.env.length > 0) {
    lines.push(
      `ENV ${config.env.map(([key, value]) => `${envKey(key)}=${quoteWord(value)}`).join(" \\\n    ")}`
    );
  }
  const labels = Object.entries(config.labels);
  if (labels.length > 0) {
    lines.push(
      `LABEL ${labels.map(([key, value]) => `${quoteWord(key)}=${quoteWord(value)}`).join(" \\\n      ")}`
    );
  }
  if (config.entrypoint) lines.push(`ENTRYPOINT ${JSON.stringify(config.entrypoint)}`);
  if (config.cmd) lines.push(`CMD ${JSON.stringify(config.cmd)}`);
  return `${lines.join("\n")}
`;
}
function envKey(key) {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
    throw new BuilderError(
      "usage",
      "builder-step-invalid",
      `environment variable name ${JSON.stringify(key)} cannot go in a Containerfile`
    );
  }
  return key;
}

// src/image/builder.ts
function storageArgs(storage) {
  return ["--root", storage.root, "--runroot", storage.runroot, "--storage-driver", "vfs"];
}
function annotationArgs(annotations) {
  return Object.entries(annotations).flatMap(([key, value]) => ["--annotation", `${key}=${value}`]);
}
function buildahBudArgv(a) {
  return [
    ...storageArgs(a.storage),
    "bud",
    "--isolation",
    "chroot",
    "--timestamp",
    String(a.sourceDateEpoch),
    "--platform",
    a.platform,
    "--identity-label=false",
    ...a.insecureBase ? ["--tls-verify=false"] : [],
    ...annotationArgs(a.annotations),
    "-f",
    a.containerfile,
    "-t",
    a.image,
    a.context
  ];
}
function buildahPushArgv(a) {
  return [
    ...storageArgs(a.storage),
    "push",
    "--format",
    "oci",
    "--digestfile",
    a.digestFile,
    ...a.insecure ? ["--tls-verify=false"] : [],
    ...a.authFile ? ["--authfile", a.authFile] : [],
    a.image,
    `docker://${a.destination}`
  ];
}
function dockerBuildArgv(a) {
  const output = [
    "type=registry",
    "oci-mediatypes=true",
    "rewrite-timestamp=true",
    ...a.insecure ? ["registry.insecure=true"] : []
  ].join(",");
  return [
    "buildx",
    "build",
    "--platform",
    a.platform,
    "--build-arg",
    `SOURCE_DATE_EPOCH=${a.sourceDateEpoch}`,
    "--provenance=false",
    "--sbom=false",
    ...annotationArgs(a.annotations),
    "--metadata-file",
    a.metadataFile,
    "-f",
    a.containerfile,
    ...a.destinations.flatMap((d) => ["-t", d]),
    "--output",
    output,
    a.context
  ];
}
function containerfileBase(base) {
  if (base.reference === "scratch") return { kind: "scratch" };
  if (base.reference.startsWith("oci-layout:") || !base.name || !base.digest) {
    throw new BuilderError(
      "usage",
      "builder-base-unsupported",
      `the Containerfile builder cannot start from ${base.reference}: it needs scratch or a registry image`,
      `copy the base to a registry (skopeo copy oci:DIR:TAG docker://HOST/REPO:TAG) and name it in the catalog`
    );
  }
  return { kind: "registry", name: base.name, digest: base.digest };
}
async function buildWithContainerfile(input, kind, target, logger, options = {}) {
  const plan = planImage(input);
  const containerfile = renderContainerfile({
    base: containerfileBase(input.base),
    plan,
    steps: input.steps,
    title: `model-promote: ${input.model.name} v${input.model.version} for pool ${input.pool.name}`
  });
  const run = options.run ?? execFileRunner;
  const temp = await mkdtemp(path3.join(options.tempDir ?? tmpdir(), "model-promote-build-"));
  const repo = `${target.registry}/${target.repository}`;
  try {
    const context = path3.join(temp, "context");
    const file = path3.join(temp, "Containerfile");
    await writeFile2(file, containerfile);
    const copied = await prepareContext(
      input.directory,
      input.files,
      path3.join(context, CONTEXT_MODEL_DIR),
      input.check
    );
    if (input.signature) await stageSignature(input.signature, path3.join(context, CONTEXT_SIGNATURE_FILE));
    logger.info(`build context: ${input.files.length} verified files (${copied})`);
    const sourceDateEpoch = input.sourceDateEpoch ?? 0;
    let digest;
    if (kind === "buildah") {
      const storage = { root: path3.join(temp, "root"), runroot: path3.join(temp, "runroot") };
      const image = `localhost/model-promote-build:${path3.basename(temp).toLowerCase().replace(/[^a-z0-9_.-]/g, "-")}`;
      await runBuilder(
        run,
        logger,
        "buildah",
        buildahBudArgv({
          storage,
          containerfile: file,
          context,
          image,
          platform: plan.platform,
          sourceDateEpoch,
          annotations: plan.config.annotations,
          ...target.insecure ? { insecureBase: true } : {}
        })
      );
      const authFile = target.credential ? await writeAuthFile(temp, target) : void 0;
      const digestFile = path3.join(temp, "digest");
      digest = "";
      for (const tag of plan.tags) {
        await runBuilder(
          run,
          logger,
          "buildah",
          buildahPushArgv({
            storage,
            image,
            destination: `${repo}:${tag}`,
            digestFile,
            ...target.insecure ? { insecure: true } : {},
            ...authFile ? { authFile } : {}
          })
        );
        const pushed = (await readFile3(digestFile, "utf8").catch(() => "")).trim();
        if (digest && pushed !== digest) {
          throw new BuilderError(
            "failed",
            "builder-digest-unknown",
            `buildah pushed ${repo}:${tag} as ${pushed}, the first tag as ${digest}`
          );
        }
        digest = pushed;
      }
    } else {
      const metadataFile = path3.join(temp, "metadata.json");
      await runBuilder(
        run,
        logger,
        "docker",
        dockerBuildArgv({
          containerfile: file,
          context,
          destinations: plan.tags.map((tag) => `${repo}:${tag}`),
          platform: plan.platform,
          sourceDateEpoch,
          annotations: plan.config.annotations,
          metadataFile,
          ...target.insecure ? { insecure: true } : {}
        })
      );
      digest = await digestFromMetadata(metadataFile);
    }
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) {
      throw new BuilderError(
        "failed",
        "builder-digest-unknown",
        `${kind} did not report the digest it pushed to ${repo} (got ${JSON.stringify(digest)})`
      );
    }
    logger.info(`${kind} pushed ${repo}@${digest} as ${plan.tags.join(", ")}`);
    return { digest, reference: `${repo}@${digest}`, tags: plan.tags, containerfile };
  } finally {
    await rm2(temp, { recursive: true, force: true }).catch(
      (error) => logger.warn(
        `removing the build folder ${temp}: ${error instanceof Error ? error.message : String(error)}`
      )
    );
  }
}
async function prepareContext(directory, files, dir, check) {
  await mkdir2(dir, { recursive: true });
  for (const file of files) {
    const from = path3.join(directory, ...file.path.split("/"));
    const to = path3.join(dir, ...file.path.split("/"));
    await mkdir2(path3.dirname(to), { recursive: true });
    if (check) {
      const content = await check(file.path, file.size);
      let size = 0;
      await pipeline(
        createReadStream(from, { highWaterMark: 4 * 1024 * 1024 }),
        async function* (source) {
          for await (const chunk of source) {
            size += chunk.byteLength;
            content.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(to, { mode: 420 })
      );
      if (size !== file.size) {
        throw new BuilderError(
          "failed",
          "builder-failed",
          `model file ${file.path} has ${size} bytes, ${file.size} were verified`,
          "the model folder changed after verification: run the promotion again"
        );
      }
      content.finish();
    } else {
      await link(from, to).catch(async (error) => {
        if (error.code !== "EXDEV" && error.code !== "EPERM") throw error;
        await copyFile(from, to);
      });
    }
  }
  return check ? "checked copies" : "hard links";
}
async function stageSignature(signature, to) {
  await mkdir2(path3.dirname(to), { recursive: true });
  await writeFile2(to, signature.bytes, { mode: 420 });
}
async function writeAuthFile(temp, target) {
  const { username, password } = target.credential;
  const file = path3.join(temp, "auth.json");
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  await writeFile2(file, JSON.stringify({ auths: { [target.registry]: { auth } } }), { mode: 384 });
  return file;
}
async function digestFromMetadata(file) {
  try {
    const metadata = JSON.parse(await readFile3(file, "utf8"));
    const digest = metadata["containerimage.digest"];
    return typeof digest === "string" ? digest : "";
  } catch {
    return "";
  }
}
async function runBuilder(run, logger, program, args) {
  logger.debug(`running ${program} ${args.join(" ")}`);
  try {
    const { stderr } = await run(program, args, {});
    for (const line of stderr.split("\n").filter(Boolean).slice(-5)) logger.debug(`${program}: ${line}`);
  } catch (error) {
    const e = error;
    if (e.code === "ENOENT") {
      throw new BuilderError(
        "usage",
        "builder-missing",
        `${program} is not installed (or not on PATH)`,
        `install ${program}, or remove builder: from the pool to build without a daemon`,
        { cause: error }
      );
    }
    const tail = `${e.stderr ?? ""}
${e.stdout ?? ""}`.split("\n").map((l) => l.trim()).filter(Boolean).slice(-6).join(" | ");
    throw new BuilderError(
      "failed",
      "builder-failed",
      `${program} ${args.find((a) => ["bud", "push", "build"].includes(a)) ?? ""} failed: ${tail || e.message}`,
      `run the command by hand to see the whole log: ${program} ${args.join(" ")}`,
      { cause: error }
    );
  }
}
var execFileRunner = (file, args, options) => new Promise((resolve2, reject) => {
  execFile(file, [...args], { cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
    if (error) reject(Object.assign(error, { stdout, stderr }));
    else resolve2({ stdout, stderr });
  });
});

// src/image/layer-key-cache.ts
import { randomBytes } from "node:crypto";
import { mkdir as mkdir3, readFile as readFile4, rename, rm as rm3, writeFile as writeFile3 } from "node:fs/promises";
import { dirname, join as join2 } from "node:path";
var LAYER_DIGESTS_FILE = "layer-digests.json";
var LayerKeyCache = class {
  /** `folder`: the `cache-dir` input's folder, or DownloadCache.defaultRoot(env). */
  constructor(folder, options = {}) {
    this.options = options;
    this.path = join2(folder, LAYER_DIGESTS_FILE);
    this.logger = options.logger ?? silentLogger;
  }
  options;
  path;
  loaded;
  writing = Promise.resolve();
  logger;
  async get(key) {
    return (await this.load()).get(key);
  }
  async set(key, value) {
    const layers = await this.load();
    layers.delete(key);
    layers.set(key, { digest: value.digest, size: value.size });
    const max = this.options.maxEntries ?? 1e4;
    for (const oldest of layers.keys()) {
      if (layers.size <= max) break;
      layers.delete(oldest);
    }
    this.writing = this.writing.then(() => this.save(layers));
    await this.writing;
  }
  load() {
    this.loaded ??= readFile4(this.path, "utf8").then(
      (text) => parse(text),
      () => /* @__PURE__ */ new Map()
    );
    return this.loaded;
  }
  async save(layers) {
    const shape = { version: 1, layers: Object.fromEntries(layers) };
    const temp = `${this.path}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      await mkdir3(dirname(this.path), { recursive: true });
      await writeFile3(temp, `${JSON.stringify(shape)}
`);
      await rename(temp, this.path);
    } catch (error) {
      await rm3(temp, { force: true }).catch(() => void 0);
      this.logger.warn(
        `could not remember layer digests in ${this.path} (${error instanceof Error ? error.message : String(error)}); the next push of this model reads it again`
      );
    }
  }
};
function parse(text) {
  const layers = /* @__PURE__ */ new Map();
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return layers;
  }
  const shape = value;
  if (shape?.version !== 1 || typeof shape.layers !== "object" || shape.layers === null) return layers;
  for (const [key, entry] of Object.entries(shape.layers)) {
    const { digest, size } = entry ?? {};
    if (/^[a-f0-9]{64}$/.test(key) && typeof digest === "string" && isDigest(digest) && Number.isSafeInteger(size) && size >= 0)
      layers.set(key, { digest, size });
  }
  return layers;
}

// src/oci/digest-sink.ts
var DigestOnlySink = class {
  name = "digest only (dry run)";
  async hasBlob() {
    return false;
  }
  async writeBlob(blob, source) {
    if (blob.digest !== void 0 && blob.size !== void 0) return descriptor(blob, blob.digest, blob.size);
    const counter = new DigestCounter();
    for await (const chunk of source()) counter.update(chunk);
    const digest = counter.digest();
    if (blob.digest !== void 0 && blob.digest !== digest) {
      throw new OciError(
        "failed",
        "blob-digest-mismatch",
        `blob expected as ${blob.digest} hashes to ${digest}`
      );
    }
    return descriptor(blob, digest, counter.size);
  }
  async writeManifest(bytes, mediaType) {
    return { mediaType, digest: sha256Digest(bytes), size: bytes.byteLength };
  }
};
function descriptor(blob, digest, size) {
  return {
    mediaType: blob.mediaType,
    digest,
    size,
    ...blob.annotations && { annotations: { ...blob.annotations } }
  };
}

// src/promotion-attest.ts
import { createHash as createHash2 } from "node:crypto";
async function attestStage(context, plan, image, applied, signer) {
  const { record, stages, output, inputs } = context;
  const where = await stages.run(
    "attestation",
    async () => {
      const now = (context.options.clock ?? (() => /* @__PURE__ */ new Date()))();
      const statement = promotionStatement(promotionFacts(context, plan, image, applied, now));
      const bundle = Buffer.from(JSON.stringify(await signer.sign(statementBytes(statement))));
      if (!plan.target) {
        await output.writeAttestation(bundle.toString("utf8"));
        return { file: output.attestationPath() };
      }
      const attached = await attachToImage(
        plan,
        image.digest,
        attestationArtifact(bundle, { environment: inputs.environment, promotionId: record.promotionId })
      );
      return { digest: attached.digest };
    },
    (w) => `${signer.method}-signed ${PROMOTION_PREDICATE_TYPE} for ${inputs.environment}, ` + ("digest" in w ? `attached to ${image.reference} as ${w.digest}` : `written to ${w.file}`)
  );
  record.attestations = {
    ...record.attestations,
    ..."digest" in where ? { promotion: where.digest } : { promotionFile: where.file }
  };
}
function promotionFacts(context, plan, image, applied, now) {
  const { record, inputs } = context;
  const { signature, manifest } = plan.verified;
  return {
    imageName: image.reference.replace(/@sha256:[0-9a-f]{64}$/, ""),
    imageDigest: image.digest,
    promotionId: record.promotionId,
    startedAt: record.startedAt,
    promotedAt: now.toISOString(),
    ...record.runUrl && { runUrl: record.runUrl },
    toolVersion: TOOL_VERSION,
    model: {
      registry: inputs.registry,
      name: plan.version.model,
      version: plan.version.version,
      requested: plan.version.requested,
      digest: plan.verified.digest,
      signature: {
        method: signature.method,
        signer: signature.signer,
        ...signature.issuer && { issuer: signature.issuer },
        policies: [...plan.verified.satisfied]
      },
      serialization: manifest.serialization.method,
      files: manifest.resources
    },
    environment: {
      name: inputs.environment,
      pool: plan.choice.pool.name,
      ...plan.choice.pool.namespace && { namespace: plan.choice.pool.namespace }
    },
    image: {
      base: plan.base.reference,
      ...plan.base.digest && { baseDigest: plan.base.digest },
      modelPath: plan.image.modelPath,
      layers: (record.image?.layers ?? []).flatMap(
        (layer) => layer.digest ? [{ digest: layer.digest, size: layer.size, files: layer.files }] : []
      )
    },
    manifests: [
      ...applied.rendered.map((object, i) => ({
        name: manifestFileName(i, object),
        sha256: yamlSha256(object)
      })),
      ...applied.user.map((object) => ({
        name: `user/${(object.kind ?? "object").toLowerCase()}-${object.metadata?.name ?? ""}.yaml`,
        sha256: yamlSha256(object)
      }))
    ],
    clusters: (record.deploy ?? []).map((report2) => ({
      name: report2.cluster,
      namespace: report2.namespace,
      version: report2.version,
      ...report2.previousVersion !== void 0 && { previousVersion: report2.previousVersion }
    }))
  };
}
function yamlSha256(object) {
  return createHash2("sha256").update(manifestYaml(object)).digest("hex");
}

// src/promotion-stream.ts
import { readFile as readFile5 } from "node:fs/promises";
import path4 from "node:path";
function fetchMode(input) {
  return input.registryStreams && input.imageRepository && !input.cacheDir && !input.containerfileBuilder ? "stream" : "folder";
}
async function readSmallFile(source, file, maxBytes) {
  if (source.kind === "folder") {
    return readFile5(path4.join(source.directory, file)).catch(() => void 0);
  }
  const remote = source.files.get(file);
  if (!remote || (remote.size ?? 0) > maxBytes) return void 0;
  const chunks = [];
  for await (const chunk of await remote.open()) chunks.push(chunk);
  return Buffer.concat(chunks);
}
function buildBytes(source) {
  if (source.kind === "folder") return { directory: source.directory };
  const { files, label } = source;
  const find = (path11) => {
    const remote = files.get(path11);
    if (!remote) throw new Error(`${label} lists no file ${path11}`);
    return remote;
  };
  return {
    openFile: (file) => find(file.path).open(),
    openFileFrom: (file, start) => {
      const remote = find(file.path);
      return remote.openFrom ? remote.openFrom(start) : Promise.reject(new Error(`${label} serves no ranges`));
    }
  };
}
function contentCheck(manifest, source) {
  const streaming = source.kind === "stream";
  return (file, size) => createContentCheck(manifest, file, size, { streaming });
}
async function signatureBytes(source) {
  return source.kind === "folder" ? readFile5(source.signaturePath) : source.signature;
}

// src/promotion-apply.ts
async function applyPromotion(context, plan, staging) {
  const { cwd, output, record } = context;
  const layoutPath = displayPath(cwd, output.artifactPath("image"));
  const target = plan.target ?? layoutTarget(path5.join(staging, "image"), layoutPath);
  const built = await buildStage(context, plan, target);
  record.image = { ...imageRecord(plan, built), ...!plan.target && { layoutPath } };
  if (plan.target) {
    const attached = await context.stages.run(
      "attest",
      () => attachSignature(plan, built),
      (d) => `signature attached to ${built.reference} as ${d.digest}`
    );
    record.attestations = { signature: attached.digest };
  }
  const objects = await context.stages.run(
    "manifests",
    async () => {
      const objects2 = render(context, plan, built);
      await writeManifests(path5.join(staging, "manifests"), objects2);
      return objects2;
    },
    (objects2) => objects2.map((o) => o.kind).join(", ")
  );
  record.manifests = {
    path: displayPath(cwd, output.artifactPath("manifests")),
    objects: objects.map((o) => `${o.kind}/${o.metadata.name}`)
  };
  await output.commit(staging);
  const userObjects = plan.cluster ? await deployStage(context, plan, built, objects) : [];
  const signer = context.options.attestation;
  if (signer) await attestStage(context, plan, built, { rendered: objects, user: userObjects }, signer);
}
async function previewPromotion(context, plan, staging) {
  const { stages, record, cwd, output } = context;
  if (plan.choice.pool.builder) {
    stages.skip(
      "build",
      `${plan.choice.pool.builder.kind} builds at apply time: its digest is known only then`
    );
    return [];
  }
  const target = plan.target ?? layoutTarget(output.artifactPath("image"), displayPath(cwd, output.artifactPath("image")));
  const built = await stages.run(
    "build",
    async () => {
      const image = await buildImage(
        { ...plan.imageInput, ...buildBytes(plan.source) },
        new DigestOnlySink(),
        {
          check: contentCheck(plan.verified.manifest, plan.source)
        }
      );
      return { digest: image.manifestDigest, reference: target.reference(image.manifestDigest) };
    },
    (b) => `would be ${b.reference} (dry run: nothing written)`
  );
  record.image = imageRecord(plan, built);
  const objects = await stages.run(
    "manifests",
    async () => {
      const objects2 = render(context, plan, built);
      await writeManifests(path5.join(staging, "manifests"), objects2);
      return objects2;
    },
    (objects2) => `${objects2.map((o) => o.kind).join(", ")} (dry run: written for review, not applied)`
  );
  record.manifests = {
    path: displayPath(cwd, output.artifactPath("manifests")),
    objects: objects.map((o) => `${o.kind}/${o.metadata.name}`)
  };
  const skipAttestation = () => context.options.attestation && stages.skip("attestation", "dry run: nothing deployed, nothing to attest");
  if (!plan.cluster) {
    skipAttestation();
    return [];
  }
  const cluster = plan.cluster;
  const [{ deployOne }, { diffText, overwriteLines }] = await Promise.all([
    import("./deploy-PAS4BGKA.js"),
    import("./apply-diff-UCTTJ6UQ.js")
  ]);
  const preview = await stages.run(
    "deploy",
    async () => (await deployOne({ ...await deployInput(context, plan, built, objects), ...cluster, dryRun: true })).result,
    (r) => {
      const taken = overwriteLines(r.diff ?? []).length;
      return `${r.diff?.length ?? 0} object(s) would change in ${r.cluster}/${r.namespace} (server-side dry run)${taken ? `; it overwrites ${taken} field(s) another field manager owns now` : ""}`;
    }
  );
  record.deploy = [reportOnly(preview)];
  skipAttestation();
  return preview.diff ? [diffText(preview.diff)] : [];
}
async function buildStage(context, plan, target) {
  const { options, stages, inputs } = context;
  const builder = plan.choice.pool.builder;
  const check = contentCheck(plan.verified.manifest, plan.source);
  return stages.run(
    "build",
    async () => {
      if (builder && plan.target) {
        if (plan.source.kind !== "folder") {
          throw new Error("a Containerfile build reads a folder: the fetch should not have streamed");
        }
        const { registry, repository } = plan.target;
        const credential = await plan.clients.credential(registry);
        const result = await buildWithContainerfile(
          { ...plan.imageInput, directory: plan.source.directory, steps: builder.steps, check },
          builder.kind,
          {
            registry,
            repository,
            insecure: inputs.insecureRegistry || isLoopback(registry),
            ...credential.username && credential.password && {
              credential: { username: credential.username, password: credential.password }
            }
          },
          options.logger
        );
        return { digest: result.digest, reference: result.reference };
      }
      const progress = byteProgress(options.logger, "build", plan.image.modelBytes + plan.image.base.bytes);
      const sink = await target.open();
      const streamed = plan.source.kind === "stream" ? streamProgress(options.logger, "stream", plan.verified.files) : void 0;
      const sent = () => sink instanceof RegistrySink ? sink.stats.bytesUploaded : 0;
      let image;
      try {
        image = await buildImage({ ...plan.imageInput, ...buildBytes(plan.source) }, sink, {
          check: streamed ? async (file, size) => {
            const inner = await check(file, size);
            return {
              update: (chunk) => {
                inner.update(chunk);
                streamed.verified(file, chunk.byteLength);
                streamed.sent(sent());
              },
              finish: () => inner.finish()
            };
          } : check,
          progress: (p) => streamed ? streamed.sent(sent()) : progress.update(p.bytesDone),
          ...plan.source.kind === "folder" && layerReuse(context, plan)
        });
      } catch (error) {
        if (sink instanceof RegistrySink && sink.written.length > 0) {
          context.record.unreferencedBlobs = {
            repository: `${sink.client.registry}/${sink.repository}`,
            blobs: [...sink.written]
          };
        }
        throw error;
      }
      if (streamed) {
        streamed.sent(sent());
        streamed.done();
      } else progress.done();
      return {
        digest: image.manifestDigest,
        reference: target.reference(image.manifestDigest),
        modelLayers: image.modelLayers,
        ...image.signatureLayer && { signatureLayer: image.signatureLayer },
        reusedLayers: image.reusedLayers
      };
    },
    (b) => `${b.reference}${builder ? ` (${builder.kind})` : ""}` + (b.reusedLayers ? `; ${b.reusedLayers} of ${plan.image.layers.length} model layer(s) already there, not read` : "")
  );
}
function layerReuse(context, plan) {
  const { manifest } = plan.verified;
  if (manifest.serialization.method !== "files") return {};
  const fileSha256 = new Map(
    manifest.resources.filter((r) => r.algorithm === "sha256").map((r) => [r.name, r.digest])
  );
  const cacheDir = context.inputs.cacheDir && path5.resolve(context.cwd, context.inputs.cacheDir);
  const folder = DownloadCache.defaultRoot(context.env, cacheDir);
  return { fileSha256, layerDigests: new LayerKeyCache(folder, { logger: context.options.logger }) };
}
function attachSignature(plan, built) {
  return signatureBytes(plan.source).then(
    (bytes) => attachToImage(plan, built.digest, {
      artifactType: SIGSTORE_BUNDLE_TYPE,
      mediaType: SIGSTORE_BUNDLE_TYPE,
      bytes,
      annotations: {
        "org.opencontainers.image.title": "model.sig",
        "dev.model-promote.model.digest": plan.verified.digest
      }
    })
  );
}
async function attachToImage(plan, digest, artifact) {
  const { registry, repository } = plan.target;
  const client = plan.clients.clientFor(registry);
  const head = await client.headManifest(repository, digest);
  return attachReferrer(
    client,
    repository,
    {
      mediaType: head?.mediaType ?? "application/vnd.oci.image.manifest.v1+json",
      digest,
      size: head?.size ?? 0
    },
    artifact
  );
}
function render(context, plan, built) {
  const { record, inputs, options } = context;
  const signature = plan.verified.signature;
  return renderManifests({
    promotionId: record.promotionId,
    environment: inputs.environment,
    pool: plan.choice.pool,
    model: {
      name: plan.version.model,
      version: plan.version.version,
      digest: plan.verified.digest,
      requested: plan.version.requested
    },
    image: { reference: built.reference, digest: built.digest },
    signer: {
      method: signature.method,
      identity: signature.signer,
      ...signature.issuer && { issuer: signature.issuer }
    },
    ...options.runUrl && { sourceRunUrl: options.runUrl },
    ...plan.previousVersion && plan.previousVersion !== plan.version.version && { previousVersion: plan.previousVersion },
    ...plan.modelValidation && { modelValidation: plan.modelValidation }
  });
}
async function deployStage(context, plan, built, objects) {
  const { stages, record } = context;
  const [{ deploy, reportOf }, { deployToClusters }] = await Promise.all([
    import("./deploy-PAS4BGKA.js"),
    import("./cluster-targets-EJVWMJHG.js")
  ]);
  const input = { ...await deployInput(context, plan, built, objects), ...plan.cluster, dryRun: false };
  const clusters = plan.choice.pool.clusters;
  try {
    const reports = await stages.run(
      "deploy",
      async () => clusters ? [...(await deployToClusters(input, clusters)).results] : [await deploy(input)],
      (reports2) => reports2.map(
        (r) => `${r.cluster}/${r.namespace}: ${r.previousVersion ? `v${r.previousVersion} -> ` : ""}v${r.version}` + (r.rollout ? `, rollout ${r.rollout.seconds.toFixed(1)} s` : "") + (r.smoke ? `, smoke p50 ${r.smoke.p50Ms.toFixed(0)} ms p95 ${r.smoke.p95Ms.toFixed(0)} ms` : "")
      ).join("; ")
    );
    record.deploy = reports.map(reportOnly);
    return input.userObjects ?? [];
  } catch (error) {
    const report2 = reportOf(error);
    if (report2) record.deploy = [report2];
    throw error;
  }
}
async function deployInput(context, plan, built, objects) {
  const { inputs, cwd, record, options, env } = context;
  const model = { name: plan.version.model, version: plan.version.version, digest: plan.verified.digest };
  const userObjects = inputs.manifests.length ? await loadUserManifests(
    inputs.manifests,
    cwd,
    {
      IMAGE: built.reference,
      IMAGE_DIGEST: built.digest,
      MODEL_NAME: model.name,
      MODEL_VERSION: model.version,
      MODEL_DIGEST: model.digest,
      NAMESPACE: plan.choice.pool.namespace
    },
    { promotionId: record.promotionId }
  ) : [];
  const inputExample = await readInputExample(plan.source);
  return {
    objects,
    userObjects,
    pool: plan.choice.pool,
    ...inputs.kubeconfig && { kubeconfig: inputs.kubeconfig },
    promotionId: record.promotionId,
    model,
    image: { reference: built.reference, digest: built.digest },
    ...inputExample !== void 0 && { inputExample },
    timeouts: { rolloutSeconds: inputs.rolloutTimeoutSeconds },
    utilization: {
      windowSeconds: inputs.metricsWindowSeconds,
      ...inputs.prometheusUrl && { prometheusUrl: inputs.prometheusUrl },
      expectGpu: (plan.choice.pool.accelerator?.vendor ?? "none") !== "none"
    },
    logger: options.logger,
    force: inputs.force,
    env
  };
}
async function readInputExample(source) {
  try {
    const bytes = await readSmallFile(source, "input_example.json", 1024 * 1024);
    return bytes && JSON.parse(bytes.toString("utf8"));
  } catch {
    return void 0;
  }
}
function reportOnly(result) {
  const {
    cluster,
    namespace,
    previousVersion,
    version,
    rollout,
    smoke,
    utilization,
    applied,
    rolledBack,
    reason,
    evidence
  } = result;
  return {
    cluster,
    namespace,
    version,
    applied,
    rolledBack,
    ...previousVersion !== void 0 && { previousVersion },
    ...rollout && { rollout },
    ...smoke && { smoke },
    ...utilization && { utilization },
    ...reason !== void 0 && { reason },
    ...evidence && { evidence }
  };
}
function imageRecord(plan, built) {
  return {
    reference: built.reference,
    digest: built.digest,
    base: plan.base.reference,
    ...plan.base.digest && { baseDigest: plan.base.digest },
    layers: plan.image.layers.map((layer, i) => ({
      files: layer.files.length,
      size: built.modelLayers?.[i]?.size ?? layer.bytes,
      ...built.modelLayers?.[i] && { digest: built.modelLayers[i].digest }
    })),
    ...plan.image.signaturePath && {
      signature: {
        path: plan.image.signaturePath,
        size: built.signatureLayer?.size ?? plan.image.signatureLayer?.bytes ?? 0,
        ...built.signatureLayer && { digest: built.signatureLayer.digest }
      }
    }
  };
}
function displayPath(cwd, file) {
  const relative = path5.relative(cwd, file);
  return relative === "" ? "." : relative.startsWith("..") || path5.isAbsolute(relative) ? file : relative;
}

// src/promotion-plan.ts
import { tmpdir as tmpdir2 } from "node:os";

// src/environments/signing-policy.ts
import { readFile as readFile6 } from "node:fs/promises";
async function environmentSigningPolicy(loaded, environmentName) {
  const policy = environmentOf(loaded, environmentName).signing;
  if (!policy) return void 0;
  const written = environmentOf({ catalog: loaded.written }, environmentName).signing ?? policy;
  const base = ["environments", environmentName, "signing"];
  const read = async (field, absolute, asWritten, index) => {
    const refuse = (reason, hint, error) => {
      const fieldPath = index === void 0 ? [...base, field] : [...base, field, index];
      const location = loaded.locate(fieldPath);
      const issue = { location, path: formatFieldPath(fieldPath), message: `${asWritten}: ${reason}` };
      return new EnvironmentError(
        "usage",
        "invalid-catalog",
        `${location.file}:${location.line}:${location.column}: ${issue.path}: ${issue.message} (resolved to ${absolute})`,
        hint,
        { issues: [issue], cause: error }
      );
    };
    let content;
    try {
      content = await readFile6(absolute, "utf8");
    } catch (error) {
      const reason = error.code === "ENOENT" ? "not found" : String(error);
      throw refuse(
        reason,
        "paths in the catalog are relative to the catalog file; fix the path or add the file",
        error
      );
    }
    const what = field === "publicKeys" ? "public key" : field === "certificateChain" ? "certificate" : void 0;
    const problem = what && pemProblem(content, what);
    if (problem) throw refuse(problem, `point ${field} at ${what} PEM files`);
    return { path: absolute, written: asWritten, content };
  };
  const readAll = (field) => Promise.all((policy[field] ?? []).map((p, i) => read(field, p, written[field]?.[i] ?? p, i)));
  return {
    environment: environmentName,
    keyless: policy.keyless ?? [],
    ...policy.trustedRoot !== void 0 && {
      trustedRoot: await read("trustedRoot", policy.trustedRoot, written.trustedRoot ?? policy.trustedRoot)
    },
    publicKeys: await readAll("publicKeys"),
    certificateChain: await readAll("certificateChain")
  };
}

// src/schema/model-interface.ts
var DTYPE_ALIASES = {
  // MLflow column types
  double: "float64",
  float: "float32",
  long: "int64",
  integer: "int32",
  boolean: "bool",
  binary: "bytes",
  str: "string",
  object: "string",
  // safetensors
  f64: "float64",
  f32: "float32",
  f16: "float16",
  bf16: "bfloat16",
  f8_e4m3: "float8_e4m3fn",
  f8_e5m2: "float8_e5m2",
  i64: "int64",
  i32: "int32",
  i16: "int16",
  i8: "int8",
  u64: "uint64",
  u32: "uint32",
  u16: "uint16",
  u8: "uint8",
  // numpy / torch spellings
  float_: "float64",
  half: "float16",
  int: "int64",
  int_: "int64",
  bool_: "bool",
  bytes_: "bytes",
  str_: "string",
  unicode: "string"
};
function normaliseDtype(dtype) {
  const key = dtype.trim().toLowerCase().replace(/^torch\./, "").replace(/^np\./, "");
  return DTYPE_ALIASES[key] ?? key;
}
function normaliseShape(shape) {
  return shape.map((dim) => typeof dim === "number" && Number.isInteger(dim) && dim >= 0 ? dim : null);
}
function formatShape(shape) {
  return shape ? `[${shape.map((dim) => dim === null ? "?" : String(dim)).join(", ")}]` : "";
}
function formatSpec(spec) {
  return `${spec.name}: ${spec.dtype}${formatShape(spec.shape)}`;
}

// src/schema/compare-interfaces.ts
function compareInterfaces(previous, next) {
  const breaking = [];
  const additions = [];
  const compatible = [];
  for (const side of ["input", "output", "tensor"]) {
    const before = specsOf(previous, side);
    const after = new Map(specsOf(next, side).map((spec) => [spec.name, spec]));
    for (const old of before) {
      const current = after.get(old.name);
      after.delete(old.name);
      if (!current) {
        breaking.push(change(side, old.name, "removed", `removed (was ${formatSpec(old)})`));
        continue;
      }
      compareSpec(side, old, current, breaking, compatible);
    }
    for (const added of after.values()) {
      const note = side === "input" ? "; callers that do not send it fail if the model requires it" : "";
      additions.push(change(side, added.name, "added", `added (${formatSpec(added)})${note}`));
    }
  }
  return {
    previous: { source: previous.source, file: previous.file },
    next: { source: next.source, file: next.file },
    breaking,
    additions,
    compatible
  };
}
function specsOf(model, side) {
  return side === "input" ? model.inputs : side === "output" ? model.outputs : model.tensors;
}
function compareSpec(side, old, current, breaking, compatible) {
  if (old.dtype !== current.dtype) {
    breaking.push(change(side, old.name, "dtype", `dtype ${old.dtype} -> ${current.dtype}`));
  }
  if (!old.shape || !current.shape) {
    if (old.shape || current.shape) {
      const text = `shape ${formatShape(old.shape) || "undeclared"} -> ${formatShape(current.shape) || "undeclared"}`;
      compatible.push(change(side, old.name, "shape-declared", text));
    }
    return;
  }
  const shapes = `${formatShape(old.shape)} -> ${formatShape(current.shape)}`;
  if (old.shape.length !== current.shape.length) {
    breaking.push(
      change(side, old.name, "rank", `rank ${old.shape.length} -> ${current.shape.length} (shape ${shapes})`)
    );
    return;
  }
  const verdicts = old.shape.map((dim, i) => dimensionVerdict(side, dim, current.shape[i]));
  if (verdicts.includes("breaking")) {
    breaking.push(change(side, old.name, "dimension", `shape ${shapes}`));
  } else if (verdicts.includes("compatible")) {
    compatible.push(change(side, old.name, "dimension", `shape ${shapes}`));
  }
}
function dimensionVerdict(side, before, after) {
  if (before === after) return "same";
  if (before !== null && after !== null) return "breaking";
  const relaxed = after === null;
  return side !== "output" === relaxed ? "compatible" : "breaking";
}
function change(side, name, kind, detail) {
  return { side, name, kind, description: `${side} \`${name}\`: ${detail}` };
}
function checkCompatibility(previous, next, allowBreaking) {
  const result = previous ? compareInterfaces(previous, next) : { ...compareInterfaces({ ...next, inputs: [], outputs: [], tensors: [] }, next), previous: void 0 };
  if (result.breaking.length > 0 && !allowBreaking) {
    const shown = result.breaking.slice(0, 5).map((c) => c.description);
    const more = result.breaking.length > shown.length ? `; and ${result.breaking.length - shown.length} more` : "";
    throw new SchemaError(
      "refused",
      "breaking-schema",
      `the new version's interface breaks callers of the running version: ${shown.join("; ")}${more}`,
      "keep the removed or retyped inputs and outputs, or set allow-breaking-schema after updating the callers"
    );
  }
  return result;
}

// src/schema/extract-interface.ts
import path7 from "node:path";

// src/schema/model-files.ts
import { createReadStream as createReadStream2, createWriteStream as createWriteStream2 } from "node:fs";
import { mkdtemp as mkdtemp2, readdir as readdir2, rm as rm4 } from "node:fs/promises";
import path6 from "node:path";
import { Readable } from "node:stream";
import { pipeline as pipeline2 } from "node:stream/promises";
async function folderFiles(directory, signatureName) {
  const entries = await readdir2(directory, { recursive: true, withFileTypes: true });
  const paths = entries.filter((entry) => entry.isFile()).map(
    (entry) => path6.relative(directory, path6.join(entry.parentPath, entry.name)).split(path6.sep).join("/")
  ).filter((file) => file !== signatureName).sort();
  const full = (file) => path6.join(directory, ...file.split("/"));
  return {
    label: directory,
    paths,
    open: async (file) => createReadStream2(full(file), { highWaterMark: 64 * 1024 }),
    local: async (file) => ({ path: full(file), release: async () => void 0 })
  };
}
function listedFiles(label, files, signatureName, scratch) {
  const byPath = new Map(files.filter((f) => f.path !== signatureName).map((f) => [f.path, f]));
  const find = (file) => {
    const found = byPath.get(file);
    if (!found) throw new Error(`${label} lists no file ${file}`);
    return found;
  };
  return {
    label,
    paths: [...byPath.keys()].sort(),
    open: (file) => find(file).open(),
    async local(file) {
      const folder = await mkdtemp2(path6.join(scratch, "interface-"));
      const target = path6.join(folder, path6.posix.basename(file));
      try {
        await pipeline2(Readable.from(await find(file).open()), createWriteStream2(target));
      } catch (error) {
        await rm4(folder, { recursive: true, force: true });
        throw error;
      }
      return { path: target, release: () => rm4(folder, { recursive: true, force: true }) };
    }
  };
}
var PrefixReader = class {
  iterator;
  pending = Buffer.alloc(0);
  constructor(source) {
    this.iterator = source[Symbol.asyncIterator]();
  }
  /** The next `n` bytes, or fewer when the stream ends first. */
  async take(n) {
    const parts = [];
    let have = 0;
    while (have < n) {
      if (this.pending.byteLength === 0) {
        const next = await this.iterator.next();
        if (next.done) break;
        this.pending = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      }
      const part = this.pending.subarray(0, n - have);
      this.pending = this.pending.subarray(part.byteLength);
      parts.push(part);
      have += part.byteLength;
    }
    return Buffer.concat(parts, have);
  }
  async close() {
    await this.iterator.return?.();
  }
};

// src/schema/read-declared-schema.ts
var specSchema = external_exports.object({
  name: external_exports.string().min(1),
  dtype: external_exports.string().min(1).optional(),
  type: external_exports.string().min(1).optional(),
  shape: external_exports.array(external_exports.union([external_exports.number(), external_exports.string(), external_exports.null()])).optional()
}).refine((spec) => spec.dtype !== void 0 || spec.type !== void 0, {
  message: "needs a dtype (or type)"
});
var declaredSchema = external_exports.object({
  inputs: external_exports.array(specSchema),
  outputs: external_exports.array(specSchema)
});
function parseDeclaredSchema(text, file, source) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (error) {
    if (source === "config.json") return void 0;
    throw new SchemaError(
      "usage",
      "invalid-schema",
      `${file} is not JSON: ${error.message}`,
      "fix the schema file"
    );
  }
  if (source === "config.json" && !hasArrays(data)) return void 0;
  const parsed = declaredSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SchemaError(
      "usage",
      "invalid-schema",
      `${file}: ${issue.path.join(".") || "(top level)"}: ${issue.message}`,
      'declare {"inputs": [{"name", "dtype", "shape"?}], "outputs": [...]} (see docs/registries.md, "Schema compatibility")'
    );
  }
  const spec = (entry) => ({
    name: entry.name,
    dtype: normaliseDtype(entry.dtype ?? entry.type),
    ...entry.shape && { shape: normaliseShape(entry.shape) }
  });
  return {
    source,
    file,
    inputs: parsed.data.inputs.map(spec),
    outputs: parsed.data.outputs.map(spec),
    tensors: []
  };
}
function hasArrays(data) {
  if (typeof data !== "object" || data === null) return false;
  const record = data;
  return Array.isArray(record.inputs) && Array.isArray(record.outputs);
}

// src/schema/read-mlmodel.ts
var import_yaml3 = __toESM(require_dist(), 1);
function parseMlmodelSignature(text, file) {
  let document;
  try {
    document = (0, import_yaml3.parse)(text);
  } catch (error) {
    throw new SchemaError(
      "usage",
      "invalid-schema",
      `${file} is not YAML: ${error.message}`,
      "fix the MLmodel file"
    );
  }
  const signature = document?.signature;
  if (!signature || signature.inputs === void 0 && signature.outputs === void 0) return void 0;
  return {
    source: "MLmodel",
    file,
    inputs: parseSide(signature.inputs, file, "inputs"),
    outputs: parseSide(signature.outputs, file, "outputs"),
    tensors: []
  };
}
function parseSide(value, file, side) {
  if (value === void 0 || value === null) return [];
  let entries;
  try {
    entries = typeof value === "string" ? JSON.parse(value) : value;
  } catch (error) {
    throw new SchemaError(
      "usage",
      "invalid-schema",
      `${file}: signature.${side} is not JSON: ${error.message}`,
      "fix the MLmodel signature"
    );
  }
  if (!Array.isArray(entries)) {
    throw new SchemaError(
      "usage",
      "invalid-schema",
      `${file}: signature.${side} is not a list`,
      "fix the MLmodel signature"
    );
  }
  return entries.map((raw, index) => {
    const name = typeof raw.name === "string" && raw.name ? raw.name : `#${index}`;
    if (raw.type === "tensor" && raw["tensor-spec"]) {
      const spec = raw["tensor-spec"];
      return {
        name,
        dtype: normaliseDtype(String(spec.dtype ?? "unknown")),
        ...Array.isArray(spec.shape) && { shape: normaliseShape(spec.shape) }
      };
    }
    if (typeof raw.type !== "string") {
      throw new SchemaError(
        "usage",
        "invalid-schema",
        `${file}: signature.${side}[${index}] has no type`,
        "fix the MLmodel signature"
      );
    }
    return { name, dtype: normaliseDtype(raw.type) };
  });
}

// src/schema/read-safetensors.ts
var MAX_HEADER_BYTES = 1e8;
async function readSafetensorsHeader(source, name) {
  const reader = new PrefixReader(source);
  try {
    const prefix = await reader.take(8);
    if (prefix.byteLength < 8) throw invalid(name, "shorter than its 8-byte header length");
    const length = prefix.readBigUInt64LE(0);
    if (length > BigInt(MAX_HEADER_BYTES))
      throw invalid(name, `header length ${length} is over the format's 100 MB cap`);
    const header = await reader.take(Number(length));
    if (header.byteLength < Number(length)) throw invalid(name, "ends inside its header");
    return parseSafetensorsHeader(header.toString("utf8"), name);
  } finally {
    await reader.close();
  }
}
function parseSafetensorsHeader(json, name) {
  let header;
  try {
    header = JSON.parse(json);
  } catch (error) {
    throw invalid(name, `header is not JSON: ${error.message}`);
  }
  if (typeof header !== "object" || header === null) throw invalid(name, "header is not an object");
  const specs = [];
  for (const [tensor, info] of Object.entries(header)) {
    if (tensor === "__metadata__") continue;
    const { dtype, shape } = info ?? {};
    if (typeof dtype !== "string" || !Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw invalid(name, `tensor "${tensor}" has no valid dtype and shape`);
    }
    specs.push({ name: tensor, dtype: normaliseDtype(dtype), shape });
  }
  return specs.sort((a, b) => a.name.localeCompare(b.name));
}
function invalid(name, detail) {
  return new SchemaError(
    "usage",
    "invalid-schema",
    `safetensors file ${name}: ${detail}`,
    "check that the file is a safetensors file"
  );
}

// src/schema/extract-interface.ts
var MAX_DECLARATION_BYTES = 16 * 1024 * 1024;
async function extractInterface(model) {
  const files = model.paths;
  const byDepth = (a, b) => a.split("/").length - b.split("/").length || a.localeCompare(b);
  const named = (base) => files.filter((file) => path7.posix.basename(file) === base).sort(byDepth);
  const ending = (suffix) => files.filter((file) => file.endsWith(suffix)).sort(byDepth);
  for (const file of named("model-schema.json")) {
    const found = parseDeclaredSchema(await readSmall(model, file), file, "model-schema.json");
    if (found) return found;
  }
  for (const file of named("MLmodel")) {
    const found = parseMlmodelSignature(await readSmall(model, file), file);
    if (found) return found;
  }
  for (const file of named("config.json")) {
    const found = parseDeclaredSchema(await readSmall(model, file), file, "config.json");
    if (found) return found;
  }
  const onnxFile = ending(".onnx")[0];
  if (onnxFile) {
    const local = await model.local(onnxFile);
    try {
      const { readOnnxInterface } = await import("./read-onnx-4BPJMF3S.js");
      const { inputs, outputs } = await readOnnxInterface(local.path, onnxFile);
      return interfaceOf("onnx", onnxFile, inputs, outputs, []);
    } finally {
      await local.release();
    }
  }
  const shards = ending(".safetensors");
  if (shards.length > 0) {
    const tensors = [];
    for (const file of shards) tensors.push(...await readSafetensorsHeader(await model.open(file), file));
    const label = shards.length === 1 ? shards[0] : `${shards[0]} (+${shards.length - 1} more)`;
    return interfaceOf("safetensors", label, [], [], tensors);
  }
  return void 0;
}
function interfaceOf(source, file, inputs, outputs, tensors) {
  return { source, file, inputs, outputs, tensors };
}
async function readSmall(model, file) {
  const reader = new PrefixReader(await model.open(file));
  try {
    const bytes = await reader.take(MAX_DECLARATION_BYTES + 1);
    if (bytes.byteLength > MAX_DECLARATION_BYTES) {
      throw new SchemaError(
        "usage",
        "invalid-schema",
        `${file} is over ${MAX_DECLARATION_BYTES} bytes: too big for a schema declaration`,
        "keep schema files under 16 MiB"
      );
    }
    return bytes.toString("utf8");
  } finally {
    await reader.close();
  }
}

// src/signing/in-cluster-policy.ts
import { createPublicKey, X509Certificate } from "node:crypto";
function inClusterPolicy(check, requirements) {
  const admitting = requirements.flatMap(
    (r) => r.alternatives.filter((p) => p.method === check.method).map((policy) => ({ source: r.source, policy }))
  );
  switch (check.method) {
    case "keyless": {
      for (const { source, policy } of admitting) {
        if (policy.method === "keyless" && policy.trustedRoot !== void 0 && !policy.publicGood) {
          throw new UsageError(
            `in-cluster model validation: the policy of ${source} trusts its own Sigstore instance, and the model-validation-operator's \`model_signing verify sigstore\` trusts only the public-good one`,
            "turn modelValidation off on the pool, or sign with the public-good instance, a key or a certificate"
          );
        }
      }
      if (!check.issuer) throw unexpected("the keyless signature names no issuer");
      return { method: "keyless", identity: check.signer, issuer: check.issuer };
    }
    case "key": {
      const pems = admitting.flatMap(({ policy }) => policy.method === "key" ? policy.publicKeys : []);
      const publicKey = pems.find((pem) => keyFingerprint(createPublicKey(pem)) === check.signer);
      if (!publicKey) throw unexpected(`no public key of the policy has the fingerprint ${check.signer}`);
      return { method: "key", publicKey: withNewline(publicKey) };
    }
    case "certificate": {
      const pems = admitting.flatMap(({ policy }) => policy.method === "certificate" ? policy.anchors : []);
      const anchors = [
        ...new Set(
          pems.flatMap(splitCertificates).filter((pem) => distinguishedName(new X509Certificate(pem).subject) === check.issuer)
        )
      ];
      if (anchors.length === 0) throw unexpected(`no trust anchor of the policy is ${check.issuer ?? "?"}`);
      return { method: "certificate", anchors: anchors.join("") };
    }
  }
}
function splitCertificates(pem) {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(withNewline);
}
function withNewline(pem) {
  return pem.endsWith("\n") ? pem : `${pem}
`;
}
function unexpected(what) {
  return new PromotionError("failed", "in-cluster-policy", `in-cluster model validation: ${what}`);
}

// src/signing/verify-listing.ts
import { createHash as createHash3 } from "node:crypto";
async function verifySignedListing(bundle, listing, requirements, options) {
  const signature = await verifyBundle(bundle, requirements);
  const { manifest } = signature;
  const { serialization } = manifest;
  const scope = options.scope ?? {};
  const ignored = ignoreMatcher([
    ...serialization.ignorePaths,
    ...scope.ignorePaths ?? [],
    ...scope.ignoreGitPaths ?? true ? DEFAULT_IGNORE_PATHS : []
  ]);
  const candidates = listing.filter((file) => file.path !== options.signatureName && !ignored(file.path));
  const signedPaths = new Set(
    manifest.resources.map(
      (r) => serialization.method === "shards" ? parseShardName(r.name)?.path : r.name
    )
  );
  const files = scope.ignoreUnsignedFiles ? candidates.filter((f) => signedPaths.has(f.path)) : candidates;
  for (const file of files) {
    if (!Number.isSafeInteger(file.size) || file.size < 0) {
      throw new SerializeError(
        "model-mismatch",
        `the registry lists ${file.path} without a usable size (${String(file.size)})`,
        "streaming needs every file size: give cache-dir to download the model first"
      );
    }
  }
  const digestOf = new Map(manifest.resources.map((r) => [r.name, r.digest]));
  const algorithm = resourceAlgorithm(serialization);
  const listed = files.flatMap(
    (file) => (serialization.method === "files" ? [file.path] : shardRanges(file.size, serialization.shardSize).map(
      ([start, end]) => formatShardName(file.path, start, end)
    )).map((name) => ({ name, algorithm, digest: digestOf.get(name) ?? "" }))
  );
  compareManifest(manifest.resources, listed);
  return {
    manifest,
    signature,
    satisfied: requirements.map((r) => r.source),
    files: files.map((f) => ({ path: f.path, size: f.size })),
    bytes: files.reduce((sum, file) => sum + file.size, 0),
    digest: `sha256:${manifest.subjectDigest}`,
    signatureFile: {
      name: options.signatureName,
      bytes: bundle,
      sha256: createHash3("sha256").update(bundle).digest("hex")
    }
  };
}

// src/promotion-plan.ts
async function planPromotion(context, onVerified) {
  const { catalog, requirements } = await configure(context);
  const registry = context.options.registry ?? openModelRegistry(context);
  const mode = fetchMode({
    registryStreams: registry.resolveListed !== void 0,
    imageRepository: Boolean(context.inputs.imageRepository),
    cacheDir: Boolean(context.inputs.cacheDir),
    containerfileBuilder: environmentOf(catalog, context.inputs.environment).pools.some((p) => p.builder)
  });
  const { version, previousVersion, history, fetched } = await fetchVersion(context, registry, mode);
  const { verified, source } = await verify(context, fetched, requirements, previousVersion);
  onVerified?.({ registry, version, history });
  const compatibility = await checkSchema(context, registry, version, source, previousVersion);
  const clients = registryClients(context);
  const { choice, bases } = await resolve(context, catalog, version, clients);
  const planned = await planImageAndTarget(
    context,
    catalog,
    version,
    verified,
    choice,
    clients,
    bases,
    requirements
  );
  return {
    catalog,
    registry,
    version,
    ...previousVersion !== void 0 && { previousVersion },
    history,
    verified,
    source,
    ...compatibility && { compatibility },
    choice,
    clients: planned.clients,
    base: planned.base,
    imageInput: planned.imageInput,
    image: planned.image,
    ...planned.target && { target: planned.target },
    ...planned.cluster && { cluster: planned.cluster },
    ...planned.modelValidation && { modelValidation: planned.modelValidation }
  };
}
function configure(context) {
  const { inputs, options, cwd, stages } = context;
  return stages.run(
    "configure",
    async () => {
      const catalog = await loadCatalog(inputs.catalog, cwd);
      environmentOf(catalog, inputs.environment);
      const requirements = [];
      const environmentPolicy = await environmentSigningPolicy(catalog, inputs.environment);
      if (environmentPolicy) requirements.push(requirementFromEnvironment(environmentPolicy));
      const inputPolicy = await requirementFromInputs(inputs.policy, cwd);
      if (inputPolicy) requirements.push(inputPolicy);
      const root = usesPublicGood(requirements) ? await refreshPublicGoodRoot({ logger: options.logger, env: context.env }) : void 0;
      if (inputs.manifests.length) await manifestFiles(inputs.manifests, cwd);
      return { catalog, requirements: withPublicGoodRoot(requirements, root) };
    },
    ({ requirements }) => `catalog ${inputs.catalog}; signing policy from ${requirements.map((r) => r.source).join(" and ") || "nowhere"}`
  );
}
function openModelRegistry(context) {
  const { inputs, options, cwd } = context;
  return openRegistry(inputs.registry, cwd, {
    logger: options.logger,
    env: context.env,
    insecure: inputs.insecureRegistry,
    ...inputs.cacheDir && { cacheDir: inputs.cacheDir },
    ...options.mask && { mask: options.mask }
  });
}
function fetchVersion(context, registry, mode) {
  const { inputs, stages } = context;
  return stages.run(
    "fetch",
    async () => {
      const fetched = mode === "stream" && registry.resolveListed ? { kind: "stream", version: await registry.resolveListed(inputs.model, inputs.version) } : { kind: "folder", version: await registry.resolve(inputs.model, inputs.version) };
      const history = await registry.history(inputs.model);
      const previousVersion = history.filter((entry) => entry.environment === inputs.environment && entry.status === "succeeded").at(-1)?.version;
      return { version: fetched.version, fetched, previousVersion, history };
    },
    ({ version, previousVersion, fetched }) => `${version.model} ${version.requested === version.version ? "" : `${version.requested} -> `}v${version.version}` + (fetched.kind === "stream" ? `; ${fetched.version.files.length} files listed, to stream` : "") + (previousVersion ? `; ${inputs.environment} runs v${previousVersion}` : "")
  );
}
async function verify(context, fetched, requirements, previousVersion) {
  const { options, record, stages } = context;
  const { version } = fetched;
  const { verified, source } = await stages.run(
    "verify",
    async () => {
      if (fetched.kind === "stream") {
        const listed = fetched.version;
        const verified2 = await verifySignedListing(
          listed.signature,
          listed.files.map((f) => ({ path: f.path, size: f.size ?? -1 })),
          requirements,
          { signatureName: listed.signatureName }
        );
        const files = new Map(listed.files.map((f) => [f.path, f]));
        return {
          verified: verified2,
          source: { kind: "stream", label: listed.label, files, signature: listed.signature }
        };
      }
      const folder = fetched.version;
      const progress = byteProgress(options.logger, "verify", 0);
      const result = await verifyModel(folder, requirements, {
        onProgress: (p) => progress.update(p.bytesDone, p.bytesTotal),
        ...folder.knownDigests && { knownDigests: folder.knownDigests }
      });
      progress.done();
      return {
        verified: result,
        source: { kind: "folder", directory: result.directory, signaturePath: folder.signaturePath }
      };
    },
    ({ verified: v, source: s }) => s.kind === "stream" ? `signed by ${v.signature.signer}; ${v.files.length} listed files are the signed ones (${v.digest}), their bytes checked as they stream` : `${v.files.length} files match ${v.digest}, signed by ${v.signature.signer}`
  );
  record.model = {
    name: version.model,
    version: version.version,
    requested: version.requested,
    aliases: version.aliases,
    labels: version.labels,
    digest: verified.digest,
    files: verified.files.length,
    bytes: verified.bytes,
    ...previousVersion !== void 0 && { previousVersion }
  };
  record.signature = {
    method: verified.signature.method,
    signer: verified.signature.signer,
    ...verified.signature.issuer && { issuer: verified.signature.issuer },
    ...verified.signature.signedAt && { signedAt: verified.signature.signedAt },
    policies: verified.satisfied
  };
  return { verified, source };
}
async function checkSchema(context, registry, version, source, previousVersion) {
  const { inputs, record, stages } = context;
  return stages.run(
    "schema",
    async () => {
      const next = await extractInterface(
        source.kind === "folder" ? await folderFiles(source.directory, version.signatureName) : listedFiles(source.label, [...source.files.values()], version.signatureName, tmpdir2())
      );
      if (!next) return void 0;
      const previous = previousVersion && previousVersion !== version.version ? await runningInterface(registry, inputs.model, previousVersion) : void 0;
      const result = checkCompatibility(previous, next, inputs.allowBreakingSchema);
      record.compatibility = result;
      return result;
    },
    (result) => !result ? "no interface declared in the model" : !result.previous ? `interface from ${result.next.file}; nothing to compare with` : `${result.breaking.length} breaking, ${result.additions.length} added (v${previousVersion} -> v${version.version})`
  );
}
async function resolve(context, catalog, version, clients) {
  const { inputs, record, stages } = context;
  const resolved = await stages.run(
    "resolve",
    async () => {
      const toRead = basesToInspect(catalog, inputs.environment, version.labels);
      const { runtimes, images } = await readBaseRuntimes(toRead, {
        relativeTo: catalog.directory,
        ...toRead.some((base) => !base.ref.startsWith("oci-layout:")) && {
          registry: clients().baseSource()
        }
      });
      return { choice: resolvePool(catalog, inputs.environment, version.labels, runtimes), bases: images };
    },
    ({ choice: c }) => `pool ${c.pool.name} (${c.explanation.find((row) => row.selected)?.reason ?? ""})` + (c.runtime ? `; ${c.runtime}` : "")
  );
  const { choice } = resolved;
  record.environment = {
    name: choice.environment,
    pool: choice.pool.name,
    namespace: choice.pool.namespace,
    ...choice.pool.endpoint && { endpoint: choice.pool.endpoint },
    explanation: choice.explanation
  };
  return resolved;
}
function registryClients(context) {
  let clients;
  return () => clients ??= makeRegistryClients(context);
}
function makeRegistryClients(context) {
  const { inputs, options } = context;
  const targetRegistry = inputs.imageRepository ? parseRepository(inputs.imageRepository).registry : void 0;
  return new RegistryClients(
    {
      ...inputs.registryUsername && { username: inputs.registryUsername },
      ...inputs.registryPassword && { password: inputs.registryPassword },
      insecure: inputs.insecureRegistry,
      logger: options.logger,
      env: context.env,
      ...options.mask && { mask: options.mask }
    },
    targetRegistry
  );
}
function planImageAndTarget(context, catalog, version, verified, choice, lazyClients, bases, requirements) {
  const { inputs, options, stages } = context;
  return stages.run(
    "plan",
    async () => {
      const targetRegistry = inputs.imageRepository ? parseRepository(inputs.imageRepository).registry : void 0;
      const clients = lazyClients();
      const target = inputs.imageRepository ? registryTarget(inputs.imageRepository, clients, options.logger) : void 0;
      if (choice.pool.builder && !target) {
        throw new UsageError(
          `pool ${choice.pool.name} builds with ${choice.pool.builder.kind}, which pushes to a registry`,
          "give image-repository (HOST/REPO)"
        );
      }
      if (targetRegistry) await clients.clientFor(targetRegistry).ping();
      const base = bases.get(baseRuntimeKey({ ref: choice.base.ref, platform: choice.pool.image.platform })) ?? await resolveBaseImage(choice.base.ref, {
        platform: choice.pool.image.platform,
        relativeTo: catalog.directory,
        registry: clients.baseSource()
      });
      const policy = choice.pool.modelValidation?.enabled ? inClusterPolicy(verified.signature, requirements) : void 0;
      const imageInput = {
        files: verified.files,
        pool: choice.pool,
        base,
        model: { name: version.model, version: version.version, digest: verified.digest },
        sourceDateEpoch: inputs.sourceDateEpoch,
        tags: imageTags(version.version, choice.pool.name),
        signature: verified.signatureFile
      };
      const image = planImage(imageInput);
      return {
        clients,
        target,
        base,
        imageInput,
        image,
        cluster: clusterPlan(context, target),
        ...policy && image.signaturePath && { modelValidation: { policy, signaturePath: image.signaturePath } }
      };
    },
    ({ image, target, cluster }) => `${image.layers.length} model layer(s) on ${image.base.reference}${image.base.digest ? `@${image.base.digest}` : ""}, to ${target?.name ?? "an OCI layout"}; ${cluster ? "deploy to the cluster" : "render manifests only (no cluster)"}`
  );
}
function clusterPlan(context, target) {
  const { inputs, env } = context;
  const source = clusterSource(inputs.kubeconfig, env);
  if (source === void 0 || source !== "input" && !target) return void 0;
  return { allowLayoutImages: acceptsLayoutImages(inputs.kubeconfig, env) };
}
function imageTags(version, pool) {
  const tag = (text) => text.replace(/[^A-Za-z0-9_.-]/g, "-").replace(/^[.-]+/, "").slice(0, 128) || "model";
  return [tag(version), tag(`${version}-${pool}`)];
}
async function runningInterface(registry, model, version) {
  if (registry.listVersion) {
    const listing = await registry.listVersion(model, version);
    return extractInterface(listedFiles(listing.label, listing.files, listing.signatureName, tmpdir2()));
  }
  const running = await registry.resolve(model, version);
  return extractInterface(await folderFiles(running.directory, running.signatureName));
}

// src/report/output-folder.ts
import {
  open,
  mkdir as mkdir4,
  mkdtemp as mkdtemp3,
  readdir as readdir3,
  readFile as readFile7,
  realpath,
  rename as rename2,
  rm as rm5,
  stat,
  writeFile as writeFile4
} from "node:fs/promises";
import path8 from "node:path";
var ARTIFACTS = ["image", "manifests"];
var MARKER_FILE = ".model-promote";
var LOCK_FILE = ".model-promote.lock";
var ATTESTATION_FILE = "attestation.sigstore.json";
var OURS = /* @__PURE__ */ new Set([
  MARKER_FILE,
  LOCK_FILE,
  "promotion.json",
  "summary.md",
  ATTESTATION_FILE,
  ...ARTIFACTS
]);
var SYSTEM_ROOTS = ["/proc", "/sys", "/dev"];
var OutputFolderError = class extends PromotionError {
  name = "OutputFolderError";
};
var OutputFolder = class {
  constructor(dir) {
    this.dir = dir;
  }
  dir;
  claimed = false;
  /**
   * Makes the folder this promotion's, before anything slow happens: refuses (usage, exit 2) a path
   * under /proc, /sys or /dev, a file, a path under a file, an unwritable place, a folder of someone
   * else's files, and a folder another live promotion holds the lock of.
   */
  async claim(promotionId) {
    await refuseSystemPath(this.dir);
    const found = await stat(this.dir).catch((error) => {
      if (error.code === "ENOENT") return void 0;
      throw unusable(this.dir, error);
    });
    if (found && !found.isDirectory()) {
      throw unusableBecause(
        this.dir,
        "is a file, not a folder",
        "give --output a folder path (it is created if missing)"
      );
    }
    if (found) {
      const foreign = (await readdir3(this.dir)).filter(
        (name) => !OURS.has(name) && !name.startsWith(".staging-")
      );
      if (foreign.length > 0 && !await isFile(path8.join(this.dir, MARKER_FILE))) {
        const shown = foreign.sort().slice(0, 5).join(", ") + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : "");
        throw unusableBecause(
          this.dir,
          `holds files model-promote did not write (${shown}); it replaces its image/ and manifests/ there`,
          "give --output a new or empty folder (the default is out/model-promote)"
        );
      }
    }
    try {
      await mkdir4(this.dir, { recursive: true });
      await this.lock({ pid: process.pid, startedAt: (/* @__PURE__ */ new Date()).toISOString(), promotionId });
      await writeFile4(
        path8.join(this.dir, MARKER_FILE),
        "model-promote writes this folder: each promotion replaces promotion.json, summary.md, image/ and manifests/.\n"
      );
    } catch (error) {
      if (error instanceof PromotionError) throw error;
      throw unusable(this.dir, error);
    }
    this.claimed = true;
  }
  /** Drops the lock; safe to call when the claim failed. */
  async release() {
    if (!this.claimed) return;
    this.claimed = false;
    await rm5(path8.join(this.dir, LOCK_FILE), { force: true });
  }
  /** Whether the folder is this promotion's to write (claim() succeeded). */
  get isClaimed() {
    return this.claimed;
  }
  /** Takes the lock with O_EXCL; a lock whose process is gone is stale and taken over. */
  async lock(mine) {
    const file = path8.join(this.dir, LOCK_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(file, "wx");
        await handle.writeFile(`${JSON.stringify(mine)}
`);
        await handle.close();
        return;
      } catch (error) {
        if (error.code !== "EEXIST") throw error;
      }
      const holder = await readLock(file);
      if (holder === "unreadable") {
        throw new OutputFolderError(
          "usage",
          "output-folder-busy",
          `output folder ${this.dir} is being claimed by another promotion right now`,
          `wait for it to finish, or give this promotion another --output; if none runs, delete ${file}`
        );
      }
      if (holder && isAlive(holder.pid)) {
        throw new OutputFolderError(
          "usage",
          "output-folder-busy",
          `output folder ${this.dir} is being written by another promotion (${holder.promotionId}, process ${holder.pid}, started ${holder.startedAt})`,
          `wait for it to finish, or give this promotion another --output; if no such process runs, delete ${file}`
        );
      }
      await rm5(file, { force: true });
    }
    throw unusableBecause(this.dir, "its lock file keeps coming back", `delete ${file} and run again`);
  }
  recordPath() {
    return path8.join(this.dir, "promotion.json");
  }
  summaryPath() {
    return path8.join(this.dir, "summary.md");
  }
  /** Final place of an artifact, as it will be named in the record. */
  artifactPath(artifact) {
    return path8.join(this.dir, artifact);
  }
  async createStaging() {
    await mkdir4(this.dir, { recursive: true });
    return mkdtemp3(path8.join(this.dir, ".staging-"));
  }
  attestationPath() {
    return path8.join(this.dir, ATTESTATION_FILE);
  }
  /** Moves each staged artifact into place, replacing the previous run's. */
  async commit(staging) {
    await rm5(this.attestationPath(), { force: true });
    for (const artifact of ARTIFACTS) {
      await rm5(this.artifactPath(artifact), { recursive: true, force: true });
      await rename2(path8.join(staging, artifact), this.artifactPath(artifact)).catch(
        (error) => {
          if (error.code !== "ENOENT") throw error;
        }
      );
    }
    await rm5(staging, { recursive: true, force: true });
  }
  async discard(staging) {
    if (staging) await rm5(staging, { recursive: true, force: true });
    for (const artifact of ARTIFACTS) await rm5(this.artifactPath(artifact), { recursive: true, force: true });
    await rm5(this.attestationPath(), { force: true });
  }
  /** The attestation of the image in `image/`, once the promotion deployed it. */
  async writeAttestation(bundleJson) {
    await writeAtomically(this.attestationPath(), bundleJson);
  }
  async writeReport(record, summaryMarkdown) {
    await mkdir4(this.dir, { recursive: true });
    await writeAtomically(this.recordPath(), `${JSON.stringify(record, null, 2)}
`);
    await writeAtomically(this.summaryPath(), summaryMarkdown);
  }
};
async function refuseSystemPath(dir) {
  let existing = path8.resolve(dir);
  for (; ; ) {
    const real = await realpath(existing).catch(() => void 0);
    if (real !== void 0) {
      existing = real;
      break;
    }
    const parent = path8.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  const root = SYSTEM_ROOTS.find((r) => existing === r || existing.startsWith(`${r}/`));
  if (root) {
    throw unusableBecause(
      dir,
      `is under ${root}, a kernel file system that cannot hold it`,
      "give --output a folder in the workspace, e.g. out/model-promote"
    );
  }
}
function unusable(dir, error) {
  switch (error.code) {
    case "ENOTDIR":
      return unusableBecause(
        dir,
        "is under a file, not a folder",
        "give --output a path whose parents are folders"
      );
    case "EACCES":
    case "EPERM":
      return unusableBecause(
        dir,
        "cannot be written by this user",
        "give --output a folder this user can write (or fix its permissions)"
      );
    case "EROFS":
      return unusableBecause(
        dir,
        "is on a read-only file system",
        "give --output a folder on a writable disk"
      );
    case "ENOSPC":
      return unusableBecause(dir, "is on a full disk", "free space or give --output another disk");
    default:
      return unusableBecause(
        dir,
        `cannot be used (${error.code ?? error.message})`,
        "give --output a folder this user can write"
      );
  }
}
function unusableBecause(dir, why, hint) {
  return new OutputFolderError("usage", "output-folder-unusable", `output folder ${dir} ${why}`, hint);
}
async function readLock(file) {
  try {
    const lock = JSON.parse(await readFile7(file, "utf8"));
    if (typeof lock.pid === "number")
      return { pid: lock.pid, startedAt: String(lock.startedAt), promotionId: String(lock.promotionId) };
  } catch {
  }
  const age = Date.now() - ((await stat(file).catch(() => void 0))?.mtimeMs ?? 0);
  return age < 5e3 ? "unreadable" : void 0;
}
function isAlive(pid) {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}
async function isFile(file) {
  return (await stat(file).catch(() => void 0))?.isFile() ?? false;
}
async function writeAtomically(file, text) {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile4(temporary, text);
  await rename2(temporary, file);
}

// src/report/plan-text.ts
function renderPlanText({ model, verified, choice, image }) {
  const lines = [
    `plan: promote ${model.name} v${model.version} (${verified.digest}) to ${choice.environment}`,
    `  signed by ${verified.signature.signer}${verified.signature.issuer ? ` (${verified.signature.issuer})` : ""}, satisfying ${verified.satisfied.join(" and ")}`,
    `  pool ${choice.pool.name} in namespace ${choice.pool.namespace}, base ${image.base.reference} (${choice.baseKey})`,
    `  image ${image.platform}, tags ${image.tags.join(", ")}, model at ${image.modelPath}:`,
    ...image.layers.map(
      (layer) => `    layer: ${layer.files.length} file(s), ${formatBytes(layer.files.reduce((n, f) => n + f.size, 0))}: ${layer.createdBy}`
    ),
    renderExplanationTable(choice.explanation)
  ];
  return lines.join("\n");
}

// src/report/promotion-record.ts
function newRecord(request, at) {
  return {
    schemaVersion: 1,
    promotionId: at.promotionId,
    tool: { name: "model-promote", version: TOOL_VERSION },
    startedAt: at.now.toISOString(),
    status: "failed",
    dryRun: request.dryRun,
    request: {
      registry: request.registry,
      model: request.model,
      version: request.version,
      environment: request.environment,
      catalog: request.catalog,
      output: request.output
    },
    ...at.runUrl && { runUrl: at.runUrl },
    stages: []
  };
}
function recordError(error) {
  return {
    kind: error.kind,
    code: error.code,
    message: error.message,
    ...error.hint && { hint: error.hint }
  };
}
function newPromotionId(now) {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `${stamp}-${crypto.randomUUID().slice(0, 8)}`;
}

// src/report/stage-runner.ts
var StageRunner = class {
  constructor(record, logger, clock = () => /* @__PURE__ */ new Date(), group = (_name, work) => work()) {
    this.record = record;
    this.logger = logger;
    this.clock = clock;
    this.group = group;
  }
  record;
  logger;
  clock;
  group;
  async run(name, work, detail) {
    const startedAt = this.clock().toISOString();
    const t0 = performance.now();
    try {
      const { result, said } = await this.group(name, async () => {
        const result2 = await work();
        const said2 = detail?.(result2);
        if (said2) this.logger.info(`${name}: ${said2}`);
        return { result: result2, said: said2 };
      });
      this.push(name, startedAt, performance.now() - t0, "ok", said);
      return result;
    } catch (error) {
      const failure = asPromotionError(error);
      const outcome = failure.kind === "refused" ? "refused" : "failed";
      this.push(name, startedAt, performance.now() - t0, outcome, failure.code);
      throw failure;
    }
  }
  skip(name, detail) {
    this.push(name, this.clock().toISOString(), 0, "skipped", detail);
  }
  push(name, startedAt, durationMs, outcome, detail) {
    this.record.stages.push({
      name,
      startedAt,
      durationMs: Math.round(durationMs),
      outcome,
      ...detail && { detail }
    });
  }
};

// src/promote.ts
async function promote(inputs, options) {
  const clock = options.clock ?? (() => /* @__PURE__ */ new Date());
  const cwd = options.cwd ?? process.cwd();
  const record = newRecord(inputs, {
    promotionId: options.promotionId ?? newPromotionId(clock()),
    now: clock(),
    ...options.runUrl && { runUrl: options.runUrl }
  });
  const context = {
    inputs,
    options,
    cwd,
    env: options.env ?? process.env,
    record,
    stages: new StageRunner(record, options.logger, clock, options.group),
    output: new OutputFolder(path9.resolve(cwd, inputs.output))
  };
  let plan;
  let verified;
  let staging;
  let error;
  try {
    await context.output.claim(record.promotionId);
    plan = await planPromotion(context, (version) => verified = version);
    if (inputs.dryRun) {
      staging = await context.output.createStaging();
      const diffs = await previewPromotion(context, plan, staging);
      options.logger.info(
        renderPlanText({ model: { name: plan.version.model, version: plan.version.version }, ...plan })
      );
      for (const diff of diffs) options.logger.info(diff);
      record.status = "planned";
      await context.output.commit(staging);
    } else {
      staging = await context.output.createStaging();
      await applyPromotion(context, plan, staging);
      record.status = "succeeded";
    }
  } catch (thrown) {
    error = asPromotionError(thrown);
    record.status = error.kind === "refused" ? "refused" : "failed";
    record.error = recordError(error);
    if (error instanceof EnvironmentError && error.explanation.length && record.environment === void 0) {
      record.environment = { name: inputs.environment, explanation: error.explanation };
    }
    const deployed = record.stages.some((s) => s.name === "attestation" && s.outcome !== "ok");
    if (context.output.isClaimed && !deployed) await context.output.discard(staging);
  }
  record.finishedAt = clock().toISOString();
  try {
    await report(context, plan, verified);
  } finally {
    await context.output.release();
  }
  return { record, ...error && { error } };
}
async function report(context, plan, verified) {
  const { record, output, options, inputs } = context;
  const warn = (doing, error) => options.logger.warn(`${doing}: ${asPromotionError(error).message} (the promotion's result is unchanged)`);
  if (verified && !inputs.dryRun) await writeBack(context, verified, warn);
  if (plan?.target && record.image && !inputs.dryRun) {
    try {
      const attached = await attachToImage(plan, record.image.digest, {
        artifactType: PROMOTION_RECORD_TYPE,
        mediaType: PROMOTION_RECORD_TYPE,
        bytes: Buffer.from(JSON.stringify(record)),
        annotations: { "dev.model-promote.promotion-id": record.promotionId }
      });
      record.attestations = { ...record.attestations, record: attached.digest };
    } catch (error) {
      warn("attaching the promotion record to the image", error);
    }
  }
  if (output.isClaimed) {
    try {
      await output.writeReport(record, renderSummaryMarkdown(record));
    } catch (error) {
      warn(`writing the promotion record to ${output.dir}`, error);
    }
  }
}
async function writeBack(context, plan, warn) {
  const { record, inputs } = context;
  const time = record.finishedAt ?? (/* @__PURE__ */ new Date()).toISOString();
  const entry = {
    promotionId: record.promotionId,
    environment: inputs.environment,
    version: plan.version.version,
    status: record.status,
    time,
    ...record.image && { image: record.image.reference },
    ...record.environment?.pool && { pool: record.environment.pool },
    ...record.error && { reason: record.error.message },
    durationSeconds: Math.max(0, Date.parse(time) - Date.parse(record.startedAt)) / 1e3
  };
  let history = plan.history;
  try {
    await plan.registry.recordPromotion(plan.version, entry);
    history = historyWith(plan.history, entry, plan.registry.historyKeeps);
  } catch (error) {
    warn("writing the promotion back to the registry", error);
  }
  const stats = environmentStats(history, inputs.environment, new Date(time));
  if (stats) record.history = stats;
}

// src/report/utilization-telemetry.ts
function figureFamilies(rows, resource, unit, what) {
  const of = (row) => row.pod[resource];
  const samples = (pick, extra = {}) => rows.flatMap((row) => {
    const figure = of(row);
    const value = figure && pick(figure);
    return value === void 0 ? [] : [{ labels: { ...row.labels, ...extra }, value }];
  });
  return [
    {
      name: `model_promote_pod_${resource}_${unit}`,
      help: `${what} of each new pod over the metrics window after the last promotion: average and peak.`,
      samples: [
        ...samples((f) => f.average, { stat: "average" }),
        ...samples((f) => f.peak, { stat: "peak" })
      ]
    },
    {
      name: `model_promote_pod_${resource}_request_ratio`,
      help: `${what} of each new pod, its average over the window as a fraction of the pod's request.`,
      samples: samples((f) => f.ofRequest)
    },
    {
      name: `model_promote_pod_${resource}_limit_ratio`,
      help: `${what} of each new pod, its peak over the window as a fraction of the pod's limit.`,
      samples: samples((f) => f.ofLimit)
    }
  ];
}
function utilizationFamilies(record) {
  const rows = (record.deploy ?? []).flatMap(
    (d) => (d.utilization?.pods ?? []).map((pod) => ({ labels: { cluster: d.cluster, pod: pod.pod }, pod }))
  );
  if (!rows.length) return [];
  const gpu = rows.flatMap((row) => row.pod.gpu ? [{ labels: row.labels, gpu: row.pod.gpu }] : []);
  return [
    ...figureFamilies(rows, "cpu", "cores", "CPU (cores)"),
    ...figureFamilies(rows, "memory", "bytes", "Memory (working set, bytes)"),
    {
      name: "model_promote_pod_gpu_utilization_percent",
      help: "GPU utilization (DCGM_FI_DEV_GPU_UTIL) of each new pod's GPUs over the window: average and peak.",
      samples: [
        ...gpu.map((g) => ({ labels: { ...g.labels, stat: "average" }, value: g.gpu.utilizationAverage })),
        ...gpu.map((g) => ({ labels: { ...g.labels, stat: "peak" }, value: g.gpu.utilizationPeak }))
      ]
    },
    {
      name: "model_promote_pod_gpu_memory_used_bytes",
      help: "GPU framebuffer used by each new pod's GPUs at its peak over the window.",
      samples: gpu.map((g) => ({ labels: g.labels, value: g.gpu.memoryPeakBytes }))
    },
    {
      name: "model_promote_pod_gpu_memory_ratio",
      help: "GPU framebuffer used at its peak as a fraction of the GPUs' framebuffer.",
      samples: gpu.flatMap(
        (g) => g.gpu.memoryOfTotal === void 0 ? [] : [{ labels: g.labels, value: g.gpu.memoryOfTotal }]
      )
    }
  ];
}

// src/report/telemetry.ts
var PUSHGATEWAY_JOB = "model_promote";
var RESULTS = ["succeeded", "planned", "refused", "failed"];
function smokeLatencyOf(record) {
  const smoke = record.deploy?.at(-1)?.smoke;
  return smoke ? { p50Ms: smoke.p50Ms, p95Ms: smoke.p95Ms } : void 0;
}
function promotionMetrics(record) {
  const finished = Date.parse(record.finishedAt ?? record.startedAt);
  const started = Date.parse(record.startedAt);
  const families = [
    {
      name: "model_promote_last_run_timestamp_seconds",
      help: "When the last promotion of this model to this environment finished (Unix seconds).",
      samples: [{ value: finished / 1e3 }]
    },
    {
      name: "model_promote_last_result",
      help: "The last promotion's result: 1 for the result it had, 0 for the others.",
      samples: RESULTS.map((result) => ({ labels: { result }, value: record.status === result ? 1 : 0 }))
    },
    {
      name: "model_promote_duration_seconds",
      help: "How long the last promotion took, first stage to report.",
      samples: [{ value: Math.max(0, finished - started) / 1e3 }]
    },
    {
      name: "model_promote_stage_duration_seconds",
      help: "How long each stage of the last promotion took, with its outcome.",
      samples: record.stages.map((stage) => ({
        labels: { stage: stage.name, outcome: stage.outcome },
        value: stage.durationMs / 1e3
      }))
    },
    {
      name: "model_promote_info",
      help: "What the last promotion promoted: model version, pool, digests, tool version. Always 1.",
      samples: [
        {
          labels: {
            version: record.model?.version ?? "",
            pool: record.environment?.pool ?? "",
            image_digest: record.image?.digest ?? "",
            model_digest: record.model?.digest ?? "",
            dry_run: String(record.dryRun),
            tool_version: record.tool.version
          },
          value: 1
        }
      ]
    }
  ];
  if (record.status === "succeeded") {
    families.push({
      name: "model_promote_last_success_timestamp_seconds",
      help: "When this model last reached this environment successfully (Unix seconds).",
      samples: [{ value: finished / 1e3 }]
    });
  }
  families.push(...historyFamilies(record.history));
  const smoke = smokeLatencyOf(record);
  if (smoke) {
    families.push({
      name: "model_promote_smoke_latency_seconds",
      help: "Latency of the last promotion's smoke requests to the new version, by quantile.",
      samples: [
        ...smoke.p50Ms !== void 0 ? [{ labels: { quantile: "0.5" }, value: smoke.p50Ms / 1e3 }] : [],
        ...smoke.p95Ms !== void 0 ? [{ labels: { quantile: "0.95" }, value: smoke.p95Ms / 1e3 }] : []
      ]
    });
  }
  families.push(...utilizationFamilies(record));
  return families.filter((family) => family.samples.length > 0);
}
function historyFamilies(stats) {
  if (!stats) return [];
  const quantiles = [
    { quantile: "0.5", value: stats.medianSeconds },
    { quantile: "0.95", value: stats.p95Seconds }
  ].flatMap(({ quantile, value }) => value === null ? [] : [{ labels: { quantile }, value }]);
  return [
    {
      name: "model_promote_history_promotions",
      help: "Promotions of this model to this environment in the registry's history, by result.",
      samples: ["succeeded", "refused", "failed"].map((result) => ({
        labels: { result },
        value: stats[result]
      }))
    },
    {
      name: "model_promote_history_success_ratio",
      help: "Share of this model's promotions to this environment in the registry's history that succeeded (0 to 1).",
      samples: [{ value: stats.successRate }]
    },
    {
      name: "model_promote_history_duration_seconds",
      help: "Duration of this model's successful promotions to this environment in the registry's history, by quantile (nearest rank).",
      samples: quantiles
    },
    {
      name: "model_promote_history_since_last_success_seconds",
      help: "Seconds from the last successful promotion of this model to this environment to this push.",
      samples: stats.sinceLastSuccessSeconds === null ? [] : [{ value: stats.sinceLastSuccessSeconds }]
    }
  ];
}
function renderExposition(families) {
  const lines = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${family.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`);
    lines.push(`# TYPE ${family.name} gauge`);
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels ?? {}).map(
        ([key, value]) => `${key}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`
      ).join(",");
      lines.push(`${family.name}${labels ? `{${labels}}` : ""} ${formatValue(sample.value)}`);
    }
  }
  return `${lines.join("\n")}
`;
}
function formatValue(value) {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  return String(value);
}
function groupingPath(model, environment) {
  const segment = (label, value) => /^[A-Za-z0-9_.-]+$/.test(value) && value !== "." && value !== ".." ? `${label}/${value}` : `${label}@base64/${Buffer.from(value).toString("base64url") || "="}`;
  return `/metrics/${segment("job", PUSHGATEWAY_JOB)}/${segment("model", model)}/${segment("environment", environment)}`;
}

// src/report/telemetry-pushgateway.ts
var TelemetryError = class extends PromotionError {
  name = "TelemetryError";
  constructor(code, message, hint, options) {
    super("failed", code, message, hint, options);
  }
};
var EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
function pushgatewayReporter(url, logger, options = {}) {
  const base = url.replace(/\/+$/, "");
  const send = options.fetch ?? fetch;
  return {
    name: "Pushgateway metrics",
    async started() {
    },
    async finished(record) {
      const target = `${base}${groupingPath(record.request.model, record.request.environment)}`;
      let response;
      try {
        response = await send(target, {
          method: "POST",
          headers: { "Content-Type": EXPOSITION_CONTENT_TYPE },
          body: renderExposition(promotionMetrics(record)),
          signal: AbortSignal.timeout(options.timeoutMs ?? 1e4)
        });
      } catch (error) {
        throw new TelemetryError(
          "pushgateway-unreachable",
          `pushing metrics to ${target}: ${error instanceof Error ? error.message : String(error)}`,
          "check pushgateway-url and that the Pushgateway is reachable from the job",
          { cause: error }
        );
      }
      if (!response.ok) {
        const said = (await response.text()).trim().slice(0, 300);
        throw new TelemetryError(
          "pushgateway-refused",
          `pushing metrics to ${target}: ${response.status} ${said || response.statusText}`,
          response.status === 404 ? "pushgateway-url is the Pushgateway root, e.g. http://pushgateway:9091" : void 0
        );
      }
      logger.info(
        `metrics pushed to ${base} (${record.request.model}/${record.request.environment}: ${record.status})`
      );
    }
  };
}

// src/run-promotion.ts
async function runPromotion(platform, options = {}) {
  const cwd = options.cwd ?? process.cwd();
  let inputs;
  let reporters = [];
  let result;
  let recordWritten;
  try {
    for (const secret of secretValues(platform.readInput)) platform.mask(secret);
    const parsed = parsePromotionInputs(platform.readInput);
    inputs = parsed;
    reporters = [
      ...platform.reporters?.(parsed) ?? [],
      ...parsed.pushgatewayUrl ? [pushgatewayReporter(parsed.pushgatewayUrl, platform.logger)] : []
    ];
    const attestation = await chooseAttestationSigner(parsed, platform.identityToken, cwd);
    await each(platform, reporters, (reporter) => reporter.started(parsed));
    result = await promote(parsed, {
      ...attestation && { attestation },
      logger: platform.logger,
      group: (title, work) => platform.group(title, work),
      cwd,
      ...platform.runUrl && { runUrl: platform.runUrl },
      mask: (secret) => platform.mask(secret)
    });
    recordWritten = !result.record.error?.code.startsWith("output-folder-");
  } catch (thrown) {
    const error2 = asPromotionError(thrown);
    const record2 = unstartedRecord(platform, error2, inputs);
    if (!inputs) reporters = platform.reporters?.(void 0) ?? [];
    recordWritten = await writeUnstartedRecord(record2, cwd, platform);
    result = { record: record2, error: error2 };
  }
  const { record, error } = result;
  options.onRecord?.(record);
  const summary = renderSummaryMarkdown(record);
  try {
    await platform.setOutputs(outputsOf(record, recordWritten));
    await platform.writeSummary(summary);
  } catch (thrown) {
    platform.logger.warn(`reporting the promotion: ${asPromotionError(thrown).message}`);
  }
  await each(platform, reporters, (reporter) => reporter.finished(record, summary));
  if (error) {
    platform.fail(error);
    return error.exitCode;
  }
  platform.logger.info(
    `${record.status}: ${record.request.model} v${record.model?.version} -> ${record.request.environment}`
  );
  return 0;
}
function unstartedRecord(platform, error, inputs, now = /* @__PURE__ */ new Date()) {
  const given = (name, fallback = "") => oneLine(platform.readInput(name)?.trim() || fallback);
  const request = inputs ?? {
    registry: given("registry"),
    model: given("model"),
    version: given("version", "latest"),
    environment: given("environment"),
    catalog: given("catalog", DEFAULT_CATALOG_PATH),
    output: given("output", DEFAULT_OUTPUT),
    dryRun: givenDryRun(given("dry-run", "false"))
  };
  const record = newRecord(request, {
    promotionId: newPromotionId(now),
    now,
    ...platform.runUrl && { runUrl: platform.runUrl }
  });
  record.status = error.kind === "refused" ? "refused" : "failed";
  record.error = recordError(error);
  record.finishedAt = now.toISOString();
  return record;
}
function givenDryRun(raw) {
  try {
    return parseBoolean("dry-run", raw);
  } catch {
    return false;
  }
}
async function writeUnstartedRecord(record, cwd, platform) {
  const folder = new OutputFolder(path10.resolve(cwd, record.request.output));
  try {
    await folder.claim(record.promotionId);
  } catch (thrown) {
    platform.logger.debug(`no record written: ${asPromotionError(thrown).message}`);
    return false;
  }
  try {
    await folder.discard(void 0);
    await folder.writeReport(record, renderSummaryMarkdown(record));
    return true;
  } catch (thrown) {
    platform.logger.warn(
      `writing the promotion record to ${folder.dir}: ${asPromotionError(thrown).message}`
    );
    return false;
  } finally {
    await folder.release();
  }
}
function outputsOf(record, recordWritten = true) {
  const image = record.dryRun ? void 0 : record.image?.reference;
  return {
    status: record.status,
    environment: record.request.environment,
    pool: record.environment?.pool ?? "",
    image: image ?? "",
    digest: record.image?.digest ?? "",
    "image-digest": record.image?.digest ?? "",
    "model-digest": record.model?.digest ?? "",
    "manifests-path": record.manifests?.path ?? "",
    "record-path": recordWritten ? path10.join(record.request.output, "promotion.json") : "",
    url: record.environment?.endpoint ?? "",
    model: record.request.model,
    "model-version": record.model?.version ?? "",
    metadata: JSON.stringify({
      status: record.status,
      model: record.request.model,
      version: record.model?.version ?? null,
      environment: record.request.environment,
      pool: record.environment?.pool ?? null,
      image: image ?? null,
      digest: record.image?.digest ?? null,
      url: record.environment?.endpoint ?? null,
      promotionId: record.promotionId
    })
  };
}
async function each(platform, reporters, call) {
  for (const reporter of reporters) {
    try {
      await call(reporter);
    } catch (thrown) {
      platform.logger.warn(
        `${reporter.name}: ${asPromotionError(thrown).message} (the promotion's result is unchanged)`
      );
    }
  }
}

export {
  runPromotion,
  unstartedRecord,
  outputsOf
};
