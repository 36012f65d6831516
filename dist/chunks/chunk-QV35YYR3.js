import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  renderExplanationTable
} from "./chunk-W363DE5G.js";
import {
  EnvironmentError,
  QUANTITY_PATTERN,
  selectBaseImage
} from "./chunk-3G5IPBNU.js";

// src/environments/quantity.ts
var BINARY = { Ki: 1n, Mi: 2n, Gi: 3n, Ti: 4n, Pi: 5n, Ei: 6n };
var DECIMAL = { k: 3n, M: 6n, G: 9n, T: 12n, P: 15n, E: 18n };
function parseQuantity(text) {
  const value = String(text).trim();
  if (!QUANTITY_PATTERN.test(value)) return void 0;
  const match = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(value);
  if (!match) return void 0;
  const [, sign = "", whole = "", fraction = "", suffix = ""] = match;
  let numerator = BigInt(`${whole}${fraction}` || "0") * (sign === "-" ? -1n : 1n);
  let denominator = 10n ** BigInt(fraction.length);
  if (suffix in BINARY) numerator *= 1024n ** (BINARY[suffix] ?? 0n);
  else if (suffix in DECIMAL) numerator *= 10n ** (DECIMAL[suffix] ?? 0n);
  else if (suffix === "m") denominator *= 1000n;
  else if (/^[eE]/.test(suffix)) {
    const exponent = BigInt(suffix.slice(1));
    if (exponent >= 0n) numerator *= 10n ** exponent;
    else denominator *= 10n ** -exponent;
  }
  return { numerator, denominator };
}
function compareQuantities(a, b) {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

// src/environments/selector.ts
var SYMBOL = { Gt: ">", Ge: ">=", Lt: "<", Le: "<=" };
function countRequirements(selector) {
  return Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions?.length ?? 0);
}
function describeRequirement(requirement) {
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
  const missing = `label ${key} is missing (needs ${describeRequirement(requirement).slice(key.length + 1)})`;
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
        unmet: { requirement: describeRequirement(expression), reason }
      };
    }
  }
  return { matched: true, requirements };
}

// src/environments/resolve-pool.ts
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
function resolvePool(source, environmentName, labels) {
  const environment = environmentOf(source, environmentName);
  const candidates = environment.pools.map((pool, index) => {
    const selector = matchSelector(pool.requirements, labels);
    if (!selector.matched)
      return { index, pool, requirements: selector.requirements, unmet: selector.unmet.reason };
    const base = selectBaseImage(pool, labels);
    if (!base.found) return { index, pool, requirements: selector.requirements, unmet: base.reason };
    return { index, pool, requirements: selector.requirements, base };
  });
  const ranked = candidates.filter((c) => c.base).sort(byTieRule);
  const winner = ranked[0];
  const explanation = candidates.map((c) => {
    const row = { pool: c.pool.name, priority: c.pool.priority, requirements: c.requirements };
    if (c.unmet !== void 0 || !winner)
      return { ...row, matched: false, selected: false, reason: c.unmet ?? "" };
    if (c === winner) return { ...row, matched: true, selected: true, reason: whyWon(winner, ranked[1]) };
    return { ...row, matched: true, selected: false, reason: whyLost(c, winner) };
  });
  if (!winner?.base) {
    const shown = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(", ") || "none";
    throw new EnvironmentError(
      "refused",
      "no-matching-pool",
      `no pool of environment ${environmentName} matches the model (labels: ${shown})
` + renderExplanationTable(explanation),
      "change the model labels, or add or widen a pool in the catalog (see docs/catalog.md)",
      { explanation }
    );
  }
  return {
    environment: environmentName,
    environmentSpec: environment,
    pool: winner.pool,
    base: winner.base.base,
    baseKey: winner.base.key,
    explanation
  };
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
  environmentOf,
  resolvePool
};
