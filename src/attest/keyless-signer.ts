/**
 * The keyless attestation signer: an ephemeral ECDSA P-256 key, a Fulcio certificate binding it to
 * the CI job's OIDC identity, the DSSE signature over the in-toto statement, and a trusted timestamp
 * (RFC 3161 from a timestamp authority, and/or a Rekor entry) proving the signature was made while
 * the ten-minute certificate was valid. @sigstore/sign does the protocol work; this module chooses
 * the services, refuses what would leak the token, and turns failures into errors that say which
 * service failed and how to fix it.
 */
import { bundleToJSON } from '@sigstore/bundle';
import {
  DSSEBundleBuilder,
  FulcioSigner,
  InternalError,
  RekorWitness,
  TSAWitness,
  type Witness,
} from '@sigstore/sign';
import { IN_TOTO_PAYLOAD_TYPE } from '../signing/bundle.js';
import { checkServiceURLs, KeylessSigningError } from './keyless-services.js';
import type { AttestationSigner } from './signer.js';

// Defined with the service configuration (light, read with the inputs); also the signer's API.
export { KeylessSigningError, PUBLIC_GOOD_SERVICES, type KeylessErrorCode } from './keyless-services.js';

export interface KeylessSignerOptions {
  /** The job's OIDC token (audience `sigstore`). A secret: it never appears in an error. */
  readonly identityToken: string;
  readonly fulcioURL: string;
  /** A timestamp authority (RFC 3161). At least one of tsaURL and rekorURL is needed. */
  readonly tsaURL?: string;
  /** A Rekor transparency log: makes the signing identity public. */
  readonly rekorURL?: string;
  /** Per request (default 30 s). */
  readonly timeoutMs?: number;
  /** Retries of a request that failed with 408, 429, a 5xx or no answer (default 2). */
  readonly retries?: number;
}

/**
 * Checks the options once, then signs each statement with a fresh ephemeral key and certificate:
 * two attestations never share a key, and nothing outlives the call.
 */
export function createKeylessSigner(options: KeylessSignerOptions): AttestationSigner {
  const { fulcioURL, tsaURL, rekorURL } = checkServiceURLs(options);
  const token = options.identityToken.trim();
  checkToken(token);
  const fetchOptions = { timeout: options.timeoutMs ?? 30_000, retry: options.retries ?? 2 };

  return async (statementJson) => {
    checkToken(token);
    const witnesses: Witness[] = [];
    if (tsaURL) witnesses.push(new TSAWitness({ tsaBaseURL: tsaURL, ...fetchOptions }));
    if (rekorURL) {
      witnesses.push(
        new RekorWitness({
          rekorBaseURL: rekorURL,
          entryType: 'dsse',
          fetchOnConflict: true,
          ...fetchOptions,
        }),
      );
    }
    const builder = new DSSEBundleBuilder({
      signer: new FulcioSigner({
        identityProvider: { getToken: () => Promise.resolve(token) },
        fulcioBaseURL: fulcioURL,
        ...fetchOptions,
      }),
      witnesses,
    });
    try {
      const bundle = await builder.create({ data: Buffer.from(statementJson), type: IN_TOTO_PAYLOAD_TYPE });
      return bundleToJSON(bundle);
    } catch (error) {
      throw fromSigstore(error, token, { fulcioURL, tsaURL, rekorURL });
    }
  };
}

const TOKEN_HINT =
  'request the token with audience sigstore: on GitHub grant `permissions: id-token: write`; on GitLab add `id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore` to the job';

/**
 * What Fulcio would refuse, said before the token leaves the machine. @sigstore/sign quotes a token
 * it cannot parse in its error, so a malformed one never reaches it.
 */
function checkToken(token: string): void {
  const parts = token.split('.');
  let claims: { sub?: unknown; exp?: unknown } | undefined;
  if (parts.length === 3 && parts.every((part) => /^[A-Za-z0-9_-]+$/.test(part))) {
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      claims = undefined;
    }
  }
  if (typeof claims !== 'object' || claims === null || typeof claims.sub !== 'string' || !claims.sub) {
    throw new KeylessSigningError(
      'oidc-token-invalid',
      'keyless signing: the OIDC identity token is not a JWT with a subject',
      TOKEN_HINT,
    );
  }
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()) {
    throw new KeylessSigningError(
      'oidc-token-expired',
      `keyless signing: the OIDC identity token expired at ${new Date(claims.exp * 1000).toISOString()}`,
      'request the token shortly before the promotion signs (GitLab: raise the id_tokens expiry or run attestation earlier in the job)',
    );
  }
}

interface Services {
  readonly fulcioURL: string;
  readonly tsaURL: string | undefined;
  readonly rekorURL: string | undefined;
}

/** Which service failed, in one line that never holds the token. */
function fromSigstore(error: unknown, token: string, services: Services): KeylessSigningError {
  const code = error instanceof InternalError ? error.code : undefined;
  const cause = error instanceof InternalError ? (error.cause as unknown) : error;
  const status = statusOf(cause);
  // @sigstore/sign's HTTP errors start with their status, which the message states once already.
  const reason = redact(describe(cause), token).replace(/^\(\d{3}\)\s*/, '');
  const answered = status === undefined ? `${reason}` : `answered ${status}: ${reason}`;
  const options = { cause: redactedCause(error, token) };
  if (code === 'CA_CREATE_SIGNING_CERTIFICATE_ERROR' || code?.startsWith('IDENTITY_TOKEN')) {
    if (status !== undefined && status >= 400 && status < 500) {
      return new KeylessSigningError(
        'fulcio-refused',
        `keyless signing: Fulcio (${services.fulcioURL}) refused the certificate request: ${answered}`,
        `check that Fulcio trusts the token's issuer and that the token's audience is sigstore; ${TOKEN_HINT}`,
        status,
        options,
      );
    }
    return new KeylessSigningError(
      'fulcio-failed',
      `keyless signing: getting a certificate from Fulcio (${services.fulcioURL}): ${answered}`,
      'check that the runner reaches attest-fulcio-url, then run the job again',
      status,
      options,
    );
  }
  if (code === 'TSA_CREATE_TIMESTAMP_ERROR') {
    return new KeylessSigningError(
      'timestamp-failed',
      `keyless signing: timestamping with ${services.tsaURL ?? 'the timestamp authority'}: ${answered}`,
      'check that the runner reaches attest-tsa-url, then run the job again',
      status,
      options,
    );
  }
  if (code?.startsWith('TLOG')) {
    return new KeylessSigningError(
      'rekor-failed',
      `keyless signing: recording in Rekor (${services.rekorURL ?? 'the transparency log'}): ${answered}`,
      'check that the runner reaches attest-rekor-url, then run the job again',
      status,
      options,
    );
  }
  return new KeylessSigningError(
    'keyless-failed',
    `keyless signing: ${answered}`,
    'run the job again; if it keeps failing, report it with this message',
    status,
    options,
  );
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return typeof error === 'string' ? error : 'unknown error';
}

function redact(text: string, token: string): string {
  return token ? text.replaceAll(token, '***') : text;
}

/** The cause is kept for debugging, but only as a plain copy with the token taken out. */
function redactedCause(error: unknown, token: string): Error {
  const copy = new Error(redact(describe(error), token));
  copy.name = error instanceof Error ? error.name : 'Error';
  return copy;
}
