/**
 * The promotion attestation stored with GitHub's artifact attestations
 * (`POST /repos/{owner}/{repo}/attestations`), so `gh attestation verify oci://IMAGE` finds it
 * beside the OCI referrer. The job needs `permissions: attestations: write` (and `id-token: write`
 * for the keyless signature the bundle carries). Retries and rate limits are the GitHub client's
 * (github-client.ts); a refusal names the permission.
 */
import type { SerializedBundle } from '@sigstore/bundle';
import { UsageError } from '../errors.js';
import type { PromotionInputs } from '../inputs.js';
import type { Logger } from '../logger.js';
import { createGithubClient, type GithubClient, type GithubClientOptions } from './github-client.js';
import { githubContextFromEnv } from './github-context.js';
import { githubRequestError } from './github-request-error.js';
import type { AttestationStore } from './platform.js';

export interface GithubRepository {
  readonly owner: string;
  readonly repo: string;
}

export const ATTESTATIONS_PERMISSION = 'attestations: write';

export async function publishGitHubAttestation(
  octokit: GithubClient,
  repo: GithubRepository,
  bundle: SerializedBundle,
): Promise<{ id: number }> {
  const doing = `storing the promotion attestation with ${repo.owner}/${repo.repo}'s artifact attestations`;
  let id: unknown;
  try {
    const response = await octokit.rest.repos.createAttestation({
      owner: repo.owner,
      repo: repo.repo,
      bundle,
    });
    id = response.data.id;
  } catch (error) {
    throw githubRequestError(error, doing, ATTESTATIONS_PERMISSION);
  }
  if (typeof id !== 'number') {
    throw githubRequestError(new Error('the answer has no attestation id'), doing, ATTESTATIONS_PERMISSION);
  }
  return { id };
}

export interface GithubAttestationStoreOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  /** Client settings beyond token and API root (tests lower the waits). */
  readonly client?: Partial<Omit<GithubClientOptions, 'token' | 'baseUrl' | 'logger'>>;
}

/**
 * The repository's artifact attestations, when the promotion runs in a GitHub Actions run (none
 * outside one). Attesting with no token to store it is a usage error: `gh attestation verify`
 * would find nothing, and the user asked for the attestation.
 */
export function githubAttestationStore(
  inputs: Pick<PromotionInputs, 'githubToken'>,
  options: GithubAttestationStoreOptions,
): AttestationStore | undefined {
  const context = githubContextFromEnv(options.env, options.logger);
  if (!context) return undefined;
  if (!inputs.githubToken) {
    throw new UsageError(
      'attest is on, but there is no github-token to store the attestation with GitHub',
      `leave github-token at its default (the job's GITHUB_TOKEN) and grant \`permissions: ${ATTESTATIONS_PERMISSION}\``,
    );
  }
  const client = createGithubClient({
    ...options.client,
    token: inputs.githubToken,
    baseUrl: context.apiUrl,
    logger: options.logger,
  });
  const repo = { owner: context.owner, repo: context.repo };
  const repository = `${repo.owner}/${repo.repo}`;
  return {
    name: `GitHub artifact attestations of ${repository}`,
    publish: async (bundle) => ({
      store: 'github',
      id: (await publishGitHubAttestation(client, repo, bundle)).id,
      repository,
    }),
  };
}
