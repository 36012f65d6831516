import path from 'node:path';
import { Command, Option } from 'commander';
import { parsePolicyInputs } from '../inputs.js';
import { UsageError } from '../errors.js';
import { addInputOptions, inputReader } from './options.js';
import type { CommandAction } from './program.js';

export function verifyCommand(): [Command, CommandAction] {
  const command = addInputOptions(
    new Command('verify')
      .description('Check a model folder against its OMS signature and one signing policy; change nothing.')
      .argument('<model-dir>', 'the model folder')
      .addOption(new Option('--signature <file>', 'the signature bundle (default: MODEL-DIR/model.sig)')),
    ['identity', 'issuer', 'trusted-root', 'public-key', 'certificate-chain'],
  )
    .addOption(
      new Option(
        '--ignore-paths <path...>',
        'paths in the model to leave out, besides those the signature records',
      ),
    )
    .addOption(new Option('--no-ignore-git-paths', 'verify .git, .gitattributes, .github and .gitignore too'))
    .addOption(new Option('--allow-symlinks', 'follow symbolic links in the model'))
    .addOption(
      new Option('--ignore-unsigned-files', 'skip files the signature does not name instead of refusing'),
    )
    .addOption(new Option('--json', 'print the result as JSON on stdout'));
  return [
    command,
    async (options, [modelDir], io) => {
      const directory = path.resolve(io.cwd, modelDir!);
      const signaturePath = path.resolve(
        io.cwd,
        (options.signature as string | undefined) ?? path.join(directory, 'model.sig'),
      );
      // The hash workers boot while the rest of verify loads (hash-pool.ts: prestartWorkers).
      (await import('../signing/hash-pool.js')).prestartWorkers();
      const [
        { formatBytes },
        { requirementFromInputs, usesPublicGood, withPublicGoodRoot },
        { refreshPublicGoodRoot },
        { verifyModel },
        { cliPlatform },
      ] = await Promise.all([
        import('../report/summary-markdown.js'),
        import('../signing/policy-sources.js'),
        import('../signing/public-good-root.js'),
        import('../signing/verify-model.js'),
        import('../platform/cli-platform.js'),
      ]);
      const requirement = await requirementFromInputs(parsePolicyInputs(inputReader(options)), io.cwd);
      if (!requirement) {
        throw new UsageError(
          'verify needs a signing policy',
          'give --identity and --issuer (keyless), --public-key FILE, or --certificate-chain FILE',
        );
      }
      const { logger } = cliPlatform({
        readInput: inputReader(options),
        verbose: Boolean(options.verbose),
        write: (line) => io.stderr(`${line}\n`),
      });
      const root = usesPublicGood([requirement]) ? await refreshPublicGoodRoot({ logger }) : undefined;
      const verified = await verifyModel(
        { directory, signaturePath, signatureName: path.relative(directory, signaturePath) },
        withPublicGoodRoot([requirement], root),
        {
          scope: {
            ignorePaths: (options.ignorePaths as string[] | undefined) ?? [],
            ignoreGitPaths: options.ignoreGitPaths !== false,
            allowSymlinks: Boolean(options.allowSymlinks),
            ignoreUnsignedFiles: Boolean(options.ignoreUnsignedFiles),
          },
        },
      );
      const result = {
        verified: true,
        method: verified.signature.method,
        signer: verified.signature.signer,
        ...(verified.signature.issuer && { issuer: verified.signature.issuer }),
        ...(verified.signature.signedAt && { signedAt: verified.signature.signedAt }),
        digest: verified.digest,
        files: verified.files.length,
        bytes: verified.bytes,
      };
      if (options.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      else {
        io.stdout(
          `verified: ${result.files} files (${formatBytes(result.bytes)}) match ${result.digest}\n` +
            `signed by ${result.signer}${result.issuer ? ` (${result.issuer})` : ''}, ${result.method} method\n`,
        );
      }
      return 0;
    },
  ];
}
