/**
 * Where the job's OIDC token for Sigstore comes from. GitHub Actions mints one on request when the
 * job has `permissions: id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN are then set);
 * GitLab puts one in the variable an `id_tokens:` entry names (SIGSTORE_ID_TOKEN by convention, as
 * cosign reads it). The token is a secret: it is masked before anything else happens to it.
 */
import { KeylessSigningError } from '../attest/keyless-services.js';
import type { IdentityTokenSource } from './platform.js';

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
 * The platform's token source (Platform.identityToken): whether a token can be had is known when
 * the inputs are read (a usage error before anything is built); the token itself is found when the
 * statement is signed, after the deploy, since it lives minutes and a rollout may take longer.
 */
export function sigstoreTokenSource(options: SigstoreTokenOptions): IdentityTokenSource {
  const variable = options.variable ?? SIGSTORE_TOKEN_VARIABLE;
  const given = Boolean(options.env[variable]?.trim());
  const runner =
    options.platform === 'github' &&
    Boolean(options.env.ACTIONS_ID_TOKEN_REQUEST_URL && options.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
  return {
    available: given || runner,
    howToEnable: fixFor(options.platform, variable),
    async fetch() {
      const found = await findSigstoreToken(options);
      if (found.found) return found.token;
      throw new KeylessSigningError(
        'oidc-token-invalid',
        'keyless signing: the OIDC identity token is no longer there',
        found.fix,
      );
    },
  };
}

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
      return { found: false, fix: fixFor('github', variable) };
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
  return { found: false, fix: fixFor(options.platform, variable) };
}

function fixFor(platform: SigstoreTokenOptions['platform'], variable: string): string {
  if (platform === 'github') return GITHUB_FIX;
  if (platform === 'gitlab') return gitlabFix(variable);
  return `set ${variable} to an OIDC token whose audience is ${SIGSTORE_AUDIENCE}, or sign with attest-key`;
}

// @actions/core's message spreads the runner's status and answer over several lines; neither is
// secret (the request token is a header, never in the message).
function reasonOf(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  return text.replace(/\s+/g, ' ').trim();
}
