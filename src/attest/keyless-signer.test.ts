/**
 * What createKeylessSigner refuses before anything leaves the machine. Signing itself is tested
 * against real Fulcio and a real timestamp authority in test/sigstore-services/.
 */
import { describe, expect, it } from '@jest/globals';
import { createKeylessSigner } from './keyless-signer.js';

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${Buffer.from('signature').toString('base64url')}`;
}

const TOKEN = jwt({
  sub: 'repo:octo-org/models:ref:refs/heads/main',
  exp: Math.floor(Date.now() / 1000) + 300,
});
const SERVICES = { fulcioURL: 'https://fulcio.example', tsaURL: 'https://tsa.example' };

describe('createKeylessSigner: what it refuses up front', () => {
  it('accepts HTTPS services, and plain HTTP on loopback only', () => {
    expect(() => createKeylessSigner({ identityToken: TOKEN, ...SERVICES })).not.toThrow();
    expect(() =>
      createKeylessSigner({
        identityToken: TOKEN,
        fulcioURL: 'http://127.0.0.1:5555',
        tsaURL: 'http://localhost:1/',
      }),
    ).not.toThrow();
  });

  it.each<{ name: string; options: Record<string, string>; code: string; message: RegExp }>([
    {
      name: 'plain HTTP to another host (the token would travel in the clear)',
      options: { fulcioURL: 'http://fulcio.example' },
      code: 'keyless-config',
      message: /fulcio-url: http:\/\/fulcio\.example is not HTTPS/,
    },
    {
      name: 'a URL that is not one',
      options: { tsaURL: 'timestamp.sigstore.dev' },
      code: 'keyless-config',
      message: /tsa-url: "timestamp\.sigstore\.dev" is not a URL/,
    },
    {
      name: 'credentials in a service URL',
      options: { rekorURL: 'https://user:secret@rekor.example' },
      code: 'keyless-config',
      message: /rekor-url: https:\/\/rekor\.example\/ carries credentials/,
    },
    {
      name: 'no timestamp authority and no Rekor',
      options: { tsaURL: '' },
      code: 'keyless-config',
      message: /neither a timestamp authority nor a Rekor log/,
    },
    {
      name: 'a token that is not a JWT',
      options: { identityToken: 'ghs_not-a-jwt' },
      code: 'oidc-token-invalid',
      message: /not a JWT with a subject/,
    },
    {
      name: 'a JWT without a subject',
      options: { identityToken: jwt({ aud: 'sigstore' }) },
      code: 'oidc-token-invalid',
      message: /not a JWT with a subject/,
    },
    {
      name: 'an expired token',
      options: { identityToken: jwt({ sub: 'x', exp: 1_700_000_000 }) },
      code: 'oidc-token-expired',
      message: /expired at 2023-11-14T22:13:20\.000Z/,
    },
  ])('refuses $name', ({ options, code, message }) => {
    const attempt = () => createKeylessSigner({ identityToken: TOKEN, ...SERVICES, ...options });
    expect(attempt).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });

  it('never quotes the token or a password in what it throws', () => {
    const secret = 'ghs_not-a-jwt-but-secret';
    for (const options of [
      { identityToken: secret },
      { fulcioURL: 'https://user:pa55word@fulcio.example' },
    ]) {
      let thrown: unknown;
      try {
        createKeylessSigner({ identityToken: TOKEN, ...SERVICES, ...options });
      } catch (error) {
        thrown = error;
      }
      const text = `${(thrown as Error).message} ${(thrown as { hint?: string }).hint}`;
      expect(text).not.toContain(secret);
      expect(text).not.toContain('pa55word');
    }
  });
});
