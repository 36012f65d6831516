import { Command, Option } from 'commander';
import { INPUTS, type InputName } from '../inputs.js';
import { addInputOptions, inputReader } from './options.js';
import type { CommandAction } from './program.js';

export function promoteCommand(): [Command, CommandAction] {
  const command = addInputOptions(
    new Command('promote').description(
      'The whole promotion: fetch, verify the signature, resolve the pool, build the image, render manifests, report.',
    ),
    INPUTS.map((input) => input.name as InputName),
  ).addOption(new Option('--json', 'print the promotion record as JSON on stdout (logs stay on stderr)'));
  return [
    command,
    async (options, _args, io) => {
      const [{ cliPlatform }, { runPromotion }] = await Promise.all([
        import('../platform/cli-platform.js'),
        import('../run-promotion.js'),
      ]);
      const platform = cliPlatform({
        readInput: inputReader(options),
        verbose: Boolean(options.verbose),
        write: (line) => io.stderr(`${line}\n`),
      });
      return runPromotion(platform, {
        cwd: io.cwd,
        onRecord: (record) => {
          if (options.json) io.stdout(`${JSON.stringify(record, null, 2)}\n`);
        },
      });
    },
  ];
}
