/**
 * Chooses the compute pool of an environment for a model's labels, explaining every pool. Pure.
 *
 * A pool matches when its `requirements` hold for the labels AND it has a base image for the
 * model's runtime. Among matching pools the tie rule is: highest `priority`, then the most
 * specific (most requirements), then catalog order. The winning row says which rule decided.
 */
import { selectBaseImage, type BaseImageChoice } from './base-image.js';
import type { Catalog, Environment, Pool } from './catalog-schema.js';
import { EnvironmentError } from './environment-error.js';
import { renderExplanationTable } from './explanation-table.js';
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
}

export interface PoolChoice {
  readonly environment: string;
  readonly environmentSpec: Environment;
  readonly pool: Pool;
  /** The base image the pool names for the model's runtime. */
  readonly base: BaseImageChoice;
  /** The `image.base` key that gave it: the model's runtime or `default`. */
  readonly baseKey: string;
  /** One row per pool of the environment, in catalog order. */
  readonly explanation: readonly ExplanationRow[];
}

interface Candidate {
  readonly index: number;
  readonly pool: Pool;
  readonly requirements: number;
  readonly base?: { key: string; base: BaseImageChoice };
  readonly unmet?: string;
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

/** Chooses the pool; EnvironmentError `no-matching-pool` (refused) with every row when none matches. */
export function resolvePool(source: CatalogSource, environmentName: string, labels: Labels): PoolChoice {
  const environment = environmentOf(source, environmentName);
  const candidates = environment.pools.map((pool, index): Candidate => {
    const selector = matchSelector(pool.requirements, labels);
    if (!selector.matched)
      return { index, pool, requirements: selector.requirements, unmet: selector.unmet.reason };
    const base = selectBaseImage(pool, labels);
    if (!base.found) return { index, pool, requirements: selector.requirements, unmet: base.reason };
    return { index, pool, requirements: selector.requirements, base };
  });
  const ranked = candidates.filter((c) => c.base).sort(byTieRule);
  const winner = ranked[0];
  const explanation = candidates.map((c): ExplanationRow => {
    const row = { pool: c.pool.name, priority: c.pool.priority, requirements: c.requirements };
    if (c.unmet !== undefined || !winner)
      return { ...row, matched: false, selected: false, reason: c.unmet ?? '' };
    if (c === winner) return { ...row, matched: true, selected: true, reason: whyWon(winner, ranked[1]) };
    return { ...row, matched: true, selected: false, reason: whyLost(c, winner) };
  });

  if (!winner?.base) {
    const shown =
      Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || 'none';
    throw new EnvironmentError(
      'refused',
      'no-matching-pool',
      `no pool of environment ${environmentName} matches the model (labels: ${shown})\n` +
        renderExplanationTable(explanation),
      'change the model labels, or add or widen a pool in the catalog (see docs/catalog.md)',
      { explanation },
    );
  }
  return {
    environment: environmentName,
    environmentSpec: environment,
    pool: winner.pool,
    base: winner.base.base,
    baseKey: winner.base.key,
    explanation,
  };
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
