/**
 * OMS verification of a whole model: the signature against every policy requirement, then every
 * file against the signed digests. The cheap checks come first, so a wrong signer is refused
 * before a byte of the model is read.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PromotionError, UsageError } from '../errors.js';
import type { PolicyRequirement } from './policy-sources.js';
import {
  checkResourceNames,
  compareManifest,
  digestModel,
  listModelFiles,
  type DigestProgress,
  type ModelFile,
} from './serialize.js';
import { parseShardName } from './serialize-names.js';
import { SigningError } from './signing-error.js';
import type { ModelManifest } from './statement.js';
import { verifySignature, type SignatureCheck } from './verify-signature.js';

export interface ModelOnDisk {
  readonly directory: string;
  readonly signaturePath: string;
  /** The signature's name inside `directory`, never hashed. */
  readonly signatureName: string;
}

/**
 * A model whose signature a trusted signer made, and whose files are the ones it names. Alone (a
 * streamed promotion) the files' bytes are still to be checked, as they stream (createContentCheck);
 * as a VerifiedModel they were.
 */
export interface SignedFiles {
  readonly manifest: ModelManifest;
  readonly signature: SignatureCheck;
  /** The requirements it satisfied, by source (`environment production`, `inputs`). */
  readonly satisfied: readonly string[];
  /** The model's files (relative POSIX paths), as hashed. */
  readonly files: readonly ModelFile[];
  readonly bytes: number;
  /** `sha256:` + the statement's subject digest: one name for the whole signed model. */
  readonly digest: string;
  /**
   * The signature as it was verified, its bytes kept (a signature is small): the image carries
   * these bytes, never a file read again, so what the cluster checks is what was checked here.
   * `name` is where it came from (a path, or its name in the registry's listing).
   */
  readonly signatureFile: { readonly name: string; readonly bytes: Uint8Array };
}

/** A model whose files were all found equal to what a trusted signer signed. */
export interface VerifiedModel extends SignedFiles {
  readonly directory: string;
}

/**
 * What the verifier looks at beyond what the signature records, as upstream's `verify` options
 * set it: more paths to leave out, `.git` and friends left out or not, symlinks followed, and files
 * the signature does not name skipped instead of refused.
 */
export interface VerifyScope {
  /** Paths (relative to the model) to leave out, on top of the signature's own. */
  readonly ignorePaths?: readonly string[];
  /** Leave out `.git`, `.gitattributes`, `.github`, `.gitignore`; default true, as upstream. */
  readonly ignoreGitPaths?: boolean;
  /** Follow symlinks even when the signature was made without. */
  readonly allowSymlinks?: boolean;
  /** Skip files the signature does not name (they are then neither hashed nor refused). */
  readonly ignoreUnsignedFiles?: boolean;
}

export interface VerifyModelOptions {
  readonly scope?: VerifyScope;
  readonly onProgress?: (progress: DigestProgress) => void;
  readonly signal?: AbortSignal;
  /** sha256 of files hashed as they were downloaded this run (ModelVersion.knownDigests): not read again. */
  readonly knownDigests?: ReadonlyMap<string, string>;
}

export async function verifyModel(
  model: ModelOnDisk,
  requirements: readonly PolicyRequirement[],
  options: VerifyModelOptions = {},
): Promise<VerifiedModel> {
  requirePolicy(requirements);
  const bundle = await readSignature(model.signaturePath);
  const signature = await verifyBundle(bundle, requirements);
  const { manifest } = signature;

  const scope = options.scope ?? {};
  const serialization = {
    ...manifest.serialization,
    ignorePaths: [...manifest.serialization.ignorePaths, ...(scope.ignorePaths ?? [])],
    allowSymlinks: manifest.serialization.allowSymlinks || Boolean(scope.allowSymlinks),
  };
  const listOptions = { signatureName: model.signatureName, ignoreGitPaths: scope.ignoreGitPaths ?? true };
  const listed = await listModelFiles(model.directory, serialization, listOptions);
  const signed = new Set(manifest.resources.map((r) => parseShardName(r.name)?.path ?? r.name));
  const files = scope.ignoreUnsignedFiles ? listed.filter((f) => signed.has(f.path)) : listed;
  const actual = await digestModel(model.directory, serialization, {
    ...listOptions,
    ...options,
    files,
  });
  const singleFile =
    listed.length === 1 && listed[0]!.path === '.' ? path.basename(model.directory) : undefined;
  compareManifest(manifest.resources, actual, singleFile);
  return {
    directory: model.directory,
    manifest,
    signature,
    satisfied: requirements.map((r) => r.source),
    files,
    bytes: files.reduce((sum, file) => sum + file.size, 0),
    digest: `sha256:${manifest.subjectDigest}`,
    signatureFile: { name: model.signaturePath, bytes: bundle },
  };
}

/** Throws a usage error when nothing says whose signature to trust. */
export function requirePolicy(requirements: readonly PolicyRequirement[]): void {
  if (requirements.length === 0) {
    throw new UsageError(
      'no signing policy: nothing says whose signature to trust',
      'give identity + issuer, public-key or certificate-chain, or set `signing:` on the environment in the catalog',
    );
  }
}

/**
 * The bundle against every requirement (each must be met), and its statement's resource names
 * checked: the first requirement's check, whose manifest every later step uses.
 */
export async function verifyBundle(
  bundle: Uint8Array,
  requirements: readonly PolicyRequirement[],
): Promise<SignatureCheck> {
  requirePolicy(requirements);
  const checks: SignatureCheck[] = [];
  for (const requirement of requirements) checks.push(await satisfy(bundle, requirement));
  const signature = checks[0]!;
  checkResourceNames(signature.manifest.resources, signature.manifest.serialization.method);
  return signature;
}

/** Any alternative will do; when none does, the refusal that speaks of the bundle's own method wins. */
async function satisfy(bundle: Uint8Array, requirement: PolicyRequirement): Promise<SignatureCheck> {
  const failures: PromotionError[] = [];
  for (const policy of requirement.alternatives) {
    try {
      return await verifySignature(bundle, policy);
    } catch (error) {
      if (!(error instanceof PromotionError)) throw error;
      failures.push(error);
    }
  }
  const telling = failures.find((f) => f.code !== 'method-mismatch') ?? failures[0];
  if (!telling)
    throw new UsageError(`the signing policy of ${requirement.source} is empty`, 'list at least one signer');
  if (telling.kind === 'usage') throw telling;
  throw new SigningError(
    telling.code as SigningError['code'],
    `signature does not satisfy the policy of ${requirement.source}: ${telling.message}`,
    telling.hint ?? 'sign the model with a signer the policy allows',
    { cause: telling },
  );
}

async function readSignature(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : `cannot be read (${code ?? (error as Error).message})`;
    throw new SigningError(
      'malformed-bundle',
      `signature ${file} ${why}`,
      'give the model.sig file the signer wrote',
      {
        cause: error,
      },
    );
  }
}
