import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { addInputOptions } from './options.js';
import type { CommandAction } from './program.js';
import { stderrLogger } from './stderr-logger.js';

export function historyCommand(): [Command, CommandAction] {
  const command = addInputOptions(
    new Command('history').description(
      "A model's promotions across environments, oldest first, as the registry records them, then each environment's success rate, median and p95 duration and last success.",
    ),
    ['registry', 'model', 'environment'],
  ).addOption(new Option('--json', 'print {entries, stats} as JSON on stdout'));
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
      const [{ openRegistry }, { historyStats }, { renderHistoryStats }, { oneLine }] = await Promise.all([
        import('../registry/open-registry.js'),
        import('../report/history-stats.js'),
        import('../report/history-text.js'),
        import('../outside-text.js'),
      ]);
      const opened = openRegistry(registry, io.cwd, { logger: stderrLogger(io.stderr) });
      const entries = (await opened.history(model)).filter(
        (entry) => !environment || entry.environment === environment,
      );
      const stats = historyStats(entries, new Date());
      const keeps = opened.historyKeeps ?? 'every-promotion';
      if (options.json) {
        io.stdout(`${JSON.stringify({ entries, stats: { ...stats, historyKeeps: keeps } }, null, 2)}\n`);
      } else if (!entries.length) io.stdout(`${model}: no promotions recorded\n`);
      else {
        for (const e of entries) {
          // Registry text, shown one line per entry whatever was stored.
          const cells = [e.time, e.environment, `v${e.version}`, e.status, e.pool, e.image ?? e.reason];
          const [time, env, version, status, pool, what] = cells.map((cell) => oneLine(String(cell ?? '')));
          io.stdout(
            `${time}  ${env!.padEnd(12)} ${version!.padEnd(7)} ${status!.padEnd(9)} ${pool} ${what}\n`,
          );
        }
        io.stdout(renderHistoryStats(stats, keeps));
      }
      return 0;
    },
  ];
}
