/**
 * Where signing policies come from: the environment in the catalog, and the promotion's inputs.
 * Each source becomes one requirement of alternatives; a promotion must satisfy EVERY requirement
 * (so an input can narrow the environment's policy but never widen it), and a requirement is
 * satisfied by ANY of its alternatives.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedSigningPolicy } from '../environments/signing-policy.js';
import { UsageError } from '../errors.js';
import type { PolicyInputs } from '../inputs.js';
import { pemProblem, type SigningPolicy } from './policy.js';

export interface PolicyRequirement {
  /** Names the source in messages and in the record: `environment production`, `inputs`. */
  readonly source: string;
  readonly alternatives: readonly SigningPolicy[];
}

export function requirementFromEnvironment(policy: ResolvedSigningPolicy): PolicyRequirement {
  const alternatives: SigningPolicy[] = [];
  if (policy.keyless.length) {
    alternatives.push({
      method: 'keyless',
      identities: policy.keyless.map(({ identity, issuer }) => ({ identity, issuer })),
      ...(policy.trustedRoot && {
        trustedRoot: parseTrustedRoot(policy.trustedRoot.content, policy.trustedRoot.path),
      }),
    });
  }
  if (policy.publicKeys.length)
    alternatives.push({ method: 'key', publicKeys: policy.publicKeys.map((f) => f.content) });
  if (policy.certificateChain.length) {
    alternatives.push({ method: 'certificate', anchors: policy.certificateChain.map((f) => f.content) });
  }
  return { source: `environment ${policy.environment}`, alternatives };
}

/** Reads the files the inputs name; `undefined` when the inputs give no policy. */
export async function requirementFromInputs(
  inputs: PolicyInputs,
  cwd: string = process.cwd(),
): Promise<PolicyRequirement | undefined> {
  const read = (file: string, input: string) => readInputFile(path.resolve(cwd, file), input);
  switch (inputs.method) {
    case 'none':
      return undefined;
    case 'keyless': {
      const trustedRoot = inputs.trustedRoot
        ? parseTrustedRoot(await read(inputs.trustedRoot, 'trusted-root'), inputs.trustedRoot)
        : undefined;
      return {
        source: 'inputs',
        alternatives: [
          {
            method: 'keyless',
            identities: [{ identity: inputs.identity, issuer: inputs.issuer }],
            ...(trustedRoot !== undefined && { trustedRoot }),
          },
        ],
      };
    }
    case 'key':
      return {
        source: 'inputs',
        alternatives: [
          {
            method: 'key',
            publicKeys: [
              checkedPem(await read(inputs.publicKey, 'public-key'), inputs.publicKey, 'public-key'),
            ],
          },
        ],
      };
    case 'certificate':
      return {
        source: 'inputs',
        alternatives: [
          {
            method: 'certificate',
            anchors: await Promise.all(
              inputs.anchors.map(async (f) =>
                checkedPem(await read(f, 'certificate-chain'), f, 'certificate-chain'),
              ),
            ),
          },
        ],
      };
  }
}

/** The file's text, or a usage error that names the file (not its place in a list) and the input. */
function checkedPem(text: string, file: string, input: 'public-key' | 'certificate-chain'): string {
  const problem = pemProblem(text, input === 'public-key' ? 'public key' : 'certificate');
  if (problem) throw new UsageError(`${input} file ${file}: ${problem}`, `fix the file given as ${input}`);
  return text;
}

async function readInputFile(file: string, input: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `${input} file ${file} cannot be read: ${(error as Error).message}`,
      `fix the path given as ${input}`,
    );
  }
}

function parseTrustedRoot(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `trusted root ${file} is not JSON: ${(error as Error).message}`,
      "pass a Sigstore trusted_root.json (e.g. from `sigstore trusted-root` or your instance's TUF repository)",
    );
  }
}

/** Keyless alternatives that name no trusted root: they use the Sigstore public-good instance. */
export function usesPublicGood(requirements: readonly PolicyRequirement[]): boolean {
  return requirements.some((r) =>
    r.alternatives.some((p) => p.method === 'keyless' && p.trustedRoot === undefined),
  );
}

/** Gives those alternatives a public-good root fetched this run (see public-good-root.ts). */
export function withPublicGoodRoot(
  requirements: readonly PolicyRequirement[],
  root: unknown,
): PolicyRequirement[] {
  return requirements.map((requirement) => ({
    ...requirement,
    alternatives: requirement.alternatives.map((policy) =>
      policy.method === 'keyless' && policy.trustedRoot === undefined && root !== undefined
        ? { ...policy, trustedRoot: root, publicGood: true }
        : policy,
    ),
  }));
}
