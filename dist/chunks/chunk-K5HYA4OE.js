import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  oneLine
} from "./chunk-R2XD6JB2.js";
import {
  PromotionError
} from "./chunk-NCNDG6SP.js";

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

// src/schema/schema-error.ts
var SchemaError = class extends PromotionError {
  name = "SchemaError";
};

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
function renderCompatibilityMarkdown(result) {
  const lines = ["### Interface compatibility", ""];
  const from = result.previous ? `\`${result.previous.file}\` (${result.previous.source})` : "no interface for the running version";
  lines.push(`Compared ${from} with \`${result.next.file}\` (${result.next.source}).`, "");
  const rows = [
    ...result.breaking.map((c) => ["breaking", c]),
    ...result.additions.map((c) => ["addition", c]),
    ...result.compatible.map((c) => ["compatible", c])
  ];
  if (rows.length === 0) {
    lines.push("No change to the inputs and outputs.");
    return `${lines.join("\n")}
`;
  }
  lines.push("| Change | Side | Name | Detail |", "|---|---|---|---|");
  for (const [verdict, c] of rows) {
    const detail = c.description.slice(c.description.indexOf(": ") + 2);
    lines.push(`| ${verdict} | ${c.side} | \`${escapeCell(c.name)}\` | ${escapeCell(detail)} |`);
  }
  return `${lines.join("\n")}
`;
}
function escapeCell(text) {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

// src/report/summary-markdown.ts
var STATUS_LINE = {
  succeeded: "\u2705 promoted",
  planned: "\u{1F4DD} planned (dry run: nothing was changed)",
  refused: "\u26D4 refused",
  failed: "\u274C failed"
};
function renderSummaryMarkdown(record) {
  const { request } = record;
  const version = record.model ? versionText(record.model.requested, record.model.version) : request.version;
  const lines = [
    `### Model promotion: ${code(request.model)} ${version} \u2192 ${code(request.environment)}: ${STATUS_LINE[record.status]}`,
    ""
  ];
  if (record.error) {
    lines.push(`> **${record.error.code}**: ${escapeCell2(record.error.message)}`);
    if (record.error.hint) lines.push(`> Fix: ${escapeCell2(record.error.hint)}`);
    lines.push("");
  }
  const facts = [
    ["Model digest", record.model && code(record.model.digest)],
    ["Files", record.model && `${record.model.files} (${formatBytes(record.model.bytes)})`],
    [
      "Signed by",
      record.signature && `${code(record.signature.signer)}${record.signature.issuer ? ` (issuer ${code(record.signature.issuer)})` : ""}, ${record.signature.method}; policies: ${record.signature.policies.join(", ")}`
    ],
    ["Pool", record.environment?.pool && code(record.environment.pool)],
    ["Namespace", record.environment?.namespace && code(record.environment.namespace)],
    ["Endpoint", record.environment?.endpoint],
    ["Image", record.image && code(record.image.reference)],
    [
      "Base image",
      record.image && `${code(record.image.base)}${record.image.baseDigest ? ` @ ${code(record.image.baseDigest)}` : ""}`
    ],
    ["Manifests", record.manifests && record.manifests.objects.map(code).join(", ")],
    ["Promotion", code(record.promotionId)]
  ];
  const present = facts.filter((f) => Boolean(f[1]));
  if (present.length) {
    lines.push("| | |", "|---|---|", ...present.map(([k, v]) => `| ${k} | ${escapeCell2(v)} |`), "");
  }
  if (record.environment?.explanation.length) {
    lines.push(
      "<details><summary>Why this pool</summary>",
      "",
      "| Pool | Matched | Reason |",
      "|---|---|---|"
    );
    for (const row of record.environment.explanation) {
      const mark = row.selected ? "\u2705 chosen" : row.matched ? "yes" : "no";
      lines.push(`| ${code(row.pool)} | ${mark} | ${escapeCell2(row.reason)} |`);
    }
    lines.push("", "</details>", "");
  }
  for (const deploy of record.deploy ?? []) {
    lines.push(...deploySection(deploy), "");
  }
  if (record.compatibility) {
    lines.push(renderCompatibilityMarkdown(record.compatibility), "");
  }
  if (record.stages.length) {
    lines.push("| Stage | Outcome | Time | Detail |", "|---|---|---|---|");
    for (const stage of record.stages) {
      lines.push(
        `| ${stage.name} | ${stage.outcome} | ${formatDuration(stage.durationMs)} | ${escapeCell2(stage.detail ?? "")} |`
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}
function deploySection(deploy) {
  const change2 = `${deploy.previousVersion ? `v${deploy.previousVersion} \u2192 ` : ""}v${deploy.version}`;
  const lines = [
    `**Cluster ${code(deploy.cluster)}, namespace ${code(deploy.namespace)}:** ${change2}` + (deploy.rolledBack ? " \u2014 rolled back" : "") + (deploy.rollout ? `, rollout ${formatDuration(deploy.rollout.seconds * 1e3)}` : "") + (deploy.smoke ? `, smoke ${deploy.smoke.requests} requests p50 ${deploy.smoke.p50Ms.toFixed(0)} ms, p95 ${deploy.smoke.p95Ms.toFixed(0)} ms` : "")
  ];
  if (deploy.reason) lines.push("", `> ${escapeCell2(deploy.reason)}`);
  const evidence = [...deploy.evidence?.events ?? [], ...deploy.evidence?.logTail ?? []];
  if (evidence.length) {
    lines.push(
      "",
      "<details><summary>Events and log tail</summary>",
      "",
      "```",
      ...evidence,
      "```",
      "",
      "</details>"
    );
  }
  return lines;
}
function versionText(requested, version) {
  return requested === version ? `v${version}` : `${requested} (v${version})`;
}
function code(text) {
  return `\`${oneLine(text).replaceAll("`", "'")}\``;
}
function escapeCell2(text) {
  return oneLine(text).replaceAll("|", "\\|");
}
function formatBytes(bytes) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
function formatDuration(ms) {
  return ms < 1e3 ? `${Math.round(ms)} ms` : `${(ms / 1e3).toFixed(1)} s`;
}

export {
  normaliseDtype,
  normaliseShape,
  SchemaError,
  checkCompatibility,
  renderSummaryMarkdown,
  formatBytes,
  formatDuration
};
