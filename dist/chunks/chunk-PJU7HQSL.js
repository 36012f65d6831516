import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  PromotionError
} from "./chunk-237YPWJV.js";

// src/deploy/cluster-error.ts
var DeployError = class extends PromotionError {
  name = "DeployError";
  constructor(kind, code, message, hint, options) {
    super(kind, code, message, hint, options?.cause === void 0 ? void 0 : { cause: options.cause });
    if (options?.evidence) this.evidence = options.evidence;
  }
  evidence;
};
function statusOf(error) {
  if (!error || typeof error !== "object") return void 0;
  const body = error.body;
  if (typeof body === "string") {
    try {
      const parsed = JSON.parse(body);
      return parsed && typeof parsed === "object" ? parsed : void 0;
    } catch {
      return { message: body };
    }
  }
  return body && typeof body === "object" ? body : void 0;
}
function httpCodeOf(error) {
  const code = error?.code;
  return typeof code === "number" ? code : void 0;
}
var TLS = /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_CERT_ALTNAME_INVALID|CERT_HAS_EXPIRED|unable to verify|self[- ]signed certificate|certificate has expired|does not match certificate/i;
var NETWORK = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNRESET|EAI_AGAIN|socket hang up|fetch failed|certificate|self[- ]signed|UND_ERR/i;
function messageChain(error) {
  const parts = [];
  let current = error;
  for (let i = 0; i < 5 && current; i++) {
    if (current instanceof Error) {
      parts.push(current.message, String(current.code ?? ""));
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.filter(Boolean).join(": ");
}
function isNotFound(error) {
  return httpCodeOf(error) === 404;
}
function describeAction(action) {
  const where = action.namespace ? `${action.namespace}/` : "";
  return `${action.verb} ${action.kind}${action.name ? ` ${where}${action.name}` : where ? ` in ${action.namespace}` : ""}`;
}
function apiFailure(error, action) {
  if (error instanceof DeployError) return error;
  const code = httpCodeOf(error);
  const status = statusOf(error);
  const at = action.cluster ? ` (cluster ${action.cluster})` : "";
  if (code === void 0 || code === 0 && NETWORK.test(messageChain(error))) {
    const chain = messageChain(error);
    if (TLS.test(chain)) {
      return new DeployError(
        "failed",
        "tls-untrusted",
        `the Kubernetes API server${at} is not trusted: ${chain.split("\n")[0]}`,
        "use the cluster's own CA in the kubeconfig (certificate-authority-data), and a server address its certificate names",
        { cause: error }
      );
    }
    if (NETWORK.test(chain) || code === void 0) {
      return new DeployError(
        "failed",
        "cluster-unreachable",
        `cannot reach the Kubernetes API server${at} to ${describeAction(action)}: ${chain.split("\n")[0]}`,
        "check the kubeconfig server address, the network path from this runner, and its TLS settings",
        { cause: error }
      );
    }
  }
  const message = status?.message ?? (error instanceof Error ? error.message : String(error));
  switch (code) {
    case 401:
      return new DeployError(
        "failed",
        "unauthorized",
        `the Kubernetes API server${at} refused our credentials (401 Unauthorized) to ${describeAction(action)}: ${message}`,
        "the kubeconfig's token or client certificate is wrong or expired: give a current one (for a service account: kubectl create token NAME)",
        { cause: error }
      );
    case 403:
      return new DeployError(
        "failed",
        "forbidden",
        `${describeAction(action)}${at}: forbidden: ${message}`,
        `grant the promoting identity "${action.verb}" on ${action.kind} in namespace ${action.namespace ?? "(cluster scope)"} (a Role and RoleBinding); docs/deploy.md lists every permission`,
        { cause: error }
      );
    case 422: {
      const fields = (status?.details?.causes ?? []).map((c) => c.field).filter((f) => Boolean(f));
      return new DeployError(
        "usage",
        "invalid-manifest",
        `${describeAction(action)}${at}: invalid ${fields.length ? `field ${fields.join(", ")}` : "manifest"}: ${message}`,
        fields.length ? `fix ${fields.join(", ")} in the manifest (or the pool in the catalog that renders it)` : "fix the manifest",
        { cause: error }
      );
    }
    case 500: {
      const typed = /failed to create typed patch object \([^)]*\): \.?([^:]+): (.*)$/.exec(message);
      if (typed) {
        const [, field = "", problem = ""] = typed;
        return new DeployError(
          "usage",
          "invalid-manifest",
          `${describeAction(action)}${at}: invalid field ${field}: ${problem}`,
          `fix ${field} in the manifest (or the pool in the catalog that renders it)`,
          { cause: error }
        );
      }
      break;
    }
    case 404:
      if (status?.details?.kind === "namespaces" || /namespaces? "[^"]+" not found/.test(message)) {
        return new DeployError(
          "usage",
          "namespace-missing",
          `${describeAction(action)}${at}: namespace "${action.namespace ?? status?.details?.name ?? ""}" does not exist`,
          "create the namespace (kubectl create namespace NAME), or set the pool namespace in the catalog",
          { cause: error }
        );
      }
      break;
    case 409:
      if (status?.reason === "Conflict" && /Apply failed/.test(message)) {
        return new DeployError(
          "failed",
          "apply-conflict",
          `${describeAction(action)}${at}: ${message.split("\n")[0]}`,
          "another field manager owns these fields: run with force: true to take them over, or remove that manager's changes",
          { cause: error }
        );
      }
      break;
  }
  return new DeployError(
    "failed",
    "api-error",
    `${describeAction(action)}${at}: ${code ? `HTTP ${code}: ` : ""}${message}`,
    void 0,
    { cause: error }
  );
}

export {
  DeployError,
  statusOf,
  httpCodeOf,
  isNotFound,
  apiFailure
};
