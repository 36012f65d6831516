import path from 'node:path';
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import type { CommandAction } from './program.js';

export function signCommand(): [Command, CommandAction] {
  const command = new Command('sign')
    .description(
      'Sign a model folder with an EC private key (OMS key method), or with the key and its certificate chain (OMS certificate method); writes MODEL-DIR/model.sig.',
    )
    .argument('<model-dir>', 'the model folder')
    .addOption(new Option('--private-key <file>', 'PEM EC private key (P-256, P-384 or P-521)'))
    .addOption(
      new Option('--signature <file>', 'where to write the signature (default: MODEL-DIR/model.sig)'),
    )
    .addOption(new Option('--ignore-paths <path...>', 'paths in the model to leave out of the signature'))
    .addOption(
      new Option('--signing-certificate <file>', 'PEM certificate of --private-key (the certificate method)'),
    )
    .addOption(
      new Option(
        '--certificate-chain <file...>',
        'PEM certificates that issued the signing certificate, issuer first',
      ),
    );
  return [
    command,
    async (options, [modelDir], io) => {
      if (!options.privateKey)
        throw new UsageError('sign needs --private-key FILE', 'give the PEM private key to sign with');
      const directory = path.resolve(io.cwd, modelDir!);
      const { signModel } = await import('../signing/sign-model.js');
      const signed = await signModel(directory, {
        privateKeyPath: path.resolve(io.cwd, options.privateKey as string),
        ...(options.signature !== undefined && {
          signaturePath: path.resolve(io.cwd, options.signature as string),
        }),
        ...(options.ignorePaths !== undefined && { ignorePaths: options.ignorePaths as string[] }),
        ...(options.signingCertificate !== undefined && {
          signingCertificatePath: path.resolve(io.cwd, options.signingCertificate as string),
        }),
        ...(options.certificateChain !== undefined && {
          certificateChainPaths: (options.certificateChain as string[]).map((file) =>
            path.resolve(io.cwd, file),
          ),
        }),
      });
      io.stdout(
        `signed ${signed.files} files of ${modelDir} (${signed.digest}): ${path.relative(io.cwd, signed.signaturePath)}\n`,
      );
      return 0;
    },
  ];
}
