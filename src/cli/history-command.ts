import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { addInputOptions } from './options.js';
import type { CommandAction } from './program.js';
import { stderrLogger } from './stderr-logger.js';

export function historyCommand(): [Command, CommandAction] {
  const command = addInputOptions(
    new Command('history').description(
      "A model's promotions across environments, oldest first, as the registry records them.",
    ),
    ['registry', 'model', 'environment'],
  ).addOption(new Option('--json', 'print the entries as JSON on stdout'));
  return [
    command,
    async (options, _args, io) => {
      const { registry, model, environment } = options as {
        registry?: string;
        model?: string;
        environment?: string;
      };
      if (!registry || !model)
        throw new UsageError('history needs --registry and --model', 'name the registry and the model');
      const { openRegistry } = await import('../registry/open-registry.js');
      const entries = (
        await openRegistry(registry, io.cwd, { logger: stderrLogger(io.stderr) }).history(model)
      ).filter((entry) => !environment || entry.environment === environment);
      if (options.json) io.stdout(`${JSON.stringify(entries, null, 2)}\n`);
      else if (!entries.length) io.stdout(`${model}: no promotions recorded\n`);
      else {
        for (const e of entries) {
          io.stdout(
            `${e.time}  ${e.environment.padEnd(12)} v${e.version.padEnd(6)} ${e.status.padEnd(9)} ${e.pool ?? ''} ${e.image ?? e.reason ?? ''}\n`,
          );
        }
      }
      return 0;
    },
  ];
}
