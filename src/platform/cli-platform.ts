/**
 * A terminal (and the GitLab job, which runs the CLI): logs to stderr so that stdout stays free
 * for `--json`; stage groups are headed lines; outputs are printed to stderr as `name=value`.
 */
import { describeError, type PromotionError } from '../errors.js';
import type { InputReader, OutputName } from '../inputs.js';
import type { Platform } from './platform.js';

export interface CliPlatformOptions {
  readonly readInput: InputReader;
  readonly verbose?: boolean;
  readonly write?: (line: string) => void;
}

export function cliPlatform(options: CliPlatformOptions): Platform {
  const secrets = new Set<string>();
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const print = (line: string) => {
    let masked = line;
    for (const secret of secrets) masked = masked.replaceAll(secret, '***');
    write(masked);
  };
  return {
    name: 'cli',
    logger: {
      info: (message) => print(message),
      warn: (message) => print(`warning: ${message}`),
      debug: (message) => {
        if (options.verbose) print(`debug: ${message}`);
      },
    },
    readInput: options.readInput,
    async group(title, work) {
      print(`── ${title}`);
      return work();
    },
    mask(secret) {
      if (secret) secrets.add(secret);
    },
    async setOutputs(outputs: Partial<Record<OutputName, string>>) {
      if (!options.verbose) return;
      for (const [name, value] of Object.entries(outputs)) if (value !== undefined) print(`output ${name}=${value}`);
    },
    async writeSummary() {
      // The summary is written to OUTPUT/summary.md by the pipeline; a terminal needs no copy.
    },
    fail(error: PromotionError) {
      print(`error: ${describeError(error)}`);
    },
  };
}
