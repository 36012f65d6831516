/**
 * Authorization for one registry: anonymous, Basic, or the Bearer token flow of the distribution
 * token spec (realm, service, scope from the `WWW-Authenticate` challenge). Tokens are cached per
 * scope set until shortly before they expire.
 */
import type { Logger } from '../../logger.js';
import { type Challenge, parseChallenges } from './challenge.js';
import { type Credential, isAnonymous } from './credentials.js';
import { describeErrorBody, OciRegistryError } from './remote-error.js';
import {
  DEFAULT_RETRY,
  isRetryableStatus,
  parseRetryAfter,
  type RetryPolicy,
  TransientFailure,
  withRetry,
} from '../../retry.js';
import type { Transport } from './transport.js';

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

export interface AuthenticatorOptions {
  readonly registry: string;
  readonly transport: Transport;
  readonly credential: () => Promise<Credential>;
  readonly logger: Logger;
  readonly retry?: RetryPolicy;
  readonly mask?: (secret: string) => void;
  readonly now?: () => number;
}

/** Tokens are dropped this long before the registry's expiry, so none expires in flight. */
const EXPIRY_SLACK_MS = 10_000;
const DEFAULT_TOKEN_SECONDS = 60;

export class Authenticator {
  /** Undefined until a challenge is seen: requests go anonymous until the registry asks. */
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<CachedToken>>();

  constructor(private readonly options: AuthenticatorOptions) {}

  /** Where the credential came from and the scopes asked, for 401/403 messages. */
  async describe(scopes: readonly string[]): Promise<string> {
    const credential = await this.options.credential();
    return `tried ${credential.source}, scope ${scopes.join(' ') || '(none)'}`;
  }

  /** Learns the scheme from a 401's `WWW-Authenticate`; false when there is none to learn. */
  learn(header: string | undefined): boolean {
    if (!header) return false;
    const challenge =
      parseChallenges(header).find((c) => c.scheme === 'bearer') ??
      parseChallenges(header).find((c) => c.scheme === 'basic');
    if (!challenge) return false;
    this.challenge = challenge;
    return true;
  }

  /** The Authorization header for a request needing `scopes`, or undefined (anonymous). */
  async header(scopes: readonly string[], fresh = false): Promise<string | undefined> {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    const credential = await this.options.credential();
    if (challenge.scheme === 'basic') {
      if (isAnonymous(credential) || credential.password === undefined) return undefined;
      return `Basic ${Buffer.from(`${credential.username ?? ''}:${credential.password}`).toString('base64')}`;
    }
    if (challenge.scheme !== 'bearer') return undefined;
    const key = [...scopes].sort().join(' ');
    const now = (this.options.now ?? Date.now)();
    const cached = this.tokens.get(key);
    if (!fresh && cached && cached.expiresAt > now) return `Bearer ${cached.token}`;
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.fetchToken(challenge, scopes, credential).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    const token = await pending;
    this.tokens.set(key, token);
    return `Bearer ${token.token}`;
  }

  private async fetchToken(
    challenge: Challenge,
    scopes: readonly string[],
    credential: Credential,
  ): Promise<CachedToken> {
    const realm = challenge.params.realm;
    if (!realm) {
      throw new OciRegistryError(
        'failed',
        'registry-response-invalid',
        `${this.options.registry} asked for a Bearer token but named no realm`,
      );
    }
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new OciRegistryError(
        'failed',
        'registry-response-invalid',
        `${this.options.registry} named token realm ${JSON.stringify(realm)}, not a URL`,
      );
    }
    const service = challenge.params.service;
    const what = `token for ${scopes.join(' ') || this.options.registry} from ${url.host}`;
    const started = (this.options.now ?? Date.now)();
    const text = await withRetry(what, this.options.retry ?? DEFAULT_RETRY, this.options.logger, async () => {
      const response = credential.identityToken
        ? await this.options.transport({
            method: 'POST',
            url,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: Buffer.from(
              new URLSearchParams({
                grant_type: 'refresh_token',
                refresh_token: credential.identityToken,
                client_id: 'model-promote',
                ...(service ? { service } : {}),
                ...(scopes.length ? { scope: scopes.join(' ') } : {}),
              }).toString(),
            ),
          })
        : await this.options.transport({
            method: 'GET',
            url: tokenUrl(url, service, scopes),
            headers: basicHeader(credential),
          });
      const body = await response.text(1024 * 1024);
      if (response.status === 200) return body;
      if (isRetryableStatus(response.status)) {
        throw new TransientFailure(
          `${response.status} from ${url.host}`,
          response.status,
          parseRetryAfter(response.header('retry-after')),
        );
      }
      throw new OciRegistryError(
        'failed',
        response.status === 403 ? 'registry-denied' : 'registry-unauthorized',
        `${response.status} from token server ${url.host} for ${this.options.registry}: ${describeErrorBody(body)}; ${await this.describe(scopes)}`,
        credentialHint(this.options.registry, scopes),
      );
    });
    let parsed: { token?: string; access_token?: string; expires_in?: number };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new OciRegistryError(
        'failed',
        'registry-response-invalid',
        `token server ${url.host} did not answer JSON`,
      );
    }
    const token = parsed.token ?? parsed.access_token;
    if (!token)
      throw new OciRegistryError(
        'failed',
        'registry-response-invalid',
        `token server ${url.host} answered no token`,
      );
    this.options.mask?.(token);
    const seconds =
      typeof parsed.expires_in === 'number' && parsed.expires_in > 0
        ? parsed.expires_in
        : DEFAULT_TOKEN_SECONDS;
    return { token, expiresAt: started + seconds * 1000 - Math.min(EXPIRY_SLACK_MS, (seconds * 1000) / 2) };
  }
}

function tokenUrl(realm: URL, service: string | undefined, scopes: readonly string[]): URL {
  const url = new URL(realm);
  if (service) url.searchParams.set('service', service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  return url;
}

function basicHeader(credential: Credential): Record<string, string> {
  if (credential.password === undefined) return {};
  return {
    authorization: `Basic ${Buffer.from(`${credential.username ?? ''}:${credential.password}`).toString('base64')}`,
  };
}

export function credentialHint(registry: string, scopes: readonly string[]): string {
  const push = scopes.some((s) => s.endsWith(':pull,push') || s.endsWith(':push'));
  return (
    `give credentials that can ${push ? 'push to' : 'pull from'} ${registry}: the registry-username/registry-password inputs, ` +
    `docker login ${registry}, or GITHUB_TOKEN with packages: write for ghcr.io`
  );
}
