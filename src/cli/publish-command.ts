import path from 'node:path';
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { parseEpoch } from '../inputs.js';
import type { CommandAction } from './program.js';
import { stderrLogger } from './stderr-logger.js';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const LABEL_KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;

/** `--label k=v` flags -> labels; refuses a flag without `=` or with an odd key. */
export function parseLabels(flags: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const key = eq > 0 ? flag.slice(0, eq) : '';
    if (!LABEL_KEY.test(key)) {
      throw new UsageError(
        `--label ${JSON.stringify(flag)} is not KEY=VALUE`,
        'write labels like --label accelerator=nvidia',
      );
    }
    labels[key] = flag.slice(eq + 1);
  }
  return labels;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function publishCommand(): [Command, CommandAction] {
  const command = new Command('publish')
    .description(
      'Push a signed model folder to an OCI registry as a CNCF ModelPack artifact (tags: the version and its aliases).',
    )
    .argument('<model-dir>', 'the model folder (its files and model.sig)')
    .addOption(new Option('--registry <uri>', 'oci://HOST/REPO (the repository is REPO, or REPO/MODEL)'))
    .addOption(new Option('--model <name>', 'the model name'))
    .addOption(new Option('--version <version>', 'the version: its tag'))
    .addOption(new Option('--alias <tag>', 'an alias (another tag); repeatable').argParser(collect))
    .addOption(new Option('--label <key=value>', 'a label of the version; repeatable').argParser(collect))
    .addOption(new Option('--signature <file>', 'the OMS signature (default: MODEL-DIR/model.sig)'))
    .addOption(new Option('--format <format>', 'the ModelPack config format (onnx, safetensors, ...)'))
    .addOption(
      new Option(
        '--model-path <path>',
        "where each layer's tar holds the files, as the pools' image.modelPath: promotions to pools with the same path mount the big files' layers instead of uploading them",
      ).default('/models'),
    )
    .addOption(
      new Option(
        '--source-date-epoch <seconds>',
        'mtime of the tar entries (default SOURCE_DATE_EPOCH, else 0)',
      ),
    )
    .addOption(
      new Option('--registry-username <user>', 'user name (password: env MODEL_PROMOTE_REGISTRY_PASSWORD)'),
    )
    .addOption(new Option('--insecure-registry', 'allow plain HTTP to a registry that is not on loopback'))
    .addOption(new Option('--json', 'print what was published as JSON on stdout'));
  return [
    command,
    async (options, [modelDir], io) => {
      const { registry, model, version } = options as { registry?: string; model?: string; version?: string };
      if (!registry || !model || !version) {
        throw new UsageError(
          'publish needs --registry, --model and --version',
          'e.g. publish DIR --registry oci://HOST/REPO --model M --version 1',
        );
      }
      if (!/^oci:\/\//i.test(registry))
        throw new UsageError(
          `publish pushes to oci://HOST/REPO registries, not ${registry}`,
          'write --registry oci://HOST/REPO',
        );
      const aliases = (options.alias as string[] | undefined) ?? [];
      for (const tag of [version, ...aliases]) {
        if (!TAG.test(tag))
          throw new UsageError(
            `"${tag}" cannot be a tag`,
            'use letters, digits, ".", "_" and "-" (at most 128)',
          );
      }
      const sourceDateEpoch = parseEpoch(
        (options.sourceDateEpoch as string | undefined) ?? process.env.SOURCE_DATE_EPOCH,
        '--source-date-epoch',
      );
      const [
        { RegistryClient },
        { credentialProvider },
        { modelRepository, parseOciLocation },
        { publishModel },
      ] = await Promise.all([
        import('../oci/remote/client.js'),
        import('../oci/remote/credentials.js'),
        import('../registry/oci-model-registry.js'),
        import('../registry/publish-model.js'),
      ]);
      const location = parseOciLocation(registry);
      const repository = modelRepository(location, model);
      const logger = stderrLogger(io.stderr, options.verbose === true);
      const password = process.env.MODEL_PROMOTE_REGISTRY_PASSWORD;
      const username = options.registryUsername as string | undefined;
      const client = new RegistryClient({
        registry: location.registry,
        credentials: credentialProvider({
          ...(username && { username }),
          ...(username && password && { password }),
        }),
        insecure: options.insecureRegistry === true,
        logger,
      });
      const published = await publishModel({
        directory: path.resolve(io.cwd, modelDir!),
        client,
        repository,
        model,
        version,
        aliases,
        labels: parseLabels((options.label as string[] | undefined) ?? []),
        ...(options.signature !== undefined && {
          signaturePath: path.resolve(io.cwd, options.signature as string),
        }),
        ...(options.format !== undefined && { format: options.format as string }),
        modelPath: options.modelPath as string,
        sourceDateEpoch,
        logger,
      });
      if (options.json) io.stdout(`${JSON.stringify(published, null, 2)}\n`);
      else
        io.stdout(
          `published ${model} v${version} (${published.files} files): ${published.reference} tags ${published.tags.join(', ')}\n`,
        );
      return 0;
    },
  ];
}
