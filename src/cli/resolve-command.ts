import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { addInputOptions } from './options.js';
import type { CommandAction } from './program.js';
import { stderrLogger } from './stderr-logger.js';

export function resolveCommand(): [Command, CommandAction] {
  const command = addInputOptions(
    new Command('resolve').description(
      "Choose the compute pool for a model's labels and explain the choice, driver and runtime checks " +
        'included (the configs of base images whose runtime decides are read); labels come from the ' +
        'registry or --label.',
    ),
    ['catalog', 'environment', 'registry', 'model', 'version'],
  )
    .addOption(
      new Option('--label <key=value...>', 'a model label (repeatable); replaces reading the registry'),
    )
    .addOption(new Option('--json', 'print the choice as JSON on stdout'));
  return [
    command,
    async (options, _args, io) => {
      const environment = options.environment as string | undefined;
      if (!environment)
        throw new UsageError('--environment is required', 'name an environment of the catalog');
      const [
        { loadCatalog },
        { renderExplanationTable },
        { basesToInspect, resolvePool },
        { readBaseRuntimes },
      ] = await Promise.all([
        import('../environments/catalog-loader.js'),
        import('../environments/explanation-table.js'),
        import('../environments/resolve-pool.js'),
        import('../image/base-image.js'),
      ]);
      const catalog = await loadCatalog(options.catalog as string, io.cwd);
      const labels = options.label
        ? parseLabels(options.label as string[])
        : await registryLabels(options, io.cwd);
      // The same check as promote: a catalog change is refused in its PR, not at the next promotion.
      const toRead = basesToInspect(catalog, environment, labels);
      const registry = toRead.some((base) => !base.ref.startsWith('oci-layout:'))
        ? await baseRegistry(io.stderr, options.verbose === true)
        : undefined;
      const { runtimes } = await readBaseRuntimes(toRead, {
        relativeTo: catalog.directory,
        ...(registry && { registry }),
      });
      const choice = resolvePool(catalog, environment, labels, runtimes);
      if (options.json) {
        const { pool, base, runtime, explanation } = choice;
        io.stdout(
          `${JSON.stringify({ environment, pool: pool.name, base: base.ref, ...(runtime && { runtime }), labels, explanation }, null, 2)}\n`,
        );
      } else {
        const runtime = choice.runtime ? `\n${choice.runtime}` : '';
        io.stdout(
          `${environment}: pool ${choice.pool.name}, base ${choice.base.ref}${runtime}\n${renderExplanationTable(choice.explanation)}\n`,
        );
      }
      return 0;
    },
  ];
}

function parseLabels(pairs: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0)
      throw new UsageError(`--label ${pair} is not key=value`, 'write labels as --label gpu-memory=40Gi');
    labels[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return labels;
}

async function registryLabels(
  options: Record<string, unknown>,
  cwd: string,
): Promise<Readonly<Record<string, string>>> {
  const { registry, model, version } = options as { registry?: string; model?: string; version?: string };
  if (!registry || !model) {
    throw new UsageError(
      'resolve needs labels',
      'give --registry and --model (and --version), or --label key=value',
    );
  }
  const { openRegistry } = await import('../registry/open-registry.js');
  return (await openRegistry(registry, cwd).resolve(model, version ?? 'latest')).labels;
}

/** Registry bases are read anonymously or with the credentials Docker and Podman keep. */
async function baseRegistry(stderr: (text: string) => void, verbose: boolean) {
  const { RegistryClients } = await import('../image/image-target.js');
  return new RegistryClients({ insecure: false, logger: stderrLogger(stderr, verbose) }).baseSource();
}
