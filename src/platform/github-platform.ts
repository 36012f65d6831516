/** GitHub Actions: inputs from INPUT_*, outputs to GITHUB_OUTPUT, summary to GITHUB_STEP_SUMMARY. */
import * as core from '@actions/core';
import { describeError, type PromotionError } from '../errors.js';
import type { InputName, OutputName } from '../inputs.js';
import { locationOf, type Platform } from './platform.js';

export function githubPlatform(): Platform {
  return {
    name: 'github',
    logger: {
      info: (message) => core.info(message),
      warn: (message) => core.warning(message),
      debug: (message) => core.debug(message),
    },
    readInput: (name: InputName) => core.getInput(name),
    ...(runUrl() && { runUrl: runUrl() }),
    group: (title, work) => core.group(title, work),
    mask: (secret) => core.setSecret(secret),
    async setOutputs(outputs: Partial<Record<OutputName, string>>) {
      for (const [name, value] of Object.entries(outputs)) if (value !== undefined) core.setOutput(name, value);
    },
    async writeSummary(markdown) {
      // Outside a runner there is no summary file; the summary is also in summary.md.
      if (!process.env.GITHUB_STEP_SUMMARY) return;
      await core.summary.addRaw(markdown, true).write();
    },
    fail(error: PromotionError) {
      const location = locationOf(error);
      core.setFailed(describeError(error));
      if (location) {
        core.error(error.message, {
          title: `model-promote: ${error.code}`,
          file: location.file,
          ...(location.line !== undefined && { startLine: location.line }),
          ...(location.column !== undefined && { startColumn: location.column }),
        });
      }
    },
  };
}

/** The run's page, from the variables every runner sets. */
function runUrl(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = process.env;
  return server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined;
}
