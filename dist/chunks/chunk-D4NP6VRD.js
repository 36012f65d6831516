import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  JOB_SUMMARY_LIMIT_BYTES,
  fitMarkdown,
  utf8Bytes
} from "./chunk-P4EM6VDN.js";
import {
  formatSpan
} from "./chunk-2YCQ6PVZ.js";
import {
  formatBytes
} from "./chunk-R2UCZZQQ.js";
import {
  oneLine
} from "./chunk-TDPV7D6W.js";

// src/report/utilization-markdown.ts
var percent = (fraction) => fraction === void 0 ? "\u2013" : `${Math.round(fraction * 100)}%`;
var cores = (value) => value >= 10 ? value.toFixed(1) : value.toFixed(3);
function shares(figure) {
  return figure ? `${percent(figure.ofRequest)} / ${percent(figure.ofLimit)}` : "\u2013";
}
function gpuCells(p) {
  const g = p.gpu;
  if (!g) return ["\u2013", "\u2013"];
  const memory = g.memoryTotalBytes !== void 0 ? `${formatBytes(g.memoryPeakBytes)} of ${formatBytes(g.memoryTotalBytes)} (${percent(g.memoryOfTotal)})` : formatBytes(g.memoryPeakBytes);
  return [`${g.utilizationAverage.toFixed(0)}% / ${g.utilizationPeak.toFixed(0)}%`, memory];
}
function utilizationSection(utilization) {
  const lines = [];
  const { pods, warnings, windowSeconds } = utilization;
  if (pods.length) {
    const gpu = pods.some((p) => p.gpu);
    lines.push(
      `Utilization over ${windowSeconds} s after the rollout (average / peak; shares: average of request / peak of limit):`,
      "",
      `| Pod | Readings | CPU cores | CPU of request / limit | Memory | Memory of request / limit |${gpu ? " GPU util | GPU memory (peak) |" : ""}`,
      `|---|---:|---:|---:|---:|---:|${gpu ? "---:|---:|" : ""}`
    );
    for (const p of pods) {
      const cells = [
        `\`${p.pod}\``,
        String(p.samples),
        p.cpu ? `${cores(p.cpu.average)} / ${cores(p.cpu.peak)}` : "\u2013",
        shares(p.cpu),
        p.memory ? `${formatBytes(p.memory.average)} / ${formatBytes(p.memory.peak)}` : "\u2013",
        shares(p.memory),
        ...gpu ? gpuCells(p) : []
      ];
      lines.push(`| ${cells.join(" | ")} |`);
    }
  }
  for (const w of warnings) {
    if (lines.length) lines.push("");
    lines.push(`> \u26A0\uFE0F ${escapeMarkdown(w.message)}. Fix: ${escapeMarkdown(w.hint)}`);
  }
  return lines;
}
function escapeMarkdown(text) {
  return oneLine(text).replaceAll("|", "\\|").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

// src/report/summary-markdown.ts
var STATUS_LINE = {
  succeeded: "\u2705 promoted",
  planned: "\u{1F4DD} planned (dry run: nothing was changed)",
  refused: "\u26D4 refused",
  failed: "\u274C failed"
};
var POOL_ROWS_SHOWN = 10;
var CHANGE_ROWS_SHOWN = 50;
var ERROR_DETAIL_LINES_SHOWN = 20;
var SUMMARY_LIMIT_BYTES = JOB_SUMMARY_LIMIT_BYTES - 64 * 1024;
function renderSummaryMarkdown(record) {
  const { request } = record;
  const version = record.model ? versionText(record.model.requested, record.model.version) : oneLine(request.version);
  const lines = [
    `### Model promotion: ${named(request.model, "no model")} ${version} \u2192 ${named(request.environment, "no environment")}: ${STATUS_LINE[record.status]}`,
    ""
  ];
  const poolTable = Boolean(record.environment?.explanation.length);
  if (record.error) lines.push(...errorSection(record.error, poolTable), "");
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
    [
      record.dryRun ? "Image (dry run: not built; a promotion builds this digest)" : "Image",
      record.image && code(record.image.reference)
    ],
    [
      "Base image",
      record.image && `${code(record.image.base)}${record.image.baseDigest ? ` @ ${code(record.image.baseDigest)}` : ""}`
    ],
    ["Manifests", record.manifests && record.manifests.objects.map(code).join(", ")],
    [
      "Promotion attestation",
      record.attestations?.promotion ? `${code(record.attestations.promotion)} (referrer of the image)` : record.attestations?.promotionFile && code(record.attestations.promotionFile)
    ],
    ["GitHub attestation", record.attestations?.github && githubAttestationFact(record.attestations.github)],
    ["Promotion", code(record.promotionId)],
    [`History of ${code(record.request.environment)}`, record.history && historyFact(record.history)]
  ];
  for (const [name, value] of facts) if (value) lines.push(`- **${name}:** ${oneLine(value)}`);
  lines.push("");
  if (record.environment && poolTable) lines.push(...poolSection(record.environment.explanation), "");
  for (const deploy of record.deploy ?? []) {
    lines.push(...deploySection(deploy), "");
  }
  if (record.compatibility) {
    lines.push(...compatibilitySection(record.compatibility, record), "");
  }
  if (record.stages.length) {
    lines.push("| Stage | Outcome | Time | Detail |", "|---|---|---|---|");
    for (const stage of record.stages) {
      lines.push(
        `| ${stage.name} | ${stage.outcome} | ${formatDuration(stage.durationMs)} | ${escapeCell(stage.detail ?? "")} |`
      );
    }
    lines.push("");
  }
  return fitMarkdown(lines.join("\n"), SUMMARY_LIMIT_BYTES, {
    size: utf8Bytes,
    note: "_\u2026 cut here: longer than a job summary may be; promotion.json holds the whole record._"
  });
}
var POOL_TABLE_ERRORS = /* @__PURE__ */ new Set(["no-matching-pool", "no-compatible-runtime"]);
function errorSection(error, poolTable) {
  const [first = "", ...rest] = error.message.split("\n");
  const lines = [`> **${escapeCell(error.code)}**: ${escapeCell(first.replace(/:\s*$/, ""))}`];
  if (error.hint) lines.push(`> Fix: ${escapeCell(error.hint)}`);
  const details = rest.map((line) => oneLine(line).trimEnd()).filter(Boolean);
  if (details.length && !(poolTable && POOL_TABLE_ERRORS.has(error.code))) {
    const shown = details.slice(0, ERROR_DETAIL_LINES_SHOWN);
    lines.push("", "```text", ...shown.map((line) => line.replaceAll("```", "'''")), "```");
    if (details.length > shown.length) {
      lines.push("", `_\u2026 and ${count(details.length - shown.length, "more line")} in promotion.json._`);
    }
  }
  return lines;
}
function poolSection(rows) {
  const chosen = rows.some((row) => row.selected);
  const nearest = rows.map((row, index) => ({ row, index })).sort(
    (a, b) => rank(b.row) - rank(a.row) || b.row.priority - a.row.priority || b.row.requirements - a.row.requirements || a.index - b.index
  ).slice(0, POOL_ROWS_SHOWN).map(({ row }) => row);
  const runtime = rows.some((row) => row.runtime !== void 0);
  const checked = (row) => runtime ? ` ${row.runtime === void 0 || row.runtime === row.reason ? "-" : escapeCell(row.runtime)} |` : "";
  const lines = [
    `<details><summary>${chosen ? "Why this pool" : "Why no pool matched"}</summary>`,
    "",
    runtime ? "| Pool | Matched | Runtime | Reason |" : "| Pool | Matched | Reason |",
    runtime ? "|---|---|---|---|" : "|---|---|---|"
  ];
  for (const row of nearest) {
    const mark = row.selected ? "\u2705 chosen" : row.matched ? "yes" : "no";
    lines.push(`| ${code(row.pool)} | ${mark} |${checked(row)} ${escapeCell(row.reason)} |`);
  }
  if (rows.length > nearest.length) {
    lines.push("", `_\u2026 and ${count(rows.length - nearest.length, "more pool")}, listed in promotion.json._`);
  }
  lines.push("", "</details>");
  return lines;
}
function rank(row) {
  return row.selected ? 2 : row.matched ? 1 : 0;
}
function compatibilitySection(result, record) {
  const lines = ["#### Interface compatibility", ""];
  const described = (side) => side.source === side.file ? code(side.file) : `${code(side.file)} (${oneLine(side.source)})`;
  const next = described(result.next);
  if (!result.previous) {
    const running = record.model?.previousVersion;
    const environment = named(record.request.environment, "the environment");
    const why = !running ? `First promotion to ${environment}: no running version to compare with.` : running === record.model?.version ? `v${oneLine(running)} already runs in ${environment}: nothing to compare with.` : `The running version v${oneLine(running)} declares no interface: nothing to compare with.`;
    const sides = ["input", "output", "tensor"].map((side) => [side, result.additions.filter((c) => c.side === side).length]).filter(([, n]) => n > 0).map(([side, n]) => count(n, side));
    lines.push(`${why} This version's interface (${next}): ${sides.join(", ") || "nothing declared"}.`);
    return lines;
  }
  lines.push(`Compared ${described(result.previous)} with ${next}.`, "");
  const rows = [
    ...result.breaking.map((c) => ["breaking", c]),
    ...result.additions.map((c) => ["addition", c]),
    ...result.compatible.map((c) => ["compatible", c])
  ];
  if (rows.length === 0) {
    lines.push("No change to the inputs and outputs.");
    return lines;
  }
  lines.push("| Change | Side | Name | Detail |", "|---|---|---|---|");
  for (const [verdict, c] of rows.slice(0, CHANGE_ROWS_SHOWN)) {
    const detail = c.description.slice(c.description.indexOf(": ") + 2);
    lines.push(`| ${verdict} | ${c.side} | ${code(c.name)} | ${escapeCell(detail)} |`);
  }
  if (rows.length > CHANGE_ROWS_SHOWN) {
    lines.push(
      "",
      `_\u2026 and ${count(rows.length - CHANGE_ROWS_SHOWN, "more change")}, listed in promotion.json._`
    );
  }
  return lines;
}
function named(text, missing) {
  return text ? code(text) : `_(${missing})_`;
}
function count(n, noun) {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}
function deploySection(deploy) {
  const change = `${deploy.previousVersion ? `v${deploy.previousVersion} \u2192 ` : ""}v${deploy.version}`;
  const lines = [
    `**Cluster ${code(deploy.cluster)}, namespace ${code(deploy.namespace)}:** ${change}` + (deploy.rolledBack ? " \u2014 rolled back" : "") + (deploy.rollout ? `, rollout ${formatDuration(deploy.rollout.seconds * 1e3)}` : "") + (deploy.smoke ? `, smoke ${deploy.smoke.requests} requests p50 ${deploy.smoke.p50Ms.toFixed(0)} ms, p95 ${deploy.smoke.p95Ms.toFixed(0)} ms` : "")
  ];
  if (deploy.reason) lines.push("", `> ${escapeCell(deploy.reason)}`);
  if (deploy.utilization) {
    const section = utilizationSection(deploy.utilization);
    if (section.length) lines.push("", ...section);
  }
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
function escapeCell(text) {
  return oneLine(text).replaceAll("|", "\\|");
}
function formatDuration(ms) {
  return ms < 1e3 ? `${Math.round(ms)} ms` : `${(ms / 1e3).toFixed(1)} s`;
}
function historyFact(stats) {
  const rate = `${stats.succeeded} of ${stats.attempts} succeeded (${Math.round(stats.successRate * 100)}%)`;
  const durations = stats.medianSeconds === null || stats.p95Seconds === null ? "" : `; median ${formatSpan(stats.medianSeconds)}, p95 ${formatSpan(stats.p95Seconds)}`;
  return rate + durations;
}
function githubAttestationFact(github) {
  if ("id" in github) return `${code(String(github.id))} in ${github.repository}'s artifact attestations`;
  return `not stored in ${github.repository}'s artifact attestations (${github.skipped}: ${escapeMarkdown(github.reason)}); the image's referrer holds it`;
}

export {
  POOL_ROWS_SHOWN,
  CHANGE_ROWS_SHOWN,
  ERROR_DETAIL_LINES_SHOWN,
  SUMMARY_LIMIT_BYTES,
  renderSummaryMarkdown,
  formatDuration
};
