/**
 * What GitHub shows of a promotion besides the job summary: the deployment and the sticky PR
 * comment, as the inputs turn them on (`deployment`, `comment`) and a token allows. Outside a
 * runner, or without a token, there is nothing to report to and the list is empty.
 */
import { loadCatalog } from '../environments/catalog-loader.js';
import type { PromotionInputs } from '../inputs.js';
import type { Logger } from '../logger.js';
import { createGithubClient, type GithubClient, type GithubClientOptions } from './github-client.js';
import { githubContextFromEnv, type GithubContext } from './github-context.js';
import { deploymentReporter, productionFromName, type ProductionFlag } from './github-deployment.js';
import { prCommentReporter } from './github-pr-comment.js';
import type { PromotionReporter } from './platform.js';

export interface GithubReportersOptions {
  readonly logger: Logger;
  readonly env?: NodeJS.ProcessEnv;
  /** Where relative paths (the catalog) are read from: GITHUB_WORKSPACE on a runner. */
  readonly cwd?: string;
  /** Client settings beyond token and API root (tests lower the waits). */
  readonly client?: Partial<Omit<GithubClientOptions, 'token' | 'baseUrl' | 'logger'>>;
}

export function githubReporters(
  inputs: PromotionInputs,
  options: GithubReportersOptions,
): PromotionReporter[] {
  const { logger } = options;
  if (!inputs.comment && !inputs.deployment) return [];
  const context = githubContextFromEnv(options.env ?? process.env, logger);
  if (!context) {
    logger.debug(
      'not in a GitHub Actions run (no GITHUB_REPOSITORY or GITHUB_SHA): no deployment or PR comment',
    );
    return [];
  }
  if (!inputs.githubToken) {
    logger.warn('no github-token (or GITHUB_TOKEN): no GitHub deployment or PR comment');
    return [];
  }
  const client = createGithubClient({
    ...options.client,
    token: inputs.githubToken,
    baseUrl: context.apiUrl,
    logger,
  });
  return reportersFor(inputs, { client, context, logger, cwd: options.cwd ?? process.cwd() });
}

/** The reporters the inputs turn on, over a given client and run. */
export function reportersFor(
  inputs: PromotionInputs,
  deps: { client: GithubClient; context: GithubContext; logger: Logger; cwd: string },
): PromotionReporter[] {
  const { client, context, logger } = deps;
  const reporters: PromotionReporter[] = [];
  if (inputs.deployment) {
    const production = (request: PromotionInputs) => productionFromCatalog(request, deps.cwd);
    reporters.push(deploymentReporter({ client, context, logger, production }));
  }
  if (inputs.comment) reporters.push(prCommentReporter({ client, context, inputs, logger }));
  return reporters;
}

/**
 * The catalog's `production` flag for the environment; when the catalog cannot be read or does not
 * name the environment (the promotion itself will say why), a guess from the environment's name.
 */
export async function productionFromCatalog(inputs: PromotionInputs, cwd: string): Promise<ProductionFlag> {
  try {
    const { catalog } = await loadCatalog(inputs.catalog, cwd);
    const environment = catalog.environments[inputs.environment];
    if (environment) return { production: environment.production, source: 'catalog' };
  } catch {
    // The promotion loads the catalog again and reports what is wrong with it.
  }
  return productionFromName(inputs.environment);
}
