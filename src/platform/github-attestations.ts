/**
 * The promotion attestation stored with GitHub's artifact attestations
 * (`POST /repos/{owner}/{repo}/attestations`), so `gh attestation verify oci://IMAGE` finds it
 * beside the OCI referrer. The job needs `permissions: attestations: write` (and `id-token: write`
 * for the keyless signature the bundle carries). Retries and rate limits are the GitHub client's
 * (github-client.ts); a refusal names the permission.
 */
import type { SerializedBundle } from '@sigstore/bundle';
import type { GithubClient } from './github-client.js';
import { githubRequestError } from './github-request-error.js';

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
