import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  publishedJsonSchema
} from "./chunk-EN2KTAKO.js";
import {
  external_exports
} from "./chunk-IIQ7BM2O.js";

// src/report/drift-record.ts
var DRIFT_SCHEMA_FILE = "schema/drift-record.schema.json";
var finding = external_exports.object({
  kind: external_exports.enum(["field", "replicas", "image", "deleted", "record"]),
  object: external_exports.string().describe("Kind/name of the object, e.g. Deployment/sentiment-production."),
  field: external_exports.string().describe("Path of the field; empty for a deleted object."),
  expected: external_exports.string().describe("What the last promotion applied."),
  live: external_exports.string().describe('What runs; "(absent)" when the field or object is gone.'),
  manager: external_exports.string().optional().describe("The field manager that owns the field now.")
}).strict();
var promotion = external_exports.object({
  cluster: external_exports.string(),
  namespace: external_exports.string(),
  model: external_exports.string(),
  version: external_exports.string(),
  promotionId: external_exports.string(),
  appliedAt: external_exports.string().describe("When the promotion applied (ISO 8601)."),
  imageDigest: external_exports.string(),
  objects: external_exports.array(external_exports.string()).describe("The objects it applied."),
  findings: external_exports.array(finding)
}).strict();
var driftRecordSchema = external_exports.object({
  schemaVersion: external_exports.literal(1),
  environment: external_exports.string(),
  checkedAt: external_exports.string().describe("When the check ran (ISO 8601)."),
  status: external_exports.enum(["clean", "drift", "nothing-promoted"]).describe("nothing-promoted: no promotion to this environment has been recorded in its namespaces."),
  targets: external_exports.array(external_exports.object({ context: external_exports.string().optional(), namespace: external_exports.string() }).strict()),
  promotions: external_exports.array(promotion)
}).strict();
function driftRecord(environment, targets, promotions, now) {
  const drifted = promotions.some((p) => p.findings.length > 0);
  return {
    schemaVersion: 1,
    environment,
    checkedAt: now.toISOString(),
    status: promotions.length === 0 ? "nothing-promoted" : drifted ? "drift" : "clean",
    targets: targets.map((t) => ({
      ...t.context !== void 0 ? { context: t.context } : {},
      namespace: t.namespace
    })),
    promotions: promotions.map((p) => ({ ...p, objects: [...p.objects], findings: [...p.findings] }))
  };
}
function driftJsonSchema() {
  return publishedJsonSchema(driftRecordSchema, {
    file: DRIFT_SCHEMA_FILE,
    title: "model-promote drift record",
    description: "What model-promote drift found: the live cluster against what the last promotion applied.",
    io: "output"
  });
}
var COLUMNS = ["object", "field", "expected", "live", "manager"];
function driftTable(record) {
  if (record.status === "nothing-promoted")
    return `${record.environment}: nothing promoted yet (no applied record in ${targetsText(record)}); nothing to compare
`;
  const lines = [];
  for (const p of record.promotions) {
    lines.push(
      `${p.model} v${p.version} in ${p.cluster}/${p.namespace} (promotion ${p.promotionId}, ${p.appliedAt}): ${p.findings.length ? `${p.findings.length} drift finding(s)` : "no drift"}`
    );
    if (!p.findings.length) continue;
    const rows = [
      [...COLUMNS],
      ...p.findings.map((f) => [f.object, f.field || "-", f.expected, f.live, f.manager ?? "-"])
    ];
    const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const row of rows)
      lines.push(
        `  ${row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()}`
      );
  }
  return `${lines.join("\n")}
`;
}
function targetsText(record) {
  return record.targets.map((t) => t.context ? `${t.context}/${t.namespace}` : t.namespace).join(", ");
}
function driftMarkdown(record, runUrl) {
  const cell = (text) => `\`${text.replaceAll("`", "'").replaceAll("|", "\\|").replaceAll("\n", " ")}\``;
  const lines = [
    `### Drift in \`${record.environment}\``,
    "",
    `Checked ${record.checkedAt}${runUrl ? ` by [this run](${runUrl})` : ""}: the cluster differs from what the last promotion applied. The next promotion overwrites these fields (with \`force\` where another manager owns them).`
  ];
  for (const p of record.promotions.filter((x) => x.findings.length)) {
    lines.push(
      "",
      `#### ${cell(p.model)} v${p.version} in ${cell(`${p.cluster}/${p.namespace}`)}`,
      "",
      `Promotion ${cell(p.promotionId)}, applied ${p.appliedAt}.`,
      "",
      "| Object | Field | Expected | Live | Manager |",
      "|---|---|---|---|---|",
      ...p.findings.map(
        (f) => `| ${cell(f.object)} | ${f.field ? cell(f.field) : "-"} | ${cell(f.expected)} | ${cell(f.live)} | ${f.manager ? cell(f.manager) : "-"} |`
      )
    );
  }
  return `${lines.join("\n")}
`;
}

export {
  DRIFT_SCHEMA_FILE,
  driftRecordSchema,
  driftRecord,
  driftJsonSchema,
  driftTable,
  driftMarkdown
};
