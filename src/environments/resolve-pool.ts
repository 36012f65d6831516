/**
 * Chooses the compute pool of an environment for a model's labels, explaining every pool. Pure.
 *
 * A pool matches when its `requirements` hold for the labels, it has a base image for the model's
 * runtime, AND one variant of that base carries a CUDA or ROCm runtime the pool's driver runs and
 * the model's `cuda`/`rocm` label accepts (the newest such variant is chosen). Among matching
 * pools the tie rule is: highest `priority`, then the most specific (most requirements), then
 * catalog order. The winning row says which rule decided.
 *
 * The runtimes of base images are handed in (`runtimes`, read by image/base-image.ts for the refs
 * `basesToInspect` names); what the catalog declares next to a base needs no reading.
 */
import { selectBaseImage, type BaseImageChoice, type BaseImageVariant } from './base-image.js';
import type { Catalog, Environment, Pool } from './catalog-schema.js';
import { EnvironmentError } from './environment-error.js';
import { renderExplanationTable } from './explanation-table.js';
import {
  acceleratorStack,
  checkRuntime,
  hasRequirement,
  NO_RUNTIME,
  runtimeRequirement,
  RuntimeRequirementError,
  type ImageRuntime,
  type RuntimeCheck,
  type RuntimeRequirement,
} from './runtime-compatibility.js';
import { compareVersions, RANGE_GRAMMAR } from './runtime-version.js';
import { matchSelector, type Labels } from './selector.js';

export interface ExplanationRow {
  readonly pool: string;
  readonly matched: boolean;
  /** True on the chosen pool only. */
  readonly selected: boolean;
  /** The first unmet requirement, or why the pool won or lost the tie. */
  readonly reason: string;
  readonly priority: number;
  /** How many requirements the pool states (its specificity). */
  readonly requirements: number;
  /** The driver, runtime and requirement that decided, when a runtime was checked. */
  readonly runtime?: string;
}

/** The runtimes read from base images, by `baseRuntimeKey` (a multi-platform base differs per platform). */
export type BaseRuntimes = ReadonlyMap<string, ImageRuntime>;

/** A base to read: its reference as the catalog holds it, and the pool's platform. */
export interface BaseToInspect {
  readonly ref: string;
  readonly platform: string;
}

export function baseRuntimeKey(base: BaseToInspect): string {
  return `${base.platform} ${base.ref}`;
}

export interface PoolChoice {
  readonly environment: string;
  readonly environmentSpec: Environment;
  readonly pool: Pool;
  /** The base image the pool names for the model's runtime. */
  readonly base: BaseImageChoice;
  /** The `image.base` key that gave it: the model's runtime or `default`. */
  readonly baseKey: string;
  /** The runtime check of the chosen base, when one was made. */
  readonly runtime?: string;
  /** One row per pool of the environment, in catalog order. */
  readonly explanation: readonly ExplanationRow[];
}

interface Candidate {
  readonly index: number;
  readonly pool: Pool;
  readonly requirements: number;
  readonly base?: { key: string; base: BaseImageChoice };
  readonly unmet?: string;
  readonly runtime?: string;
  /** Set when the selector and base matched but no variant's runtime fits. */
  readonly fix?: string;
}

/** A Catalog, or a LoadedCatalog (anything with `catalog`, and `file` for messages). */
export type CatalogSource = Catalog | { readonly catalog: Catalog; readonly file?: string };

/** The named environment; EnvironmentError `unknown-environment` (usage) naming the known ones. */
export function environmentOf(source: CatalogSource, environmentName: string): Environment {
  const catalog = 'catalog' in source ? source.catalog : source;
  const environment = Object.hasOwn(catalog.environments, environmentName)
    ? catalog.environments[environmentName]
    : undefined;
  if (environment) return environment;
  const known = Object.keys(catalog.environments);
  const file = 'catalog' in source && source.file ? ` ${source.file}` : '';
  throw new EnvironmentError(
    'usage',
    'unknown-environment',
    `unknown environment ${JSON.stringify(environmentName)}; the catalog${file} defines ${known.join(', ')}`,
    `choose one of ${known.join(', ')}, or add ${environmentName} under environments: in the catalog`,
  );
}

/**
 * Chooses the pool; EnvironmentError `no-matching-pool` or `no-compatible-runtime` (refused) with
 * every row when none matches, `invalid-runtime-requirement` (usage) for a `cuda`/`rocm` label that
 * is not a range.
 */
export function resolvePool(
  source: CatalogSource,
  environmentName: string,
  labels: Labels,
  runtimes: BaseRuntimes = new Map(),
): PoolChoice {
  const environment = environmentOf(source, environmentName);
  const requirement = requirementOf(labels);
  const candidates = environment.pools.map((pool, index): Candidate => {
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
        ...shown,
      };
    }
    return {
      index,
      pool,
      requirements: selector.requirements,
      base: { key: base.key, base: variant.chosen.base },
      ...shown,
    };
  });
  const ranked = candidates.filter((c) => c.base).sort(byTieRule);
  const winner = ranked[0];
  const explanation = candidates.map((c): ExplanationRow => {
    const row = {
      pool: c.pool.name,
      priority: c.pool.priority,
      requirements: c.requirements,
      ...(c.runtime !== undefined && { runtime: c.runtime }),
    };
    if (c.unmet !== undefined || !winner)
      return { ...row, matched: false, selected: false, reason: c.unmet ?? '' };
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
    ...(winner.runtime !== undefined && { runtime: winner.runtime }),
    explanation,
  };
}

/**
 * The base references whose image config must be read before `resolvePool` can decide: variants
 * of pools the labels select that declare no runtime, where a runtime matters (the pool states a
 * driver, the model a requirement, or there are variants to choose from). Scratch carries none.
 */
export function basesToInspect(
  source: CatalogSource,
  environmentName: string,
  labels: Labels,
): BaseToInspect[] {
  const environment = environmentOf(source, environmentName);
  const requirement = requirementOf(labels);
  const found = new Map<string, BaseToInspect>();
  for (const pool of environment.pools) {
    if (!matchSelector(pool.requirements, labels).matched) continue;
    const base = selectBaseImage(pool, labels);
    if (!base.found) continue;
    const matters =
      hasRequirement(requirement) || acceleratorStack(pool).kind !== 'undeclared' || base.variants.length > 1;
    if (!matters) continue;
    for (const variant of base.variants) {
      if (variant.declared || variant.base.kind === 'scratch') continue;
      const base = { ref: variant.base.ref, platform: pool.image.platform };
      found.set(baseRuntimeKey(base), base);
    }
  }
  return [...found.values()];
}

function requirementOf(labels: Labels): RuntimeRequirement {
  try {
    return runtimeRequirement(labels);
  } catch (error) {
    if (!(error instanceof RuntimeRequirementError)) throw error;
    throw new EnvironmentError(
      'usage',
      'invalid-runtime-requirement',
      error.message,
      `write the ${error.label} label as a range: ${RANGE_GRAMMAR}`,
    );
  }
}

interface VariantChoice {
  readonly chosen?: BaseImageVariant;
  readonly detail: string;
  readonly fix?: string;
  /** Whether the runtime column has something to say (a runtime, a requirement or a choice). */
  readonly shown: boolean;
}

/** The newest variant whose runtime fits; variants of equal or no version keep catalog order. */
function chooseVariant(
  pool: Pool,
  variants: readonly BaseImageVariant[],
  requirement: RuntimeRequirement,
  runtimes: BaseRuntimes,
): VariantChoice {
  const stack = acceleratorStack(pool);
  const checks = variants.map((variant) => {
    const runtime: ImageRuntime = variant.declared
      ? { ...variant.declared, source: 'catalog' }
      : (runtimes.get(baseRuntimeKey({ ref: variant.base.ref, platform: pool.image.platform })) ??
        NO_RUNTIME);
    return { variant, runtime, check: checkRuntime(stack, runtime, requirement) };
  });
  const shown =
    hasRequirement(requirement) ||
    variants.length > 1 ||
    checks.some(({ runtime }) => runtime.cuda !== undefined || runtime.rocm !== undefined);
  const fitting = checks
    .filter(({ check }) => check.compatible)
    .sort((a, b) => newestFirst(a.check, b.check));
  const best = fitting[0];
  const name = (v: BaseImageVariant) => (variants.length > 1 ? `${v.base.ref}: ` : '');
  if (best) {
    const of = variants.length > 1 ? `; newest of ${variants.length} variants` : '';
    return { chosen: best.variant, detail: `${name(best.variant)}${best.check.detail}${of}`, shown };
  }
  const failed = checks.map(({ variant, check }) => `${name(variant)}${check.detail}`);
  const fixes = [...new Set(checks.map(({ check }) => check.fix).filter((f): f is string => Boolean(f)))];
  // The smallest driver upgrade that runs one of the variants, rather than one per variant.
  const upgrade = checks
    .filter(({ check }) => check.upgradeDriver)
    .sort((a, b) => compareVersions(a.check.upgradeDriver!, b.check.upgradeDriver!))[0];
  if (upgrade?.check.upgradeDriver) {
    const runs = variants.length > 1 ? ` (runs ${upgrade.variant.base.ref})` : '';
    fixes.push(`or upgrade the driver to >= ${upgrade.check.upgradeDriver.text}${runs}`);
  }
  return {
    detail: variants.length > 1 ? `no variant fits: ${failed.join('; ')}` : (failed[0] ?? ''),
    ...(fixes.length > 0 && { fix: fixes.join(', ') }),
    shown: true,
  };
}

function newestFirst(a: RuntimeCheck, b: RuntimeCheck): number {
  if (a.version && b.version) return compareVersions(b.version, a.version);
  return a.version ? -1 : b.version ? 1 : 0;
}

function refusal(
  environmentName: string,
  labels: Labels,
  candidates: readonly Candidate[],
  explanation: readonly ExplanationRow[],
): EnvironmentError {
  const table = renderExplanationTable(explanation);
  const runtimeMisses = candidates.filter((c) => c.fix !== undefined);
  if (runtimeMisses.length > 0) {
    return new EnvironmentError(
      'refused',
      'no-compatible-runtime',
      `no pool of environment ${environmentName} can run the model's base image: ` +
        `${runtimeMisses.map((c) => `${c.pool.name}: ${c.unmet ?? ''}`).join('; ')}\n${table}`,
      runtimeMisses.map((c) => `pool ${c.pool.name}: ${c.fix ?? ''}`).join('; ') +
        ' (see docs/catalog.md, "Drivers and runtimes")',
      { explanation },
    );
  }
  const shown =
    Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ') || 'none';
  return new EnvironmentError(
    'refused',
    'no-matching-pool',
    `no pool of environment ${environmentName} matches the model (labels: ${shown})\n${table}`,
    'change the model labels, or add or widen a pool in the catalog (see docs/catalog.md)',
    { explanation },
  );
}

/** Highest priority, then most requirements, then catalog order. */
function byTieRule(a: Candidate, b: Candidate): number {
  return b.pool.priority - a.pool.priority || b.requirements - a.requirements || a.index - b.index;
}

function whyWon(winner: Candidate, runnerUp: Candidate | undefined): string {
  if (!runnerUp) return 'selected: the only matching pool';
  const other = runnerUp.pool.name;
  if (winner.pool.priority > runnerUp.pool.priority) {
    return `selected: highest priority (${winner.pool.priority} > ${runnerUp.pool.priority} of ${other})`;
  }
  if (winner.requirements > runnerUp.requirements) {
    return `selected: same priority as ${other}, most specific (${winner.requirements} > ${runnerUp.requirements} requirements)`;
  }
  return `selected: same priority and requirements as ${other}, first in catalog order`;
}

function whyLost(loser: Candidate, winner: Candidate): string {
  const prefix = `matches, but ${winner.pool.name} wins`;
  if (loser.pool.priority < winner.pool.priority) {
    return `${prefix}: lower priority (${loser.pool.priority} < ${winner.pool.priority})`;
  }
  if (loser.requirements < winner.requirements) {
    return `${prefix}: same priority, fewer requirements (${loser.requirements} < ${winner.requirements})`;
  }
  return `${prefix}: same priority and requirements, earlier in catalog order`;
}
