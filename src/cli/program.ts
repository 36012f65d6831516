/**
 * `model-promote`: the CLI. Each command is a thin shell over the same modules the Action uses;
 * flags are the Action's input names. Exit codes: 0 done, 1 refused or failed, 2 bad usage.
 */
import { Command, CommanderError, Option } from 'commander';
import { asPromotionError, type PromotionError } from '../errors.js';
import { cliErrorLines } from '../platform/cli-platform.js';
import { TOOL_VERSION } from '../version.js';
import { driftCommand } from './drift-command.js';
import { historyCommand } from './history-command.js';
import { promoteCommand } from './promote-command.js';
import { publishCommand } from './publish-command.js';
import { resolveCommand } from './resolve-command.js';
import { signCommand } from './sign-command.js';
import { verifyCommand } from './verify-command.js';
import { verifyPromotionCommand } from './verify-promotion-command.js';

export interface CliIo {
  /** Results (JSON with --json); nothing else goes to stdout. */
  readonly stdout: (text: string) => void;
  /** Logs and errors. */
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** The environment the command reads (default process.env); tests give their own. */
  readonly env?: NodeJS.ProcessEnv;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
};

/** A command's action: returns the exit code. */
export type CommandAction = (options: Record<string, unknown>, args: string[], io: CliIo) => Promise<number>;

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('model-promote')
    .description('Promote a signed ML model from a registry to a compute environment.')
    .version(TOOL_VERSION)
    // Program flags only before the command, so that `promote --version 3` is the model version.
    .enablePositionalOptions()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  const commands: [Command, CommandAction][] = [
    promoteCommand(),
    verifyCommand(),
    verifyPromotionCommand(),
    resolveCommand(),
    signCommand(),
    historyCommand(),
    driftCommand(),
    publishCommand(),
  ];
  for (const [command, action] of commands) {
    command.addOption(new Option('--verbose', 'more log lines (debug)'));
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    command.action(async (...received: unknown[]) => {
      // commander passes the positional arguments, then the options, then the command.
      const args = received.slice(0, -2).map(String);
      const options = received.at(-2) as Record<string, unknown>;
      try {
        exitCode = await action(options, args, io);
      } catch (thrown) {
        exitCode = printError(asPromotionError(thrown), io);
      }
    });
    program.addCommand(command);
  }

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      if (
        thrown.code === 'commander.helpDisplayed' ||
        thrown.code === 'commander.version' ||
        thrown.exitCode === 0
      )
        return 0;
      return 2;
    }
    return printError(asPromotionError(thrown), io);
  }
  if (!program.args.length && !argv.length) {
    program.outputHelp();
    return 2;
  }
  return exitCode;
}

export function printError(error: PromotionError, io: CliIo): number {
  io.stderr(
    cliErrorLines(error)
      .map((line) => `${line}\n`)
      .join(''),
  );
  return error.exitCode;
}
