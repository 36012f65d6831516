/**
 * Where the job's OIDC token for Sigstore comes from. GitHub Actions mints one on request when the
 * job has `permissions: id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN are then set);
 * GitLab puts one in the variable an `id_tokens:` entry names (SIGSTORE_ID_TOKEN by convention, as
 * cosign reads it). The token is a secret: it is masked before anything else happens to it.
 */
import { KeylessSigningError } from '../attest/keyless-signer.js';

/** The audience Fulcio expects (its `ClientID` for every public-good issuer). */
export const SIGSTORE_AUDIENCE = 'sigstore';
/** The variable cosign and sigstore-js read, and the name the GitLab component's docs use. */
export const SIGSTORE_TOKEN_VARIABLE = 'SIGSTORE_ID_TOKEN';

export interface SigstoreTokenOptions {
  readonly platform: 'github' | 'gitlab' | 'cli';
  readonly env: NodeJS.ProcessEnv;
  /** Keeps the token out of every later log line (Platform.mask). */
  readonly mask: (secret: string) => void;
  /** GitHub: asks the runner for a token (`@actions/core` getIDToken, which masks it too). */
  readonly requestGithubToken?: (audience: string) => Promise<string>;
  /** GitLab: the variable the job's `id_tokens:` entry names (default SIGSTORE_ID_TOKEN). */
  readonly variable?: string;
}

export type SigstoreToken =
  | { readonly found: true; readonly token: string; readonly source: string }
  /** `fix` says how to give the job a token, for the error when keyless signing was asked for. */
  | { readonly found: false; readonly fix: string };

const GITHUB_FIX =
  'grant the job `permissions: id-token: write` (and `attestations: write` to publish it on GitHub)';
const gitlabFix = (variable: string) =>
  `add to the job: \`id_tokens: { ${variable}: { aud: ${SIGSTORE_AUDIENCE} } }\``;

/**
 * The token, or how to get one. A variable that is set wins (a token the user chose); on GitHub the
 * runner is asked next. A request the runner refuses is an error, not "no token": the job asked
 * for signing and has the permission, so something is wrong that the user should see.
 */
export async function findSigstoreToken(options: SigstoreTokenOptions): Promise<SigstoreToken> {
  const variable = options.variable ?? SIGSTORE_TOKEN_VARIABLE;
  const given = options.env[variable]?.trim();
  if (given) {
    options.mask(given);
    return { found: true, token: given, source: `$${variable}` };
  }
  if (options.platform === 'github') {
    if (!options.env.ACTIONS_ID_TOKEN_REQUEST_URL || !options.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
      return { found: false, fix: GITHUB_FIX };
    }
    if (!options.requestGithubToken) {
      throw new Error('findSigstoreToken: requestGithubToken is required on GitHub');
    }
    let token: string;
    try {
      token = (await options.requestGithubToken(SIGSTORE_AUDIENCE)).trim();
    } catch (cause) {
      throw new KeylessSigningError(
        'oidc-token-invalid',
        `keyless signing: GitHub did not issue an OIDC token for audience ${SIGSTORE_AUDIENCE}: ${reasonOf(cause)}`,
        GITHUB_FIX,
        undefined,
        { cause },
      );
    }
    if (!token) {
      throw new KeylessSigningError(
        'oidc-token-invalid',
        'keyless signing: GitHub answered the OIDC token request with an empty token',
        'run the job again',
      );
    }
    options.mask(token);
    return { found: true, token, source: 'GitHub Actions OIDC' };
  }
  if (options.platform === 'gitlab') return { found: false, fix: gitlabFix(variable) };
  return {
    found: false,
    fix: `set ${variable} to an OIDC token whose audience is ${SIGSTORE_AUDIENCE}, or sign with attest-key`,
  };
}

// @actions/core's message spreads the runner's status and answer over several lines; neither is
// secret (the request token is a header, never in the message).
function reasonOf(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  return text.replace(/\s+/g, ' ').trim();
}
