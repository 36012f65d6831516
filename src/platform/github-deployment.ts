/**
 * A GitHub deployment per promotion, so the repository's environments page shows it: created and
 * marked `in_progress` (with a link to the run) before the first stage, then `success` (with the
 * endpoint) or `failure` / `error` when the promotion ends; `auto_inactive` retires the previous
 * one. A dry run changes nothing, so it creates no deployment.
 */
import type { PromotionInputs } from '../inputs.js';
import type { Logger } from '../logger.js';
import type { PromotionRecord } from '../report/promotion-record.js';
import type { GithubClient } from './github-client.js';
import type { GithubContext } from './github-context.js';
import { githubRequestError } from './github-request-error.js';
import type { PromotionReporter } from './platform.js';

/** GitHub keeps at most 140 characters of a deployment status description. */
export const DESCRIPTION_LIMIT = 140;

export type DeploymentState = 'success' | 'failure' | 'error';

/** Whether an environment is production, and where that was read. */
export interface ProductionFlag {
  readonly production: boolean;
  /** `catalog`: the environment's `production` field; `name`: guessed from its name. */
  readonly source: 'catalog' | 'name';
}

/** Without a catalog to ask: `production` and `prod` are production. Pure. */
export function productionFromName(environment: string): ProductionFlag {
  return { production: /^(production|prod)$/i.test(environment), source: 'name' };
}

/** The body of `POST /repos/{owner}/{repo}/deployments`. Pure. */
export function deploymentRequest(inputs: PromotionInputs, context: GithubContext, production: boolean) {
  return {
    ref: context.ref ?? context.sha,
    environment: inputs.environment,
    description: oneLine(`model-promote: ${inputs.model} ${inputs.version} to ${inputs.environment}`),
    production_environment: production,
    transient_environment: false,
    auto_merge: false,
    required_contexts: [] as string[],
    payload: { model: inputs.model, version: inputs.version, registry: inputs.registry },
  };
}

/** The last status of a promotion's deployment. Pure. */
export function finalStatus(record: PromotionRecord, runUrl: string | undefined) {
  const state = stateOf(record);
  const endpoint = state === 'success' ? record.environment?.endpoint : undefined;
  return {
    state,
    description: oneLine(describe(record)),
    auto_inactive: true,
    ...(endpoint && { environment_url: endpoint }),
    ...(runUrl && { log_url: runUrl }),
  };
}

/** `success` when promoted; a usage error (bad configuration) is `error`; a refusal or breakage `failure`. */
export function stateOf(record: PromotionRecord): DeploymentState {
  if (record.status === 'succeeded') return 'success';
  return record.error?.kind === 'usage' ? 'error' : 'failure';
}

function describe(record: PromotionRecord): string {
  const version = record.model ? `v${record.model.version}` : record.request.version;
  const subject = `${record.request.model} ${version}`;
  if (record.status === 'succeeded') {
    const pool = record.environment?.pool ? ` on ${record.environment.pool}` : '';
    const digest = record.image?.digest ? `, image ${record.image.digest.slice(0, 19)}` : '';
    return `${subject} promoted${pool}${digest}`;
  }
  const reason = record.error ? `: ${record.error.code}: ${record.error.message}` : '';
  return `${subject} ${record.status}${reason}`;
}

/** One line of at most DESCRIPTION_LIMIT characters. Pure. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= DESCRIPTION_LIMIT ? flat : `${flat.slice(0, DESCRIPTION_LIMIT - 1)}…`;
}

export function deploymentReporter(deps: {
  readonly client: GithubClient;
  readonly context: GithubContext;
  readonly logger: Logger;
  /** Whether the environment is production: the catalog's word, else a guess from the name. */
  readonly production: (inputs: PromotionInputs) => Promise<ProductionFlag>;
}): PromotionReporter {
  const { client, context, logger } = deps;
  const { owner, repo } = context;
  let deployment: { id: number; environment: string } | undefined;
  const permission = 'deployments: write';
  return {
    name: 'GitHub deployment',
    async started(inputs) {
      if (inputs.dryRun) {
        logger.debug('dry run: no GitHub deployment');
        return;
      }
      const flag = await deps.production(inputs);
      if (flag.source === 'name') {
        logger.debug(
          `production_environment ${flag.production}: guessed from the environment name ${inputs.environment} (the catalog did not say)`,
        );
      }
      const doing = `creating a deployment for ${inputs.environment}`;
      let id: number | undefined;
      try {
        const response = await client.rest.repos.createDeployment({
          owner,
          repo,
          ...deploymentRequest(inputs, context, flag.production),
        });
        id = 'id' in response.data ? response.data.id : undefined;
      } catch (error) {
        throw githubRequestError(error, doing, permission);
      }
      // 202 means GitHub merged the default branch first; auto_merge is off, so it does not happen.
      if (id === undefined)
        throw githubRequestError(new Error('no deployment was created'), doing, permission);
      deployment = { id, environment: inputs.environment };
      try {
        await client.rest.repos.createDeploymentStatus({
          owner,
          repo,
          deployment_id: id,
          state: 'in_progress',
          description: oneLine(`promoting ${inputs.model} ${inputs.version}`),
          ...(context.runUrl && { log_url: context.runUrl }),
        });
      } catch (error) {
        throw githubRequestError(error, `marking deployment ${id} in progress`, permission);
      }
      logger.info(`GitHub deployment ${id} to ${inputs.environment}: in progress`);
    },
    async finished(record) {
      if (!deployment) return;
      const status = finalStatus(record, context.runUrl);
      try {
        await client.rest.repos.createDeploymentStatus({
          owner,
          repo,
          deployment_id: deployment.id,
          ...status,
        });
      } catch (error) {
        throw githubRequestError(error, `marking deployment ${deployment.id} ${status.state}`, permission);
      }
      logger.info(`GitHub deployment ${deployment.id} to ${deployment.environment}: ${status.state}`);
    },
  };
}
