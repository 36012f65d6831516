import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  formatImageLocation,
  parseImageLocation
} from "./chunk-HP3MR4JB.js";
import {
  PromotionError
} from "./chunk-237YPWJV.js";

// src/environments/base-image.ts
function baseVariants(entry) {
  const list = Array.isArray(entry) ? entry : [entry];
  return list.map((item) => {
    if (typeof item === "string") return { base: parseBaseImage(item) };
    const { ref, ...declared } = item;
    return { base: parseBaseImage(ref), ...Object.keys(declared).length > 0 && { declared } };
  });
}
function mapBaseEntry(entry, change) {
  const one = (item) => typeof item === "string" ? change(item) : { ...item, ref: change(item.ref) };
  return Array.isArray(entry) ? entry.map(one) : one(entry);
}
function parseBaseImage(ref) {
  return { ...parseImageLocation(ref), ref };
}
function withLayoutPath(ref, change) {
  const location = parseImageLocation(ref);
  return location.kind === "oci-layout" ? formatImageLocation({ ...location, path: change(location.path) }) : ref;
}
function selectBaseImage(pool, labels) {
  const bases = pool.image.base;
  const runtime = Object.hasOwn(labels, "runtime") ? labels.runtime : void 0;
  for (const key of runtime === void 0 ? ["default"] : [runtime, "default"]) {
    const entry = Object.hasOwn(bases, key) ? bases[key] : void 0;
    if (entry !== void 0) return { found: true, key, variants: baseVariants(entry) };
  }
  const has = Object.keys(bases).join(", ") || "nothing";
  return {
    found: false,
    reason: runtime === void 0 ? `model has no runtime label and image.base has no default (has ${has})` : `no base image for runtime ${runtime} and no default (image.base has ${has})`
  };
}

// src/environments/environment-error.ts
var EnvironmentError = class extends PromotionError {
  name = "EnvironmentError";
  issues;
  explanation;
  constructor(kind, code, message, hint, details = {}) {
    super(kind, code, message, hint, details.cause === void 0 ? void 0 : { cause: details.cause });
    this.issues = details.issues ?? [];
    this.explanation = details.explanation ?? [];
  }
  /** The first issue's location, for a single annotation. */
  get location() {
    return this.issues[0]?.location;
  }
};
function formatIssue(issue) {
  const { file, line, column } = issue.location;
  return `${file}:${line}:${column}: ${issue.path ? `${issue.path}: ` : ""}${issue.message}`;
}

export {
  mapBaseEntry,
  withLayoutPath,
  selectBaseImage,
  EnvironmentError,
  formatIssue
};
