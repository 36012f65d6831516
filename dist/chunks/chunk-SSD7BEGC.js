import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  DEFAULT_CATALOG_PATH
} from "./chunk-BDT4GVSW.js";
import {
  EnvironmentError,
  formatIssue,
  mapBaseEntry,
  withLayoutPath
} from "./chunk-3HG2YFLT.js";
import {
  catalogSchema
} from "./chunk-HP3MR4JB.js";
import {
  require_dist
} from "./chunk-VHMCSZIG.js";
import {
  __toESM
} from "./chunk-6DG7BXTN.js";

// src/environments/catalog-loader.ts
var import_yaml = __toESM(require_dist(), 1);
import { readFile } from "node:fs/promises";
import path from "node:path";
async function loadCatalog(file = DEFAULT_CATALOG_PATH, cwd = process.cwd()) {
  let text;
  try {
    text = await readFile(path.resolve(cwd, file), "utf8");
  } catch (error) {
    const code = error.code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new EnvironmentError(
        "usage",
        "catalog-not-found",
        `catalog ${file} not found`,
        `pass --catalog PATH (Action input catalog) or create ${DEFAULT_CATALOG_PATH}; the format is in docs/catalog.md`,
        { cause: error }
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new EnvironmentError(
      "usage",
      "invalid-catalog",
      `reading catalog ${file}: ${reason}`,
      "pass a readable YAML file as --catalog",
      {
        cause: error
      }
    );
  }
  return parseCatalog(text, file, path.dirname(path.resolve(cwd, file)));
}
function parseCatalog(text, file, directory) {
  const lineCounter = new import_yaml.LineCounter();
  const doc = (0, import_yaml.parseDocument)(text, { lineCounter, prettyErrors: false, merge: true });
  const at = (offset) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const locate = (fieldPath) => at(offsetOf(doc, fieldPath));
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => ({
      location: at(e.pos[0]),
      path: "",
      message: `YAML: ${e.message}`
    }));
    throw invalid(file, issues);
  }
  let raw;
  try {
    raw = doc.toJS({ maxAliasCount: 1e3 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw invalid(file, [{ location: at(0), path: "", message: `YAML: ${message}` }]);
  }
  if (raw === null || raw === void 0) {
    throw invalid(file, [{ location: at(0), path: "", message: "the catalog is empty" }]);
  }
  const result = catalogSchema.safeParse(raw, { error: describeIssue });
  if (!result.success) {
    const issues = result.error.issues.flatMap((issue) => toCatalogIssues(issue, locate));
    issues.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
    throw invalid(file, issues);
  }
  const written = result.data;
  return { file, directory, written, catalog: resolvePaths(written, directory), locate };
}
function invalid(file, issues) {
  const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
  return new EnvironmentError(
    "usage",
    "invalid-catalog",
    `catalog ${file} is invalid (${count}):
${issues.map(formatIssue).join("\n")}`,
    "fix the catalog as shown; its format is in docs/catalog.md and schema/catalog.schema.json gives editor completion",
    { issues }
  );
}
function formatFieldPath(fieldPath) {
  let out = "";
  for (const segment of fieldPath) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
function toCatalogIssues(issue, locate) {
  const base = issue.path.filter((s) => typeof s !== "symbol");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const fieldPath = [...base, key];
      return { location: locate(fieldPath), path: formatFieldPath(fieldPath), message: "unknown field" };
    });
  }
  const message = issue.code === "invalid_key" ? `invalid name: ${issue.issues[0]?.message ?? issue.message}` : issue.message;
  return [{ location: locate(base), path: formatFieldPath(base), message }];
}
function describeIssue(issue) {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === void 0 ? "is required" : `must be ${EXPECTED[issue.expected] ?? `a ${issue.expected}`}, not ${kindOf(issue.input)}`;
    case "invalid_value":
      return issue.values.length === 1 ? `must be ${JSON.stringify(issue.values[0])}` : `must be one of ${issue.values.map(String).join(", ")}`;
    case "too_small":
      return issue.origin === "array" || issue.origin === "string" ? `must have at least ${String(issue.minimum)} ${issue.origin === "array" ? "item" : "character"}${Number(issue.minimum) === 1 ? "" : "s"}` : `must be ${issue.inclusive === false ? ">" : ">="} ${String(issue.minimum)}`;
    case "too_big":
      return issue.origin === "array" || issue.origin === "string" ? `must have at most ${String(issue.maximum)} ${issue.origin === "array" ? "items" : "characters"}` : `must be ${issue.inclusive === false ? "<" : "<="} ${String(issue.maximum)}`;
    case "invalid_format":
      if (issue.format === "url") return "must be a URL";
      if (issue.format === "starts_with")
        return `must start with ${String(issue.prefix)}`;
      return `must match ${String(issue.pattern ?? issue.format)}`;
    case "unrecognized_keys":
      return "unknown field";
    default:
      return void 0;
  }
}
var EXPECTED = { array: "a list", object: "a mapping", record: "a mapping" };
function kindOf(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}
function offsetOf(doc, fieldPath) {
  let node = doc.contents;
  let offset = doc.contents?.range?.[0] ?? 0;
  for (const segment of fieldPath) {
    if ((0, import_yaml.isAlias)(node)) node = node.resolve(doc);
    if ((0, import_yaml.isMap)(node)) {
      const pair = node.items.find(
        (p) => ((0, import_yaml.isScalar)(p.key) ? String(p.key.value) : String(p.key)) === String(segment)
      );
      if (!pair) break;
      const target = (0, import_yaml.isScalar)(pair.key) ? pair.key : pair.value;
      offset = target?.range?.[0] ?? offset;
      node = pair.value;
    } else if ((0, import_yaml.isSeq)(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}
function resolvePaths(catalog, directory) {
  const abs = (p) => path.resolve(directory, p);
  const environments = Object.fromEntries(
    Object.entries(catalog.environments).map(([name, env]) => [
      name,
      {
        ...env,
        ...env.signing && {
          signing: {
            ...env.signing,
            ...env.signing.trustedRoot !== void 0 && { trustedRoot: abs(env.signing.trustedRoot) },
            ...env.signing.publicKeys && { publicKeys: env.signing.publicKeys.map(abs) },
            ...env.signing.certificateChain && { certificateChain: env.signing.certificateChain.map(abs) }
          }
        },
        pools: env.pools.map((pool) => ({
          ...pool,
          image: {
            ...pool.image,
            base: Object.fromEntries(
              Object.entries(pool.image.base).map(([k, entry]) => [
                k,
                mapBaseEntry(entry, (ref) => withLayoutPath(ref, abs))
              ])
            )
          }
        }))
      }
    ])
  );
  return { ...catalog, environments };
}

export {
  loadCatalog,
  parseCatalog,
  formatFieldPath
};
