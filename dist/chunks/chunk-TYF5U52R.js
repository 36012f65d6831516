import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  DeployError
} from "./chunk-T7SLIWTS.js";
import {
  require_dist
} from "./chunk-VHMCSZIG.js";
import {
  __toESM
} from "./chunk-6DG7BXTN.js";

// src/deploy/labels.ts
import { createHash } from "node:crypto";
var PREFIX = "model-promote.dev";
var MANAGED_BY = "model-promote";
var DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
var LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
var MAX = 63;
function shortHash(text, length = 8) {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}
function resourceName(model, environment, max = MAX) {
  const raw = `${model}-${environment}`;
  if (raw.length <= max && DNS_LABEL.test(raw)) return raw;
  const hash = shortHash(raw);
  let base = raw.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-{2,}/g, "-").replace(/^[^a-z]+/, "");
  base = base.slice(0, max - hash.length - 1).replace(/-+$/, "");
  return base ? `${base}-${hash}` : `m-${hash}`;
}
function labelValue(value) {
  if (value.length <= MAX && LABEL_VALUE.test(value)) return value;
  const digest = /^([a-z0-9]+):([a-f0-9]+)$/.exec(value);
  if (digest) return `${digest[1]}-${digest[2]}`.slice(0, MAX);
  const hash = shortHash(value);
  const base = value.replace(/[^-A-Za-z0-9_.]+/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, MAX - hash.length - 1).replace(/[^A-Za-z0-9]+$/, "");
  return base ? `${base}-${hash}` : hash;
}
function promotionMetadata(input, name) {
  const { model, image, pool } = input;
  const selector = {
    "app.kubernetes.io/name": labelValue(model.name),
    "app.kubernetes.io/instance": name
  };
  const podLabels = {
    ...selector,
    "app.kubernetes.io/version": labelValue(model.version),
    "app.kubernetes.io/component": "model-server",
    "app.kubernetes.io/managed-by": MANAGED_BY,
    [`${PREFIX}/model`]: labelValue(model.name),
    [`${PREFIX}/version`]: labelValue(model.version),
    [`${PREFIX}/model-digest`]: labelValue(model.digest),
    [`${PREFIX}/environment`]: labelValue(input.environment),
    [`${PREFIX}/pool`]: labelValue(pool.name)
  };
  const podAnnotations = {
    [`${PREFIX}/model`]: model.name,
    [`${PREFIX}/version`]: model.version,
    [`${PREFIX}/model-digest`]: model.digest,
    [`${PREFIX}/image`]: image.reference,
    [`${PREFIX}/image-digest`]: image.digest
  };
  const optional = {
    [`${PREFIX}/requested`]: model.requested,
    [`${PREFIX}/signer-method`]: input.signer?.method,
    [`${PREFIX}/signer-identity`]: input.signer?.identity,
    [`${PREFIX}/signer-issuer`]: input.signer?.issuer,
    [`${PREFIX}/source-run`]: input.sourceRunUrl,
    [`${PREFIX}/previous-version`]: input.previousVersion
  };
  const annotations = {
    ...podAnnotations,
    [`${PREFIX}/promotion-id`]: input.promotionId,
    [`${PREFIX}/environment`]: input.environment,
    [`${PREFIX}/pool`]: pool.name
  };
  for (const [key, value] of Object.entries(optional)) if (value !== void 0) annotations[key] = value;
  return {
    name,
    selector,
    podLabels,
    labels: { ...podLabels, [`${PREFIX}/promotion-id`]: labelValue(input.promotionId) },
    annotations,
    podAnnotations
  };
}

// src/deploy/cluster-access.ts
var import_yaml = __toESM(require_dist(), 1);
import { existsSync, readFileSync } from "node:fs";
var IN_CLUSTER_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";
function clusterSource(kubeconfig, env = process.env) {
  if (kubeconfig?.trim()) return "input";
  if (env.KUBECONFIG?.trim()) return "KUBECONFIG";
  if (env.KUBERNETES_SERVICE_HOST && existsSync(IN_CLUSTER_TOKEN)) return "in-cluster";
  return void 0;
}
function looksLikeContent(text) {
  return text.includes("\n") || /^\s*(\{|apiVersion:|kind:|clusters:|current-context:)/.test(text);
}
function withoutSource(error) {
  const first = (error instanceof Error ? error.message : String(error)).split("\n")[0].replace(/:$/, "");
  if (error instanceof Error && /YAML/.test(error.name)) return `it is not valid YAML (${first})`;
  if (error instanceof SyntaxError) return "it is not valid JSON";
  return first;
}
var LOCAL_LAYOUTS_EXTENSION = "model-promote.dev/local-oci-layouts";
function acceptsLayoutImages(kubeconfig, env = process.env) {
  const source = clusterSource(kubeconfig, env);
  let text;
  if (source === "input" && kubeconfig) {
    text = looksLikeContent(kubeconfig) ? kubeconfig : readIfExists(kubeconfig.trim());
  } else if (source === "KUBECONFIG") {
    text = readIfExists(env.KUBECONFIG.split(":")[0].trim());
  }
  if (!text) return false;
  let parsed;
  try {
    parsed = (0, import_yaml.parse)(text);
  } catch (error) {
    throw new DeployError(
      "usage",
      "kubeconfig-invalid",
      `reading the kubeconfig (${source}): ${withoutSource(error)}`,
      "check that the kubeconfig is valid YAML with clusters, users and contexts"
    );
  }
  const config = parsed ?? {};
  const clusterName = config.contexts?.find((c) => c.name === config["current-context"])?.context?.cluster;
  const cluster = config.clusters?.find((c) => c.name === clusterName)?.cluster;
  return cluster?.extensions?.some((e) => e.name === LOCAL_LAYOUTS_EXTENSION) ?? false;
}
function readIfExists(file) {
  return existsSync(file) ? readFileSync(file, "utf8") : void 0;
}

export {
  PREFIX,
  MANAGED_BY,
  shortHash,
  resourceName,
  labelValue,
  promotionMetadata,
  clusterSource,
  looksLikeContent,
  withoutSource,
  acceptsLayoutImages
};
