/**
 * Signs a model folder with a private key, as model_signing's key method does: `files`
 * serialization, SHA-256, the default ignore paths plus the signature itself. For teams that sign
 * in CI, and for the examples and tests.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { buildStatement, DEFAULT_IGNORE_PATHS, digestModel } from './serialize.js';
import { signStatement } from './sign-statement.js';
import type { Serialization } from './statement.js';

export interface SignModelOptions {
  readonly privateKeyPath: string;
  /** Where to write the bundle; default `DIRECTORY/model.sig`. */
  readonly signaturePath?: string;
  /** More paths (relative to the model) left out of the signature. */
  readonly ignorePaths?: readonly string[];
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
  let privateKey: string;
  try {
    privateKey = await readFile(options.privateKeyPath, 'utf8');
  } catch (error) {
    throw new UsageError(
      `private key ${options.privateKeyPath} cannot be read: ${(error as Error).message}`,
      'fix --private-key',
    );
  }
  const resources = await digestModel(directory, serialization, {
    signatureName: path.basename(signaturePath),
  });
  const statement = buildStatement(path.basename(path.resolve(directory)), serialization, resources);
  const bundle = signStatement(statement, privateKey);
  await writeFile(signaturePath, JSON.stringify(bundle));
  const subject = JSON.parse(Buffer.from(statement).toString('utf8')) as {
    subject: [{ digest: { sha256: string } }];
  };
  return { signaturePath, files: resources.length, digest: `sha256:${subject.subject[0].digest.sha256}` };
}
