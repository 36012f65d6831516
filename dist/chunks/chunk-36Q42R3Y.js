import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  PromotionError
} from "./chunk-237YPWJV.js";

// src/oci/remote/remote-error.ts
var OciRegistryError = class extends PromotionError {
  name = "OciRegistryError";
};
function parseErrorBody(text) {
  try {
    const value = JSON.parse(text);
    if (!Array.isArray(value.errors)) return [];
    return value.errors.flatMap((e) => {
      const entry = e;
      return entry && typeof entry.code === "string" ? [
        {
          code: entry.code,
          ...typeof entry.message === "string" ? { message: entry.message } : {},
          detail: entry.detail
        }
      ] : [];
    });
  } catch {
    return [];
  }
}
function describeErrorBody(text) {
  const entries = parseErrorBody(text);
  if (entries.length === 0) return text.trim().slice(0, 200) || "no error body";
  return entries.map((e) => {
    const detail = e.detail === void 0 || e.detail === null ? "" : ` (${JSON.stringify(e.detail).slice(0, 200)})`;
    return `${e.code}${e.message ? `: ${e.message}` : ""}${detail}`;
  }).join("; ");
}

// src/oci/remote/reference.ts
var COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
var REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
var TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
var DIGEST = /^sha256:[a-f0-9]{64}$/;
var HOST = /^(?:\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::[0-9]+)?$/;
var DOCKER_HUB = "docker.io";
function invalid(text, problem) {
  return new OciRegistryError(
    "usage",
    "reference-invalid",
    `image reference ${JSON.stringify(text)} ${problem}`,
    "write it like ghcr.io/org/model:1.0, 127.0.0.1:5000/demo:latest or REPO@sha256:<64 hex>"
  );
}
function parseImageReference(text) {
  let rest = text;
  let digest;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(text, "has a digest that is not sha256:<64 hex>");
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const hasHost = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost" || first.startsWith("["));
  const registry = hasHost ? first : DOCKER_HUB;
  if (hasHost && !HOST.test(registry))
    throw invalid(text, `has an invalid registry host ${JSON.stringify(registry)}`);
  let path = hasHost ? rest.slice(slash + 1) : rest;
  let tag;
  const colon = path.lastIndexOf(":");
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(text, `has an invalid tag ${JSON.stringify(tag)}`);
  }
  if (registry === DOCKER_HUB && !path.includes("/")) path = `library/${path}`;
  if (!REPOSITORY.test(path)) throw invalid(text, `has an invalid repository ${JSON.stringify(path)}`);
  return { registry, repository: path, ...tag !== void 0 ? { tag } : {}, ...digest ? { digest } : {} };
}
function manifestReference(ref) {
  return ref.digest ?? ref.tag ?? "latest";
}
function formatReference(ref) {
  return `${ref.registry}/${ref.repository}${ref.tag !== void 0 ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}
function apiHost(registry) {
  return registry === DOCKER_HUB || registry === "index.docker.io" ? "registry-1.docker.io" : registry;
}
function hostName(registry) {
  if (registry.startsWith("[")) return registry.slice(1, registry.indexOf("]"));
  const colon = registry.lastIndexOf(":");
  return colon >= 0 ? registry.slice(0, colon) : registry;
}
function isLoopback(registry) {
  const host = hostName(registry).toLowerCase();
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
function registryOrigin(registry, insecure = false) {
  return `${isLoopback(registry) || insecure ? "http" : "https"}://${apiHost(registry)}`;
}

export {
  OciRegistryError,
  parseErrorBody,
  describeErrorBody,
  DOCKER_HUB,
  parseImageReference,
  manifestReference,
  formatReference,
  apiHost,
  hostName,
  isLoopback,
  registryOrigin
};
