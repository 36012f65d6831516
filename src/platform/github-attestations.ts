/**
 * The promotion attestation stored with GitHub's artifact attestations
 * (`POST /repos/{owner}/{repo}/attestations`), so `gh attestation verify oci://IMAGE` finds it
 * beside the OCI referrer. The job needs `permissions: attestations: write` (and `id-token: write`
 * for the keyless signature the bundle carries). Retries and rate limits are the GitHub client's
 * (github-client.ts); a refusal names the permission.
 *
 * GitHub does not offer the store everywhere: not for user-owned private repositories nor on some
 * plans ("Feature not available for ..."), not at all on GitHub Enterprise Server releases without
 * the endpoint (404). The referrer already holds the attestation, so with `github-attestations: auto`
 * those answers skip the store with one warning; every other failure (a missing permission, a
 * server down) still fails, as it does with `required`. `off` asks nothing.
 */
import type { SerializedBundle } from '@sigstore/bundle';
import { UsageError } from '../errors.js';
import type { GithubAttestationsMode, PromotionInputs } from '../inputs.js';
import type { Logger } from '../logger.js';
import { oneLine } from '../outside-text.js';
import { createGithubClient, type GithubClient, type GithubClientOptions } from './github-client.js';
import { githubContextFromEnv } from './github-context.js';
import { GithubRequestError, githubRequestError } from './github-request-error.js';
import type { AttestationStore, PublishedAttestation, SkippedAttestation } from './platform.js';

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

/** The longest piece of GitHub's message kept in a warning and the record. */
const REASON_LIMIT = 300;

/**
 * Why GitHub does not offer artifact attestations for this repository, from a failed
 * createAttestation (as thrown, or wrapped by githubRequestError); undefined for any other failure.
 * GitHub's description lists 403 and 422 for the call and does not say which carries the "Feature
 * not available" answer, so its words are matched whatever the status among 403, 404 and 422; a bare
 * 404 is a GitHub without the endpoint (GitHub Enterprise Server), since the job's own repository
 * is always visible to its token.
 */
export function attestationsUnavailable(error: unknown): string | undefined {
  const answer = (error instanceof GithubRequestError ? error.cause : error) as {
    status?: unknown;
    message?: unknown;
    response?: { data?: { message?: unknown } };
  } | null;
  const status = answer?.status;
  if (status !== 403 && status !== 404 && status !== 422) return undefined;
  const said = answer?.response?.data?.message ?? answer?.message;
  const message = oneLine(typeof said === 'string' ? said : '')
    .trim()
    .slice(0, REASON_LIMIT);
  if (/feature not available/i.test(message)) return `GitHub answered ${status}: ${message}`;
  if (status === 404) {
    return `GitHub answered 404${message ? ` (${message})` : ''}: this GitHub has no artifact attestations API (e.g. GitHub Enterprise Server)`;
  }
  return undefined;
}

/**
 * Stores the bundle (`off` never gets here: its store asks nothing). `auto` turns GitHub's "not
 * offered here" into a skip with one warning naming why and the fix; anything else throws as
 * publishGitHubAttestation does.
 */
export async function storeGitHubAttestation(
  octokit: GithubClient,
  repo: GithubRepository,
  bundle: SerializedBundle,
  mode: Exclude<GithubAttestationsMode, 'off'>,
  logger: Logger,
): Promise<PublishedAttestation | SkippedAttestation> {
  const repository = `${repo.owner}/${repo.repo}`;
  try {
    return { store: 'github', id: (await publishGitHubAttestation(octokit, repo, bundle)).id, repository };
  } catch (error) {
    const reason = attestationsUnavailable(error);
    if (reason === undefined || !(error instanceof GithubRequestError)) throw error;
    if (mode === 'required') {
      // The usual hint names the permission; here no permission helps, so name what does.
      throw new GithubRequestError(
        error.code,
        error.message,
        'GitHub does not offer artifact attestations for this repository (make it public, upgrade the plan, or use a GitHub with the API); or set github-attestations: auto to promote with the OCI referrer alone',
        error.status,
        { cause: error.cause },
      );
    }
    logger.warn(
      `the promotion attestation is not stored in ${repository}'s artifact attestations: ${reason}. ` +
        'It is still attached to the image as an OCI referrer (cosign, Kyverno and `model-promote verify-promotion` find it there). ' +
        'Set github-attestations: off to skip this store without asking, or required to make this a failure.',
    );
    return { store: 'github', repository, skipped: 'unavailable', reason };
  }
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
 * would find nothing, and the user asked for the attestation (unless github-attestations is off,
 * which needs no token).
 */
export function githubAttestationStore(
  inputs: Pick<PromotionInputs, 'githubToken' | 'githubAttestations'>,
  options: GithubAttestationStoreOptions,
): AttestationStore | undefined {
  const context = githubContextFromEnv(options.env, options.logger);
  if (!context) return undefined;
  const repo = { owner: context.owner, repo: context.repo };
  const repository = `${repo.owner}/${repo.repo}`;
  const name = `GitHub artifact attestations of ${repository}`;
  const mode = inputs.githubAttestations;
  if (mode === 'off') {
    const skipped: SkippedAttestation = {
      store: 'github',
      repository,
      skipped: 'off',
      reason: 'github-attestations is off',
    };
    return { name, publish: async () => skipped };
  }
  if (!inputs.githubToken) {
    throw new UsageError(
      'attest is on, but there is no github-token to store the attestation with GitHub',
      `leave github-token at its default (the job's GITHUB_TOKEN) and grant \`permissions: ${ATTESTATIONS_PERMISSION}\`, or set github-attestations: off`,
    );
  }
  const client = createGithubClient({
    ...options.client,
    token: inputs.githubToken,
    baseUrl: context.apiUrl,
    logger: options.logger,
  });
  return { name, publish: (bundle) => storeGitHubAttestation(client, repo, bundle, mode, options.logger) };
}
