import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  parseStatement
} from "./chunk-XKCH53FU.js";
import {
  parseBundle
} from "./chunk-H4IN4WRU.js";
import {
  silentLogger
} from "./chunk-WPYXZ6I6.js";
import {
  MediaType
} from "./chunk-BPKCH6W6.js";
import {
  external_exports
} from "./chunk-IIQ7BM2O.js";
import {
  require_dist
} from "./chunk-VHMCSZIG.js";
import {
  PromotionError
} from "./chunk-237YPWJV.js";
import {
  __toESM
} from "./chunk-6DG7BXTN.js";

// src/registry/registry-error.ts
var RegistryError = class extends PromotionError {
  name = "RegistryError";
};

// src/registry/folder-registry.ts
var import_yaml = __toESM(require_dist(), 1);
import { open, readFile, readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
var SIGNATURE_FILE = "model.sig";
var labelsSchema = external_exports.record(external_exports.string(), external_exports.union([external_exports.string(), external_exports.number(), external_exports.boolean()]).transform(String));
var modelMetadataSchema = external_exports.object({
  description: external_exports.string().optional(),
  labels: labelsSchema.default({}),
  aliases: external_exports.record(external_exports.string(), external_exports.union([external_exports.string(), external_exports.number()]).transform(String)).default({})
}).strict();
var versionMetadataSchema = external_exports.object({
  description: external_exports.string().optional(),
  labels: labelsSchema.default({})
}).strict();
var VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
var FolderRegistry = class {
  constructor(root, logger = silentLogger) {
    this.root = root;
    this.logger = logger;
  }
  root;
  logger;
  async resolve(model, versionOrAlias) {
    const modelDir = await this.modelDirectory(model);
    const metadata = await readMetadata(path.join(modelDir, "model.yaml"), modelMetadataSchema, {
      labels: {},
      aliases: {}
    });
    const versions = await this.versions(modelDir);
    const version = resolveVersion(model, versionOrAlias, metadata, versions);
    const versionDir = await this.versionDirectory(modelDir, model, version);
    const versionMetadata = await readMetadata(
      path.join(modelDir, `${version}.yaml`),
      versionMetadataSchema,
      {
        labels: {}
      }
    );
    const signaturePath = path.join(versionDir, SIGNATURE_FILE);
    const signature = await stat(signaturePath).catch(() => void 0);
    if (!signature?.isFile()) {
      throw new RegistryError(
        "refused",
        "signature-missing",
        `${model} version ${version} has no signature: ${signaturePath} ${signature ? "is not a file" : "does not exist"}`,
        `sign the version (model-promote sign ${versionDir} --private-key KEY) or add its model.sig`
      );
    }
    return {
      registry: this.root,
      model,
      version,
      requested: versionOrAlias,
      aliases: Object.entries(metadata.aliases).filter(([, target]) => target === version).map(([alias]) => alias).sort(),
      labels: { ...metadata.labels, ...versionMetadata.labels },
      directory: versionDir,
      signaturePath,
      signatureName: SIGNATURE_FILE
    };
  }
  /**
   * Appends one line in one write (O_APPEND), so concurrent writers never interleave; a line a
   * crashed writer left without its newline is ended first, so it spoils only itself.
   */
  async recordPromotion(version, entry) {
    const file = path.join(await this.modelDirectory(version.model), `${version.version}.promotions.jsonl`);
    try {
      const handle = await open(file, "a+");
      try {
        const { size } = await handle.stat();
        const last = Buffer.alloc(1);
        if (size > 0) await handle.read(last, 0, 1, size - 1);
        const unterminated = size > 0 && last[0] !== 10;
        await handle.write(`${unterminated ? "\n" : ""}${JSON.stringify(entry)}
`);
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw new RegistryError(
        "failed",
        "history-write-failed",
        `writing the promotion history ${file}: ${error.message}`,
        "make the registry folder writable",
        { cause: error }
      );
    }
  }
  /** Every readable history line; a line that is not one (a crashed writer's) is skipped with a warning. */
  async history(model) {
    const modelDir = await this.modelDirectory(model);
    const files = (await readdir(modelDir)).filter((name) => name.endsWith(".promotions.jsonl"));
    const entries = [];
    for (const name of files.sort(compareVersions)) {
      const text = await readFile(path.join(modelDir, name), "utf8");
      for (const [index, line] of text.split("\n").entries()) {
        if (!line.trim()) continue;
        const entry = historyEntry(line);
        if (entry) entries.push(entry);
        else this.logger.warn(`${model}/${name} line ${index + 1} is not a promotion record: skipped`);
      }
    }
    return entries.sort((a, b) => a.time.localeCompare(b.time));
  }
  /**
   * The version's folder. A version that is a symbolic link is followed only to a folder inside the
   * registry, and the log says so: a link elsewhere would let the registry's content come from
   * anywhere on the machine.
   */
  async versionDirectory(modelDir, model, version) {
    const link = path.join(modelDir, version);
    const target = await realpath(link).catch(() => void 0);
    if (target === link) return link;
    const root = await realpath(this.root);
    const inside = target !== void 0 && !path.relative(root, target).startsWith("..");
    if (!target || !inside || !await isDirectory(target)) {
      const where = !target ? "nothing (a broken link)" : inside ? `${target}, not a folder` : `${target}, outside the registry folder`;
      throw new RegistryError(
        "usage",
        "version-link-outside",
        `${model} version ${version} is a symbolic link to ${where}`,
        `make ${link} a folder of the registry, or link it to a version folder inside ${this.root}`
      );
    }
    this.logger.info(`${model} version ${version} is a symbolic link: reading it from ${target}`);
    return target;
  }
  async modelDirectory(model) {
    if (!await isDirectory(this.root)) {
      throw new RegistryError(
        "usage",
        "registry-not-found",
        `registry folder ${this.root} does not exist`,
        'pass --registry with the path of a registry folder (see README: "The registry folder")'
      );
    }
    if (!VERSION_PATTERN.test(model)) {
      throw new RegistryError(
        "usage",
        "unknown-model",
        `model name "${model}" is not a valid folder name`,
        'name a model folder of the registry (letters, digits, ".", "_", "-"; no "/" or "..")'
      );
    }
    const dir = path.join(this.root, model);
    if (!await isDirectory(dir)) {
      const known = await subdirectories(this.root);
      throw new RegistryError(
        "usage",
        "unknown-model",
        `model "${model}" is not in registry ${this.root}`,
        known.length ? `use one of: ${known.join(", ")}` : "the registry holds no models yet"
      );
    }
    return dir;
  }
  async versions(modelDir) {
    return (await subdirectories(modelDir)).filter((name) => VERSION_PATTERN.test(name));
  }
};
function resolveVersion(model, versionOrAlias, metadata, versions) {
  if (versions.includes(versionOrAlias)) return versionOrAlias;
  const aliased = metadata.aliases[versionOrAlias];
  if (aliased !== void 0) {
    if (!versions.includes(aliased)) {
      throw new RegistryError(
        "usage",
        "invalid-metadata",
        `alias "${versionOrAlias}" of ${model} points at version ${aliased}, which does not exist`,
        `fix the alias in ${model}/model.yaml`
      );
    }
    return aliased;
  }
  if (versionOrAlias === "latest" && versions.length > 0) return [...versions].sort(compareVersions).at(-1);
  const choices = [...[...versions].sort(compareVersions), ...Object.keys(metadata.aliases).sort()];
  throw new RegistryError(
    "usage",
    "unknown-version",
    `${model} has no version or alias "${versionOrAlias}"`,
    choices.length ? `use one of: ${choices.join(", ")}` : `${model} has no versions yet`
  );
}
function compareVersions(a, b) {
  return a.localeCompare(b, "en", { numeric: true });
}
async function readMetadata(file, schema, empty) {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (error.code === "ENOENT") return empty;
    throw error;
  }
  let data;
  try {
    data = (0, import_yaml.parse)(text) ?? {};
  } catch (error) {
    throw new RegistryError(
      "usage",
      "invalid-metadata",
      `${file}: ${error.message}`,
      "fix the YAML"
    );
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RegistryError(
      "usage",
      "invalid-metadata",
      `${file}: ${issue.path.join(".") || "(top level)"}: ${issue.message}`,
      'see README "The registry folder" for the metadata format'
    );
  }
  return parsed.data;
}
async function subdirectories(dir) {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !e.name.startsWith(".")).map((e) => e.name).sort(compareVersions);
}
function historyEntry(line) {
  try {
    const entry = JSON.parse(line);
    return entry && typeof entry === "object" && typeof entry.time === "string" ? entry : void 0;
  } catch {
    return void 0;
  }
}
async function isDirectory(p) {
  return (await stat(p).catch(() => void 0))?.isDirectory() ?? false;
}

// src/signing/listed-digests.ts
var HEX64 = /^[a-f0-9]{64}$/;
function expectedDigests(bundleBytes) {
  const expected = /* @__PURE__ */ new Map();
  try {
    const manifest = parseStatement(parseBundle(bundleBytes).envelope.payload);
    if (manifest.serialization.method !== "files" || manifest.serialization.hashType !== "sha256")
      return expected;
    for (const resource of manifest.resources) {
      if (resource.algorithm === "sha256" && HEX64.test(resource.digest))
        expected.set(resource.name, resource.digest);
    }
  } catch {
  }
  return expected;
}

// src/registry/modelpack-error.ts
var ModelPackError = class extends PromotionError {
  name = "ModelPackError";
};

// src/registry/modelpack.ts
import { posix } from "node:path";
var MODELPACK_ARTIFACT_TYPE = "application/vnd.cncf.model.manifest.v1+json";
var MODELPACK_CONFIG_TYPE = "application/vnd.cncf.model.config.v1+json";
var KITOPS_CONFIG_TYPE = "application/vnd.kitops.modelkit.config.v1+json";
var Annotation = {
  FilePath: "org.cncf.model.filepath",
  FileMetadata: "org.cncf.model.file.metadata+json",
  MediaTypeUntested: "org.cncf.model.file.mediatype.untested",
  Version: "org.opencontainers.image.version",
  Title: "org.opencontainers.image.title",
  /**
   * Ours: the folder the layer's tar holds its file under (`models` for `models/PATH`, '' for
   * `PATH`), with that folder's entries before it. Absent: the file is at PATH.
   */
  LayerPrefix: "dev.model-promote.layer.prefix"
};
var LABEL_PREFIX = "dev.model-promote.label.";
var MODELPACK_PREFIX = "org.cncf.model.";
var KINDS = ["weight", "weight.config", "doc", "code", "dataset"];
var FORMATS = ["raw", "tar", "tar+gzip", "tar+zstd"];
function layerMediaType(kind, format = "tar") {
  return `application/vnd.cncf.model.${kind}.v1.${format}`;
}
function parseLayerMediaType(mediaType) {
  const match = /^application\/vnd\.cncf\.model\.([a-z.]+)\.v1\.(raw|tar|tar\+gzip|tar\+zstd)$/.exec(
    mediaType
  );
  const kind = match?.[1];
  const format = match?.[2];
  if (!kind || !format || !KINDS.includes(kind) || !FORMATS.includes(format)) return void 0;
  return { kind, format };
}
var WEIGHT = /\.(safetensors|bin|pt|pth|ckpt|onnx|gguf|ggml|h5|keras|pb|tflite|msgpack|npz|npy|joblib|pkl|pickle|mlmodel|engine|plan|params|ot)$/i;
var CODE = /\.(py|ipynb|sh|js|ts|go|rs|java|c|cc|cpp|h|hpp|cu|r|jl|lua|rb)$/i;
var DOC = /(^|\/)(readme|license|licence|notice|copying|model[-_]?card)([.][^/]*)?$|\.(md|rst|pdf|html)$/i;
function classifyFile(path2) {
  if (WEIGHT.test(path2)) return { kind: "weight", untested: false };
  if (DOC.test(path2)) return { kind: "doc", untested: false };
  if (CODE.test(path2)) return { kind: "code", untested: false };
  if (/\.(json|ya?ml|txt|model|vocab|toml|cfg|ini|tiktoken)$/i.test(path2))
    return { kind: "weight.config", untested: false };
  return { kind: "weight.config", untested: true };
}
function buildConfig(model, version, layers, format) {
  return {
    descriptor: { name: model, version },
    modelfs: { type: "layers", diffIds: layers.map((l) => l.digest) },
    config: format ? { format } : {}
  };
}
function buildManifest(options) {
  const annotations = { [Annotation.Version]: options.version };
  for (const [key, value] of Object.entries(options.labels)) annotations[`${LABEL_PREFIX}${key}`] = value;
  return {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    artifactType: MODELPACK_ARTIFACT_TYPE,
    config: { mediaType: MODELPACK_CONFIG_TYPE, digest: options.config.digest, size: options.config.size },
    layers: options.layers.map((layer) => {
      const { kind, untested } = classifyFile(layer.path);
      const metadata = {
        name: layer.path,
        mode: 420,
        uid: 0,
        gid: 0,
        size: layer.size,
        mtime: new Date(layer.sourceDateEpoch * 1e3).toISOString(),
        typeflag: 48
      };
      return {
        mediaType: layerMediaType(kind),
        digest: layer.digest,
        size: layer.layerSize,
        annotations: {
          [Annotation.FilePath]: layer.path,
          [Annotation.FileMetadata]: JSON.stringify(metadata),
          [Annotation.LayerPrefix]: layer.prefix,
          ...untested ? { [Annotation.MediaTypeUntested]: "true" } : {}
        }
      };
    }),
    annotations
  };
}
function parseModelPackManifest(mediaType, bytes, what) {
  let manifest;
  try {
    manifest = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    throw notModelPack(what, "its manifest is not JSON");
  }
  if (mediaType !== MediaType.ImageManifest || manifest.schemaVersion !== 2 || !Array.isArray(manifest.layers)) {
    const kind = Array.isArray(manifest.manifests) ? "an image index" : `a ${mediaType}`;
    throw notModelPack(what, `it is ${kind}, not an OCI image manifest`);
  }
  const configType = manifest.config?.mediaType;
  if (configType === KITOPS_CONFIG_TYPE) {
    throw new ModelPackError(
      "usage",
      "not-modelpack",
      `${what} is a KitOps ModelKit, which model-promote does not read`,
      "push the model as a CNCF ModelPack artifact (model-promote publish, or modctl)"
    );
  }
  if (manifest.artifactType !== MODELPACK_ARTIFACT_TYPE && configType !== MODELPACK_CONFIG_TYPE) {
    const type = manifest.artifactType ?? configType ?? "no type";
    throw notModelPack(what, `its artifact type is ${type}`);
  }
  const files = [];
  manifest.layers.forEach((layer, i) => {
    const layerType = parseLayerMediaType(layer.mediaType);
    if (!layerType) {
      throw new ModelPackError(
        "refused",
        "layer-unsupported",
        `${what}: layer ${i} has media type ${layer.mediaType}, not a ModelPack layer type`,
        "a ModelPack model has weight, weight.config, doc, code and dataset layers (.tar, .tar+gzip, .tar+zstd or .raw)"
      );
    }
    const annotated = layer.annotations?.[Annotation.FilePath];
    if (!annotated) {
      throw new ModelPackError(
        "refused",
        "layer-unsupported",
        `${what}: layer ${i} (${layer.digest}) has no ${Annotation.FilePath} annotation`,
        "model-promote reads layers holding one file each, named by that annotation"
      );
    }
    const path2 = cleanPath(annotated, `${what}: layer ${i}`);
    const metadata = fileMetadata(layer.annotations?.[Annotation.FileMetadata]);
    const raw = layerType.format === "raw";
    const prefix = raw ? void 0 : layerPrefix(layer.annotations?.[Annotation.LayerPrefix], `${what}: layer ${i}`);
    files.push({
      path: path2,
      layer,
      format: layerType.format,
      ...raw ? { size: layer.size, sha256: layer.digest.replace(/^sha256:/, "") } : {},
      ...!raw && metadata.size !== void 0 ? { size: metadata.size } : {},
      ...prefix !== void 0 && { prefix },
      ...metadata.sourceDateEpoch !== void 0 && { sourceDateEpoch: metadata.sourceDateEpoch }
    });
  });
  const version = manifest.annotations?.[Annotation.Version];
  return {
    files,
    ...version ? { version } : {},
    annotationLabels: annotationLabels(manifest.annotations ?? {})
  };
}
var FILE_KEYS = /* @__PURE__ */ new Set([
  Annotation.FilePath,
  Annotation.FileMetadata,
  Annotation.MediaTypeUntested
]);
function annotationLabels(annotations) {
  const modelpack = {};
  const ours = {};
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(LABEL_PREFIX) && key.length > LABEL_PREFIX.length)
      ours[key.slice(LABEL_PREFIX.length)] = value;
    else if (key.startsWith(MODELPACK_PREFIX) && !FILE_KEYS.has(key))
      modelpack[key.slice(MODELPACK_PREFIX.length)] = value;
  }
  return { ...modelpack, ...ours };
}
function configLabels(bytes) {
  let value;
  try {
    value = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    return {};
  }
  const object = (v) => v !== null && typeof v === "object" ? v : {};
  const config = object(object(value).config);
  const descriptor = object(object(value).descriptor);
  const labels = {};
  const take = (key, from) => {
    if (typeof from === "string" && from !== "") labels[key] = from;
  };
  take("format", config.format);
  take("architecture", config.architecture);
  take("precision", config.precision);
  take("quantization", config.quantization);
  take("param-size", config.paramSize);
  take("family", descriptor.family);
  return labels;
}
function fileMetadata(text) {
  if (!text) return {};
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  const { size, mtime } = value ?? {};
  const millis = typeof mtime === "string" ? Date.parse(mtime) : NaN;
  return {
    ...typeof size === "number" && Number.isSafeInteger(size) && size >= 0 && { size },
    ...Number.isSafeInteger(millis) && millis % 1e3 === 0 && { sourceDateEpoch: millis / 1e3 }
  };
}
function layerPrefix(value, what) {
  if (value === void 0 || value === "") return value;
  return cleanPath(value, `${what}: ${Annotation.LayerPrefix}`);
}
function cleanPath(path2, what) {
  const trimmed = path2.replace(/^(\.\/)+/, "");
  if (trimmed === "" || trimmed.startsWith("/") || trimmed.includes("\\") || trimmed.includes("\0") || posix.normalize(trimmed) !== trimmed || trimmed.split("/").some((s) => s === ".." || s === "." || s === "")) {
    throw new ModelPackError(
      "refused",
      "layer-unsupported",
      `${what}: file path ${JSON.stringify(path2)} is not a clean relative path`,
      "the artifact names a file outside the model folder: fix the artifact"
    );
  }
  return trimmed;
}
function notModelPack(what, problem) {
  return new ModelPackError(
    "usage",
    "not-modelpack",
    `${what} is not a ModelPack model artifact: ${problem}`,
    `push model versions as CNCF ModelPack artifacts (artifactType ${MODELPACK_ARTIFACT_TYPE}), e.g. with model-promote publish`
  );
}

export {
  RegistryError,
  SIGNATURE_FILE,
  FolderRegistry,
  compareVersions,
  expectedDigests,
  ModelPackError,
  MODELPACK_CONFIG_TYPE,
  buildConfig,
  buildManifest,
  parseModelPackManifest,
  configLabels
};
