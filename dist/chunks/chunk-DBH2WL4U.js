import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/report/history-stats.ts
var ATTEMPTS = /* @__PURE__ */ new Set(["succeeded", "refused", "failed"]);
function historyStats(entries, now) {
  const byEnvironment = /* @__PURE__ */ new Map();
  let skipped = 0;
  for (const entry of entries) {
    if (typeof entry?.environment !== "string" || typeof entry.status !== "string") {
      skipped += 1;
    } else if (ATTEMPTS.has(entry.status)) {
      const attempts = byEnvironment.get(entry.environment);
      if (attempts) attempts.push(entry);
      else byEnvironment.set(entry.environment, [entry]);
    } else if (entry.status !== "planned") {
      skipped += 1;
    }
  }
  const environments = [...byEnvironment.entries()].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map(([environment, attempts]) => environmentFigures(environment, attempts, now));
  return { environments, skipped };
}
function environmentStats(entries, environment, now) {
  return historyStats(
    entries.filter((entry) => entry?.environment === environment),
    now
  ).environments[0];
}
function historyWith(history, entry, keeps = "every-promotion") {
  switch (keeps) {
    case "every-promotion":
      return [...history, entry];
    case "latest-per-version":
      return [
        ...history.filter((e) => e.version !== entry.version || e.environment !== entry.environment),
        entry
      ];
    case "nothing":
      return [];
  }
}
function nearestRank(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1];
}
function environmentFigures(environment, attempts, now) {
  const count = (status) => attempts.filter((entry) => entry?.status === status).length;
  const successes = attempts.filter((entry) => entry?.status === "succeeded");
  const durations = successes.map((entry) => entry?.durationSeconds).filter((d) => typeof d === "number" && Number.isFinite(d) && d >= 0).sort((a, b) => a - b);
  let last;
  for (const entry of successes) {
    const at = typeof entry?.time === "string" ? Date.parse(entry.time) : Number.NaN;
    if (!Number.isNaN(at) && (!last || at > last.at)) last = { time: entry.time, at };
  }
  const succeeded = successes.length;
  return {
    environment,
    attempts: attempts.length,
    succeeded,
    refused: count("refused"),
    failed: count("failed"),
    successRate: succeeded / attempts.length,
    medianSeconds: nearestRank(durations, 0.5),
    p95Seconds: nearestRank(durations, 0.95),
    succeededWithoutDuration: succeeded - durations.length,
    lastSuccess: last?.time ?? null,
    // A success stamped ahead of this clock (skew between runners) is "just now", not negative.
    sinceLastSuccessSeconds: last ? Math.max(0, now.getTime() - last.at) / 1e3 : null
  };
}

export {
  historyStats,
  environmentStats,
  historyWith,
  nearestRank
};
