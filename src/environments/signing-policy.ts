/**
 * The signing policy of an environment, with its trust material read from disk, so the signing
 * stage (a pure verifier) is handed bytes. A promotion into the environment must satisfy this
 * policy; nothing given on the command line can weaken it.
 */
import { readFile } from 'node:fs/promises';
import { pemProblem } from '../signing/policy.js';
import { formatFieldPath, type LoadedCatalog } from './catalog-loader.js';
import { EnvironmentError } from './environment-error.js';
import { environmentOf } from './resolve-pool.js';

export interface TrustFile {
  /** Absolute path (resolved against the catalog's folder). */
  readonly path: string;
  /** The path as written in the catalog. */
  readonly written: string;
  /** The file's text (PEM or JSON). */
  readonly content: string;
}

export interface ResolvedSigningPolicy {
  readonly environment: string;
  /** Accepted Sigstore keyless signers; empty when none. */
  readonly keyless: readonly { readonly identity: string; readonly issuer: string }[];
  readonly trustedRoot?: TrustFile;
  readonly publicKeys: readonly TrustFile[];
  readonly certificateChain: readonly TrustFile[];
}

/**
 * The environment's policy, or `undefined` when the catalog sets none for it (the caller decides
 * what its own default is). A missing or unreadable trust file is an `invalid-catalog` usage error
 * pointing at the line that names it.
 */
export async function environmentSigningPolicy(
  loaded: LoadedCatalog,
  environmentName: string,
): Promise<ResolvedSigningPolicy | undefined> {
  const policy = environmentOf(loaded, environmentName).signing;
  if (!policy) return undefined;
  const written = environmentOf({ catalog: loaded.written }, environmentName).signing ?? policy;
  const base = ['environments', environmentName, 'signing'];

  const read = async (
    field: string,
    absolute: string,
    asWritten: string,
    index?: number,
  ): Promise<TrustFile> => {
    const refuse = (reason: string, hint: string, error?: unknown): EnvironmentError => {
      const fieldPath = index === undefined ? [...base, field] : [...base, field, index];
      const location = loaded.locate(fieldPath);
      const issue = { location, path: formatFieldPath(fieldPath), message: `${asWritten}: ${reason}` };
      return new EnvironmentError(
        'usage',
        'invalid-catalog',
        `${location.file}:${location.line}:${location.column}: ${issue.path}: ${issue.message} (resolved to ${absolute})`,
        hint,
        { issues: [issue], cause: error },
      );
    };
    let content: string;
    try {
      content = await readFile(absolute, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : String(error);
      throw refuse(
        reason,
        'paths in the catalog are relative to the catalog file; fix the path or add the file',
        error,
      );
    }
    const what =
      field === 'publicKeys' ? 'public key' : field === 'certificateChain' ? 'certificate' : undefined;
    const problem = what && pemProblem(content, what);
    if (problem) throw refuse(problem, `point ${field} at ${what} PEM files`);
    return { path: absolute, written: asWritten, content };
  };
  const readAll = (field: 'publicKeys' | 'certificateChain'): Promise<TrustFile[]> =>
    Promise.all((policy[field] ?? []).map((p, i) => read(field, p, written[field]?.[i] ?? p, i)));

  return {
    environment: environmentName,
    keyless: policy.keyless ?? [],
    ...(policy.trustedRoot !== undefined && {
      trustedRoot: await read('trustedRoot', policy.trustedRoot, written.trustedRoot ?? policy.trustedRoot),
    }),
    publicKeys: await readAll('publicKeys'),
    certificateChain: await readAll('certificateChain'),
  };
}
