import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  renderExplanationTable
} from "./chunk-CUXJFSTO.js";
import {
  compareQuantities,
  parseQuantity
} from "./chunk-UCNWDHAO.js";
import {
  EnvironmentError,
  selectBaseImage
} from "./chunk-3HG2YFLT.js";
import {
  RANGE_GRAMMAR,
  compareVersions,
  parseRange,
  parseVersion,
  satisfies
} from "./chunk-HP3MR4JB.js";

// src/environments/cuda-driver-table.ts
var CUDA_MINIMUM_DRIVER = [
  ["13.0.0", "580.65.06"],
  ["12.9.1", "575.57.08"],
  ["12.9.0", "575.51.03"],
  ["12.8.1", "570.124.06"],
  ["12.8.0", "570.26"],
  ["12.6.3", "560.35.05"],
  ["12.6.2", "560.35.03"],
  ["12.6.1", "560.35.03"],
  ["12.6.0", "560.28.03"],
  ["12.5.1", "555.42.06"],
  ["12.5.0", "555.42.02"],
  ["12.4.1", "550.54.15"],
  ["12.4.0", "550.54.14"],
  ["12.3.1", "545.23.08"],
  ["12.3.0", "545.23.06"],
  ["12.2.2", "535.104.05"],
  ["12.2.1", "535.86.09"],
  ["12.2.0", "535.54.03"],
  ["12.1.1", "530.30.02"],
  ["12.1.0", "530.30.02"],
  ["12.0.1", "525.85.12"],
  ["12.0.0", "525.60.13"],
  ["11.8.0", "520.61.05"],
  ["11.7.1", "515.48.07"],
  ["11.7.0", "515.43.04"],
  ["11.6.2", "510.47.03"],
  ["11.6.1", "510.47.03"],
  ["11.6.0", "510.39.01"],
  ["11.5.2", "495.29.05"],
  ["11.5.1", "495.29.05"],
  ["11.5.0", "495.29.05"],
  ["11.4.4", "470.82.01"],
  ["11.4.3", "470.82.01"],
  ["11.4.2", "470.57.02"],
  ["11.4.1", "470.57.02"],
  ["11.4.0", "470.42.01"],
  ["11.3.1", "465.19.01"],
  ["11.3.0", "465.19.01"],
  ["11.2.2", "460.32.03"],
  ["11.2.1", "460.32.03"],
  ["11.2.0", "460.27.03"],
  ["11.1.1", "455.32"],
  ["11.1.0", "455.23"],
  ["11.0.3", "450.51.06"],
  ["11.0.2", "450.51.05"],
  ["10.2.0", "440.33"],
  ["10.1.0", "418.39"],
  ["10.0.0", "410.48"]
];
var CUDA_MINOR_COMPATIBILITY_DRIVER = {
  11: "450.80.02",
  12: "525.60.13",
  13: "580.65.06"
};

// src/environments/runtime-compatibility.ts
var NO_RUNTIME = { source: "none" };
var RuntimeRequirementError = class extends Error {
  constructor(label, value) {
    super(`model label ${label}=${JSON.stringify(value)} is not a version range`);
    this.label = label;
    this.value = value;
  }
  label;
  value;
};
function runtimeRequirement(labels) {
  const read = (label) => {
    if (!Object.hasOwn(labels, label)) return void 0;
    const value = labels[label] ?? "";
    const range = parseRange(value);
    if (!range) throw new RuntimeRequirementError(label, value);
    return range;
  };
  const cuda = read("cuda");
  const rocm = read("rocm");
  return { ...cuda && { cuda }, ...rocm && { rocm } };
}
function hasRequirement(requirement) {
  return requirement.cuda !== void 0 || requirement.rocm !== void 0;
}
function acceleratorStack(pool) {
  const driver = pool.driver;
  const vendor = pool.accelerator?.vendor;
  const rocm = driver?.rocm === void 0 ? void 0 : parseVersion(driver.rocm);
  if (rocm) return { kind: "rocm", rocm };
  if (vendor !== void 0 && vendor !== "nvidia") return { kind: "undeclared" };
  const version = driver?.version === void 0 ? void 0 : parseVersion(driver.version);
  if (version) return { kind: "nvidia", driver: version, describe: `driver ${version.text}` };
  const cuda = driver?.cuda === void 0 ? void 0 : parseVersion(driver.cuda);
  if (cuda) {
    const least = minimumDriver(releaseOf(cuda, 0));
    if (least) return { kind: "nvidia", driver: least, describe: `driver for CUDA ${cuda.text}` };
    return {
      kind: "undeclared",
      why: `driver.cuda ${cuda.text} is not in NVIDIA's table; give driver.version`
    };
  }
  return { kind: "undeclared" };
}
function checkRuntime(stack, runtime, requirement) {
  const cuda = runtime.cuda === void 0 ? void 0 : parseVersion(runtime.cuda);
  const rocm = runtime.rocm === void 0 ? void 0 : parseVersion(runtime.rocm);
  const carries = cuda ? `CUDA ${cuda.text} (${runtime.source})` : rocm ? `ROCm ${rocm.text} (${runtime.source})` : "no CUDA or ROCm runtime";
  const version = cuda ?? rocm;
  const unmet = unmetRequirement(cuda, rocm, requirement, carries);
  if (unmet) return { compatible: false, ...unmet };
  const wanted = describeRequirement(requirement);
  switch (stack.kind) {
    case "undeclared": {
      if (hasRequirement(requirement)) {
        return {
          compatible: false,
          detail: `pool declares no ${requirement.cuda ? "NVIDIA driver" : "ROCm version"}; model needs ${wanted}${stack.why ? ` (${stack.why})` : ""}`,
          fix: `declare driver.${requirement.cuda ? "version" : "rocm"} on the pool`
        };
      }
      return {
        compatible: true,
        detail: `base carries ${carries}; pool declares no driver, not checked`,
        ...version && { version }
      };
    }
    case "rocm": {
      if (cuda) {
        return {
          compatible: false,
          detail: `${carries} cannot run on ROCm ${stack.rocm.text}`,
          fix: "use a ROCm base image on this pool"
        };
      }
      if (!rocm) return { compatible: true, detail: `ROCm ${stack.rocm.text}; base carries ${carries}` };
      const ok = rocm.parts[0] === stack.rocm.parts[0] && compareVersions(rocm, stack.rocm) <= 0;
      return ok ? {
        compatible: true,
        detail: `ROCm ${stack.rocm.text} runs ${carries}${requirementNote(wanted)}`,
        version: rocm
      } : {
        compatible: false,
        detail: `ROCm ${stack.rocm.text} on the nodes cannot run ${carries}`,
        fix: `use a base with ROCm ${stack.rocm.parts[0]}.x no newer than ${stack.rocm.text}, or upgrade the nodes to ROCm ${rocm.text}`
      };
    }
    case "nvidia": {
      if (rocm) {
        return {
          compatible: false,
          detail: `${carries} cannot run on an NVIDIA ${stack.describe}`,
          fix: "use a CUDA base image on this pool"
        };
      }
      if (!cuda) return { compatible: true, detail: `${stack.describe}; base carries ${carries}` };
      const check = cudaOnDriver(cuda, stack, carries);
      return { ...check, detail: `${check.detail}${requirementNote(wanted)}`, version: cuda };
    }
  }
}
function unmetRequirement(cuda, rocm, requirement, carries) {
  for (const [name, range, have] of [
    ["cuda", requirement.cuda, cuda],
    ["rocm", requirement.rocm, rocm]
  ]) {
    if (!range) continue;
    if (!have || !satisfies(have, range)) {
      return {
        detail: `model needs ${name} ${range.text}; base carries ${carries}`,
        fix: `add a base variant with ${name === "cuda" ? "CUDA" : "ROCm"} ${range.text}`
      };
    }
  }
  return void 0;
}
function describeRequirement(requirement) {
  return [
    requirement.cuda && `cuda ${requirement.cuda.text}`,
    requirement.rocm && `rocm ${requirement.rocm.text}`
  ].filter(Boolean).join(", ");
}
function requirementNote(wanted) {
  return wanted ? `; model needs ${wanted}` : "";
}
function cudaOnDriver(cuda, stack, carries) {
  const driver = stack.driver;
  const minimum = minimumDriver(cuda);
  const major = cuda.parts[0] ?? 0;
  const floorText = CUDA_MINOR_COMPATIBILITY_DRIVER[major];
  const floor = floorText === void 0 ? void 0 : parseVersion(floorText);
  if (minimum && compareVersions(driver, minimum) >= 0) {
    return { compatible: true, detail: `${stack.describe} runs ${carries} (needs >= ${minimum.text})` };
  }
  if (floor && compareVersions(driver, floor) >= 0) {
    const full = minimum ? `full support needs >= ${minimum.text}` : `CUDA ${cuda.text} is not in NVIDIA's table`;
    return {
      compatible: true,
      detail: `${stack.describe} runs ${carries} through minor-version compatibility (${major}.x from ${floor.text}; ${full}; no PTX JIT, features of newer drivers unavailable)`
    };
  }
  const needs = [
    minimum && `>= ${minimum.text}`,
    floor && (!minimum || compareVersions(floor, minimum) < 0) && `>= ${floor.text} with minor-version compatibility`
  ].filter(Boolean);
  const newest = newestRunnable(driver);
  const upgradeDriver = minimum ?? floor;
  return {
    compatible: false,
    detail: `${stack.describe} cannot run ${carries}: ${needs.length ? `needs driver ${needs.join(", or ")}` : `CUDA ${cuda.text} is not in NVIDIA's table`}`,
    fix: newest ? `add a base variant with CUDA ${newest.parts[0]}.x up to ${newest.text} (the newest ${stack.describe} runs fully)` : `no CUDA release in the table runs on ${stack.describe}; upgrade the driver`,
    ...upgradeDriver && { upgradeDriver }
  };
}
function releaseOf(version, update) {
  const [major = 0, minor = 0, patch = 0] = version.parts;
  const parts = [major, minor, update ?? patch];
  return { parts, text: parts.join(".") };
}
function minimumDriver(cuda) {
  const release = releaseOf(cuda);
  const [major, minor, update = 0] = release.parts;
  let best;
  let highest = -1;
  for (const [row, driver] of CUDA_MINIMUM_DRIVER) {
    const [rowMajor, rowMinor, rowUpdate = 0] = row.split(".").map(Number);
    if (rowMajor !== major || rowMinor !== minor) continue;
    highest = Math.max(highest, rowUpdate);
    if (rowUpdate <= update && (!best || rowUpdate > best.update)) best = { update: rowUpdate, driver };
  }
  if (!best || update > highest) return void 0;
  return parseVersion(best.driver);
}
function newestRunnable(driver) {
  let newest;
  for (const [release, minimum] of CUDA_MINIMUM_DRIVER) {
    const needs = parseVersion(minimum);
    const candidate = parseVersion(release);
    if (!needs || !candidate || compareVersions(driver, needs) < 0) continue;
    if (!newest || compareVersions(candidate, newest) > 0) newest = candidate;
  }
  return newest;
}

// src/environments/selector.ts
var SYMBOL = { Gt: ">", Ge: ">=", Lt: "<", Le: "<=" };
function countRequirements(selector) {
  return Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions?.length ?? 0);
}
function describeRequirement2(requirement) {
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case "In":
    case "NotIn":
      return `${requirement.key} ${requirement.operator} [${values.join(", ")}]`;
    case "Exists":
      return `${requirement.key} Exists`;
    case "DoesNotExist":
      return `${requirement.key} DoesNotExist`;
    case "Gt":
    case "Ge":
    case "Lt":
    case "Le":
      return `${requirement.key} ${SYMBOL[requirement.operator]} ${values[0] ?? ""}`;
  }
}
function unmetReason(requirement, labels) {
  const { key, operator } = requirement;
  const values = requirement.values ?? [];
  const present = Object.hasOwn(labels, key);
  const value = present ? labels[key] : void 0;
  const missing = `label ${key} is missing (needs ${describeRequirement2(requirement).slice(key.length + 1)})`;
  switch (operator) {
    case "In":
      if (value === void 0) return missing;
      return values.includes(value) ? void 0 : `label ${key}=${value} is not in [${values.join(", ")}]`;
    case "NotIn":
      if (value === void 0) return void 0;
      return values.includes(value) ? `label ${key}=${value} is in [${values.join(", ")}] (needs NotIn)` : void 0;
    case "Exists":
      return present ? void 0 : `label ${key} is missing (needs Exists)`;
    case "DoesNotExist":
      return present ? `label ${key}=${value ?? ""} is present (needs DoesNotExist)` : void 0;
    case "Gt":
    case "Ge":
    case "Lt":
    case "Le":
      return compare(operator, key, value, values[0] ?? "", missing);
  }
}
function compare(operator, key, value, bound, missing) {
  if (value === void 0) return missing;
  const symbol = SYMBOL[operator];
  const left = parseQuantity(value);
  if (!left) return `label ${key}=${value} is not a number or quantity (needs ${symbol} ${bound})`;
  const right = parseQuantity(bound);
  if (!right) return `requirement ${key} ${symbol} ${bound}: ${bound} is not a number or quantity`;
  const order = compareQuantities(left, right);
  const holds = operator === "Gt" ? order > 0 : operator === "Ge" ? order >= 0 : operator === "Lt" ? order < 0 : order <= 0;
  return holds ? void 0 : `label ${key}=${value} is not ${symbol} ${bound}`;
}
function matchSelector(selector, labels) {
  const requirements = countRequirements(selector);
  for (const [key, expected] of Object.entries(selector.matchLabels ?? {})) {
    const value = Object.hasOwn(labels, key) ? labels[key] : void 0;
    if (value === expected) continue;
    const requirement = `${key}=${expected}`;
    const reason = value === void 0 ? `label ${key} is missing (needs ${requirement})` : `label ${key}=${value} is not ${expected} (needs ${requirement})`;
    return { matched: false, requirements, unmet: { requirement, reason } };
  }
  for (const expression of selector.matchExpressions ?? []) {
    const reason = unmetReason(expression, labels);
    if (reason !== void 0) {
      return {
        matched: false,
        requirements,
        unmet: { requirement: describeRequirement2(expression), reason }
      };
    }
  }
  return { matched: true, requirements };
}

// src/environments/resolve-pool.ts
function baseRuntimeKey(base) {
  return `${base.platform} ${base.ref}`;
}
function environmentOf(source, environmentName) {
  const catalog = "catalog" in source ? source.catalog : source;
  const environment = Object.hasOwn(catalog.environments, environmentName) ? catalog.environments[environmentName] : void 0;
  if (environment) return environment;
  const known = Object.keys(catalog.environments);
  const file = "catalog" in source && source.file ? ` ${source.file}` : "";
  throw new EnvironmentError(
    "usage",
    "unknown-environment",
    `unknown environment ${JSON.stringify(environmentName)}; the catalog${file} defines ${known.join(", ")}`,
    `choose one of ${known.join(", ")}, or add ${environmentName} under environments: in the catalog`
  );
}
function resolvePool(source, environmentName, labels, runtimes = /* @__PURE__ */ new Map()) {
  const environment = environmentOf(source, environmentName);
  const requirement = requirementOf(labels);
  const candidates = environment.pools.map((pool, index) => {
    const selector = matchSelector(pool.requirements, labels);
    if (!selector.matched)
      return { index, pool, requirements: selector.requirements, unmet: selector.unmet.reason };
    const base = selectBaseImage(pool, labels);
    if (!base.found) return { index, pool, requirements: selector.requirements, unmet: base.reason };
    const variant = chooseVariant(pool, base.variants, requirement, runtimes);
    const shown = variant.shown ? { runtime: variant.detail } : {};
    if (!variant.chosen) {
      return {
        index,
        pool,
        requirements: selector.requirements,
        unmet: variant.detail,
        fix: variant.fix,
        ...shown
      };
    }
    return {
      index,
      pool,
      requirements: selector.requirements,
      base: { key: base.key, base: variant.chosen.base },
      ...shown
    };
  });
  const ranked = candidates.filter((c) => c.base).sort(byTieRule);
  const winner = ranked[0];
  const explanation = candidates.map((c) => {
    const row = {
      pool: c.pool.name,
      priority: c.pool.priority,
      requirements: c.requirements,
      ...c.runtime !== void 0 && { runtime: c.runtime }
    };
    if (c.unmet !== void 0 || !winner)
      return { ...row, matched: false, selected: false, reason: c.unmet ?? "" };
    if (c === winner) return { ...row, matched: true, selected: true, reason: whyWon(winner, ranked[1]) };
    return { ...row, matched: true, selected: false, reason: whyLost(c, winner) };
  });
  if (!winner?.base) throw refusal(environmentName, labels, candidates, explanation);
  return {
    environment: environmentName,
    environmentSpec: environment,
    pool: winner.pool,
    base: winner.base.base,
    baseKey: winner.base.key,
    ...winner.runtime !== void 0 && { runtime: winner.runtime },
    explanation
  };
}
function basesToInspect(source, environmentName, labels) {
  const environment = environmentOf(source, environmentName);
  const requirement = requirementOf(labels);
  const found = /* @__PURE__ */ new Map();
  for (const pool of environment.pools) {
    if (!matchSelector(pool.requirements, labels).matched) continue;
    const base = selectBaseImage(pool, labels);
    if (!base.found) continue;
    const matters = hasRequirement(requirement) || acceleratorStack(pool).kind !== "undeclared" || base.variants.length > 1;
    if (!matters) continue;
    for (const variant of base.variants) {
      if (variant.declared || variant.base.kind === "scratch") continue;
      const base2 = { ref: variant.base.ref, platform: pool.image.platform };
      found.set(baseRuntimeKey(base2), base2);
    }
  }
  return [...found.values()];
}
function requirementOf(labels) {
  try {
    return runtimeRequirement(labels);
  } catch (error) {
    if (!(error instanceof RuntimeRequirementError)) throw error;
    throw new EnvironmentError(
      "usage",
      "invalid-runtime-requirement",
      error.message,
      `write the ${error.label} label as a range: ${RANGE_GRAMMAR}`
    );
  }
}
function chooseVariant(pool, variants, requirement, runtimes) {
  const stack = acceleratorStack(pool);
  const checks = variants.map((variant) => {
    const runtime = variant.declared ? { ...variant.declared, source: "catalog" } : runtimes.get(baseRuntimeKey({ ref: variant.base.ref, platform: pool.image.platform })) ?? NO_RUNTIME;
    return { variant, runtime, check: checkRuntime(stack, runtime, requirement) };
  });
  const shown = hasRequirement(requirement) || variants.length > 1 || checks.some(({ runtime }) => runtime.cuda !== void 0 || runtime.rocm !== void 0);
  const fitting = checks.filter(({ check }) => check.compatible).sort((a, b) => newestFirst(a.check, b.check));
  const best = fitting[0];
  const name = (v) => variants.length > 1 ? `${v.base.ref}: ` : "";
  if (best) {
    const of = variants.length > 1 ? `; newest of ${variants.length} variants` : "";
    return { chosen: best.variant, detail: `${name(best.variant)}${best.check.detail}${of}`, shown };
  }
  const failed = checks.map(({ variant, check }) => `${name(variant)}${check.detail}`);
  const fixes = [...new Set(checks.map(({ check }) => check.fix).filter((f) => Boolean(f)))];
  const upgrade = checks.filter(({ check }) => check.upgradeDriver).sort((a, b) => compareVersions(a.check.upgradeDriver, b.check.upgradeDriver))[0];
  if (upgrade?.check.upgradeDriver) {
    const runs = variants.length > 1 ? ` (runs ${upgrade.variant.base.ref})` : "";
    fixes.push(`or upgrade the driver to >= ${upgrade.check.upgradeDriver.text}${runs}`);
  }
  return {
    detail: variants.length > 1 ? `no variant fits: ${failed.join("; ")}` : failed[0] ?? "",
    ...fixes.length > 0 && { fix: fixes.join(", ") },
    shown: true
  };
}
function newestFirst(a, b) {
  if (a.version && b.version) return compareVersions(b.version, a.version);
  return a.version ? -1 : b.version ? 1 : 0;
}
function refusal(environmentName, labels, candidates, explanation) {
  const table = renderExplanationTable(explanation);
  const runtimeMisses = candidates.filter((c) => c.fix !== void 0);
  if (runtimeMisses.length > 0) {
    return new EnvironmentError(
      "refused",
      "no-compatible-runtime",
      `no pool of environment ${environmentName} can run the model's base image: ${runtimeMisses.map((c) => `${c.pool.name}: ${c.unmet ?? ""}`).join("; ")}
${table}`,
      runtimeMisses.map((c) => `pool ${c.pool.name}: ${c.fix ?? ""}`).join("; ") + ' (see docs/catalog.md, "Drivers and runtimes")',
      { explanation }
    );
  }
  const shown = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(", ") || "none";
  return new EnvironmentError(
    "refused",
    "no-matching-pool",
    `no pool of environment ${environmentName} matches the model (labels: ${shown})
${table}`,
    "change the model labels, or add or widen a pool in the catalog (see docs/catalog.md)",
    { explanation }
  );
}
function byTieRule(a, b) {
  return b.pool.priority - a.pool.priority || b.requirements - a.requirements || a.index - b.index;
}
function whyWon(winner, runnerUp) {
  if (!runnerUp) return "selected: the only matching pool";
  const other = runnerUp.pool.name;
  if (winner.pool.priority > runnerUp.pool.priority) {
    return `selected: highest priority (${winner.pool.priority} > ${runnerUp.pool.priority} of ${other})`;
  }
  if (winner.requirements > runnerUp.requirements) {
    return `selected: same priority as ${other}, most specific (${winner.requirements} > ${runnerUp.requirements} requirements)`;
  }
  return `selected: same priority and requirements as ${other}, first in catalog order`;
}
function whyLost(loser, winner) {
  const prefix = `matches, but ${winner.pool.name} wins`;
  if (loser.pool.priority < winner.pool.priority) {
    return `${prefix}: lower priority (${loser.pool.priority} < ${winner.pool.priority})`;
  }
  if (loser.requirements < winner.requirements) {
    return `${prefix}: same priority, fewer requirements (${loser.requirements} < ${winner.requirements})`;
  }
  return `${prefix}: same priority and requirements, earlier in catalog order`;
}

export {
  NO_RUNTIME,
  baseRuntimeKey,
  environmentOf,
  resolvePool,
  basesToInspect
};
