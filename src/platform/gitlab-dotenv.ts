/**
 * The promotion's outputs as a GitLab dotenv report (`artifacts:reports:dotenv`): later jobs get
 * them as variables, and the job's `environment:url` reads MODEL_PROMOTE_URL, so GitLab's
 * environments page links to the pool's endpoint. Written after every promotion, whatever its
 * outcome, to `model-promote.env` (or the path in MODEL_PROMOTE_DOTENV).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../logger.js';
import type { PromotionRecord } from '../report/promotion-record.js';
import type { PromotionReporter } from './platform.js';

export const DOTENV_FILE = 'model-promote.env';

export function dotenvPath(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  return path.resolve(cwd, env.MODEL_PROMOTE_DOTENV?.trim() || DOTENV_FILE);
}

/** Every variable, always present (empty when the promotion stopped before it). */
export function dotenvVariables(record: PromotionRecord): Record<string, string> {
  return {
    MODEL_PROMOTE_STATUS: record.status,
    MODEL_PROMOTE_MODEL: record.request.model,
    MODEL_PROMOTE_MODEL_VERSION: record.model?.version ?? '',
    MODEL_PROMOTE_ENVIRONMENT: record.request.environment,
    MODEL_PROMOTE_POOL: record.environment?.pool ?? '',
    // As the Action's `image`: a dry run builds none.
    MODEL_PROMOTE_IMAGE: (!record.dryRun && record.image?.reference) || '',
    MODEL_PROMOTE_IMAGE_DIGEST: record.image?.digest ?? '',
    MODEL_PROMOTE_MODEL_DIGEST: record.model?.digest ?? '',
    MODEL_PROMOTE_URL: record.environment?.endpoint ?? '',
  };
}

/** `KEY=value` lines; a dotenv report value is one line, so line breaks become spaces. */
export function renderDotenv(variables: Readonly<Record<string, string>>): string {
  return Object.entries(variables)
    .map(([key, value]) => `${key}=${value.replace(/[\r\n]+/g, ' ')}\n`)
    .join('');
}

export function gitlabDotenvReporter(options: {
  readonly file: string;
  readonly logger: Logger;
}): PromotionReporter {
  return {
    name: 'GitLab dotenv report',
    async started() {},
    async finished(record) {
      await writeFile(options.file, renderDotenv(dotenvVariables(record)));
      options.logger.debug(`dotenv report written to ${options.file}`);
    },
  };
}
