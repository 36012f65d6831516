/**
 * GitHub Actions: inputs from INPUT_*, outputs to GITHUB_OUTPUT, summary to GITHUB_STEP_SUMMARY,
 * stage log groups, error annotations on the catalog line, and (github-reporters.ts) a deployment
 * and a sticky PR comment.
 */
import path from 'node:path';
import * as core from '@actions/core';
import { describeError, type PromotionError } from '../errors.js';
import type { InputName, OutputName } from '../inputs.js';
import type { Logger } from '../logger.js';
import { githubAttestationStore } from './github-attestations.js';
import { runUrlFromEnv } from './github-context.js';
import { githubReporters, type GithubReportersOptions } from './github-reporters.js';
import { escapeControls, neutralizeGithubCommands } from '../outside-text.js';
import { locationOf, type Platform } from './platform.js';
import { sigstoreTokenSource } from './sigstore-token.js';

export interface GithubPlatformOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Client settings for the reporters (tests lower the waits). */
  readonly client?: GithubReportersOptions['client'];
}

export function githubPlatform(options: GithubPlatformOptions = {}): Platform {
  const env = options.env ?? process.env;
  // warning() and debug() are commands whose data the toolkit escapes; info() is printed as it is.
  const logger: Logger = {
    info: (message) => core.info(neutralizeGithubCommands(escapeControls(message))),
    warn: (message) => core.warning(escapeControls(message)),
    debug: (message) => core.debug(escapeControls(message)),
  };
  const runUrl = runUrlFromEnv(env);
  return {
    name: 'github',
    logger,
    readInput: (name: InputName) => core.getInput(name),
    ...(runUrl && { runUrl }),
    group: (title, work) => core.group(title, work),
    mask: (secret) => core.setSecret(secret),
    identityToken: sigstoreTokenSource({
      platform: 'github',
      env,
      mask: (secret) => core.setSecret(secret),
      requestGithubToken: (audience) => core.getIDToken(audience),
    }),
    async setOutputs(outputs: Partial<Record<OutputName, string>>) {
      for (const [name, value] of Object.entries(outputs)) {
        if (value !== undefined) core.setOutput(name, value);
      }
    },
    async writeSummary(markdown) {
      // Outside a runner there is no summary file; the summary is also in summary.md.
      if (!process.env.GITHUB_STEP_SUMMARY) return;
      await core.summary.addRaw(markdown, true).write();
    },
    fail(error: PromotionError) {
      const location = locationOf(error);
      const message = escapeControls(describeError(error));
      if (!location) {
        core.setFailed(message);
        return;
      }
      // One annotation, on the file and line: setFailed's own would repeat it without the place.
      process.exitCode = core.ExitCode.Failure;
      core.error(message, {
        title: `model-promote: ${error.code}`,
        file: annotationPath(location.file, env.GITHUB_WORKSPACE),
        ...(location.line !== undefined && { startLine: location.line }),
        ...(location.column !== undefined && { startColumn: location.column }),
      });
    },
    attestationStore: (inputs) =>
      githubAttestationStore(inputs, {
        env,
        logger,
        ...(options.client && { client: options.client }),
      }),
    // A deployment or a PR comment needs the inputs (token, model, environment): none without them.
    reporters: (inputs) =>
      !inputs
        ? []
        : githubReporters(inputs, {
            logger,
            env,
            ...(env.GITHUB_WORKSPACE && { cwd: env.GITHUB_WORKSPACE }),
            ...(options.client && { client: options.client }),
          }),
  };
}

/** Annotations name files relative to the repository root (the workspace). */
export function annotationPath(file: string, workspace: string | undefined): string {
  if (!workspace || !path.isAbsolute(file)) return file;
  const relative = path.relative(workspace, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}
