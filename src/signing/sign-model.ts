/**
 * Signs a model folder with a private key, as model_signing's key method does (or its certificate
 * method, given the key's certificate): `files` serialization, SHA-256, the default ignore paths
 * plus the signature itself. For teams that sign in CI, and for the examples and tests.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { buildStatement, DEFAULT_IGNORE_PATHS, digestModel } from './serialize.js';
import { createStatementSigner, type SigningCertificates } from './sign-statement.js';
import type { Serialization } from './statement.js';

export interface SignModelOptions {
  readonly privateKeyPath: string;
  /** Where to write the bundle; default `DIRECTORY/model.sig`. */
  readonly signaturePath?: string;
  /** More paths (relative to the model) left out of the signature. */
  readonly ignorePaths?: readonly string[];
  /** The certificate method: the private key's PEM certificate... */
  readonly signingCertificatePath?: string;
  /** ...and PEM files of the certificates that issued it, issuer first. */
  readonly certificateChainPaths?: readonly string[];
}

export interface SignedModel {
  readonly signaturePath: string;
  readonly files: number;
  readonly digest: string;
}

export async function signModel(directory: string, options: SignModelOptions): Promise<SignedModel> {
  const signaturePath = options.signaturePath ?? path.join(directory, 'model.sig');
  const insideModel = path.relative(directory, signaturePath);
  const serialization: Serialization = {
    method: 'files',
    hashType: 'sha256',
    allowSymlinks: false,
    ignorePaths: [
      ...DEFAULT_IGNORE_PATHS,
      ...(insideModel.startsWith('..') || path.isAbsolute(insideModel)
        ? []
        : [insideModel.split(path.sep).join('/')]),
      ...(options.ignorePaths ?? []),
    ],
  };
  const privateKey = await readInput(options.privateKeyPath, 'private key', '--private-key');
  let certificates: SigningCertificates | undefined;
  if (options.signingCertificatePath !== undefined) {
    certificates = {
      leaf: await readInput(options.signingCertificatePath, 'signing certificate', '--signing-certificate'),
      chain: await Promise.all(
        (options.certificateChainPaths ?? []).map((file) =>
          readInput(file, 'certificate chain file', '--certificate-chain'),
        ),
      ),
    };
  } else if ((options.certificateChainPaths ?? []).length > 0) {
    throw new UsageError(
      'a certificate chain was given without a signing certificate',
      'add --signing-certificate (the certificate of --private-key), or drop --certificate-chain to sign with the key alone',
    );
  }
  const sign = createStatementSigner(privateKey, certificates);
  const resources = await digestModel(directory, serialization, {
    signatureName: path.basename(signaturePath),
  });
  const statement = buildStatement(path.basename(path.resolve(directory)), serialization, resources);
  const bundle = sign(statement);
  await writeFile(signaturePath, JSON.stringify(bundle));
  const subject = JSON.parse(Buffer.from(statement).toString('utf8')) as {
    subject: [{ digest: { sha256: string } }];
  };
  return { signaturePath, files: resources.length, digest: `sha256:${subject.subject[0].digest.sha256}` };
}

async function readInput(file: string, what: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${what} ${file} cannot be read: ${(error as Error).message}`, `fix ${flag}`);
  }
}
