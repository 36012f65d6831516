import type { Logger } from '../logger.js';

/** The log of the CLI's small commands: lines on stderr, warnings marked, debug only when verbose. */
export function stderrLogger(write: (text: string) => void, verbose = false): Logger {
  return {
    info: (message) => write(`${message}\n`),
    warn: (message) => write(`warning: ${message}\n`),
    debug: (message) => (verbose ? write(`debug: ${message}\n`) : undefined),
  };
}
