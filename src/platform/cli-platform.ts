/**
 * A terminal (and the GitLab job, which runs the CLI): logs to stderr so that stdout stays free
 * for `--json`; stage groups are headed lines; outputs are printed to stderr as `name=value`.
 */
import type { PromotionError } from '../errors.js';
import type { InputReader, OutputName } from '../inputs.js';
import { gitlabCiEnv } from './gitlab-ci-env.js';
import { gitlabReporters } from './gitlab-reporters.js';
import { escapeControls } from '../outside-text.js';
import type { Platform } from './platform.js';
import { sigstoreTokenSource } from './sigstore-token.js';

export interface CliPlatformOptions {
  readonly readInput: InputReader;
  readonly verbose?: boolean;
  readonly write?: (line: string) => void;
  /** Where GitLab CI is detected from (GITLAB_CI=true): default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

export function cliPlatform(options: CliPlatformOptions): Platform {
  const secrets = new Set<string>();
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const print = (line: string) => {
    // Masked before escaping: a secret holding a control character must still be found whole.
    let masked = line;
    for (const secret of secrets) masked = masked.replaceAll(secret, '***');
    write(escapeControls(masked));
  };
  const env = options.env ?? process.env;
  const gitlab = gitlabCiEnv(env);
  const logger: Platform['logger'] = {
    info: (message) => print(message),
    warn: (message) => print(`warning: ${message}`),
    debug: (message) => {
      if (options.verbose) print(`debug: ${message}`);
    },
  };
  return {
    name: 'cli',
    logger,
    readInput: options.readInput,
    ...(gitlab?.jobUrl && { runUrl: gitlab.jobUrl }),
    // In a GitLab job (the component runs this CLI): the dotenv report and the merge-request note.
    reporters: (inputs) => (gitlab ? gitlabReporters(inputs, gitlab, logger, env) : []),
    // GitLab hands the token in the variable the component's `id_tokens:` names; elsewhere the
    // user sets it, as for cosign.
    identityToken: sigstoreTokenSource({
      platform: gitlab ? 'gitlab' : 'cli',
      env,
      mask: (secret) => secrets.add(secret),
    }),
    async group(title, work) {
      print(`── ${title}`);
      return work();
    },
    mask(secret) {
      if (secret) secrets.add(secret);
    },
    async setOutputs(outputs: Partial<Record<OutputName, string>>) {
      if (!options.verbose) return;
      for (const [name, value] of Object.entries(outputs))
        if (value !== undefined) print(`output ${name}=${value}`);
    },
    async writeSummary() {
      // The summary is written to OUTPUT/summary.md by the pipeline; a terminal needs no copy.
    },
    fail(error: PromotionError) {
      for (const line of cliErrorLines(error)) print(line);
    },
  };
}

/**
 * A failure as a terminal shows it: one line `error: CAUSE. Fix: HINT`, then the message's detail
 * lines (a table of pools, a list of catalog problems), indented, so the fix never trails a table.
 */
export function cliErrorLines(error: PromotionError): string[] {
  const [first = '', ...details] = error.message.split('\n');
  const cause = first.replace(/:\s*$/, '');
  return [
    `error: ${error.hint ? `${cause}. Fix: ${error.hint}` : cause}`,
    ...details.filter((line) => line.trim()).map((line) => `  ${line}`),
  ];
}
