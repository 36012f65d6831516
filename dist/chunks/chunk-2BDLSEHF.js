import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  isDigest
} from "./chunk-BPKCH6W6.js";
import {
  external_exports
} from "./chunk-IIQ7BM2O.js";
import {
  OciError
} from "./chunk-NE5QDH7Y.js";

// src/oci/types.ts
var stringMap = external_exports.record(external_exports.string(), external_exports.string());
var platformSchema = external_exports.looseObject({
  os: external_exports.string(),
  architecture: external_exports.string(),
  variant: external_exports.string().optional(),
  "os.version": external_exports.string().optional(),
  "os.features": external_exports.array(external_exports.string()).optional()
});
var descriptorSchema = external_exports.looseObject({
  mediaType: external_exports.string(),
  digest: external_exports.string().refine(isDigest, { error: "is not sha256:<64 hex>" }),
  size: external_exports.int().nonnegative(),
  annotations: stringMap.optional(),
  platform: platformSchema.optional(),
  urls: external_exports.array(external_exports.string()).optional(),
  artifactType: external_exports.string().optional()
});
var manifestSchema = external_exports.looseObject({
  schemaVersion: external_exports.literal(2),
  mediaType: external_exports.string().optional(),
  config: descriptorSchema,
  layers: external_exports.array(descriptorSchema),
  annotations: stringMap.optional()
});
var indexSchema = external_exports.looseObject({
  schemaVersion: external_exports.literal(2),
  mediaType: external_exports.string().optional(),
  manifests: external_exports.array(descriptorSchema),
  annotations: stringMap.optional()
});
var imageConfigSchema = external_exports.looseObject({
  os: external_exports.string(),
  architecture: external_exports.string(),
  rootfs: external_exports.looseObject({ type: external_exports.literal("layers"), diff_ids: external_exports.array(external_exports.string()) })
});
function parse(schema, bytes, what) {
  let value;
  try {
    value = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (error) {
    throw invalid(what, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw invalid(what, `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`);
}
function invalid(what, problem) {
  return new OciError("failed", "manifest-invalid", `${what} is not valid: ${problem}`);
}
function parseManifest(bytes, what) {
  return parse(manifestSchema, bytes, what);
}
function parseIndex(bytes, what) {
  return parse(indexSchema, bytes, what);
}
function parseImageConfig(bytes, what) {
  return parse(imageConfigSchema, bytes, what);
}

export {
  parseManifest,
  parseIndex,
  parseImageConfig
};
