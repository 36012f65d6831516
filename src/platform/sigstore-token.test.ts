/**
 * Token discovery. On GitHub the real @actions/core getIDToken asks a double of the runner's token
 * service (ACTIONS_ID_TOKEN_REQUEST_URL), which cannot run outside a GitHub runner: the double
 * answers as the runner does, `{ "value": JWT }` for a bearer request token, 403 otherwise.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as core from '@actions/core';
import { closeServer, listenLoopback } from '../../test/doubles/loopback-server.js';
import { findSigstoreToken, sigstoreTokenSource, type SigstoreTokenOptions } from './sigstore-token.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm8vcjpyZWY6bWFpbiJ9.c2ln';
const REQUEST_TOKEN = 'runner-request-token';

let runner: Server;
let runnerURL: string;
const asked: { audience: string | null; authorization: string | undefined }[] = [];

beforeAll(async () => {
  runner = await listenLoopback(
    async (request, response) => {
      const url = new URL(request.url ?? '/', 'http://runner');
      asked.push({
        audience: url.searchParams.get('audience'),
        authorization: request.headers.authorization,
      });
      if (request.headers.authorization !== `Bearer ${REQUEST_TOKEN}`) {
        response.writeHead(403, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: 'Resource not accessible by integration' }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ value: JWT }));
    },
    (response) => {
      response.writeHead(500);
      response.end();
    },
  );
  runnerURL = `http://127.0.0.1:${(runner.address() as AddressInfo).port}/token?api-version=2.0`;
});

afterAll(async () => {
  await closeServer(runner);
});

const saved = {
  url: process.env.ACTIONS_ID_TOKEN_REQUEST_URL,
  token: process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
};
afterEach(() => {
  asked.length = 0;
  for (const [name, value] of [
    ['ACTIONS_ID_TOKEN_REQUEST_URL', saved.url],
    ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', saved.token],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** @actions/core reads process.env itself; the discovery reads the env it is given. Both get it. */
function githubEnv(requestToken: string): NodeJS.ProcessEnv {
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = runnerURL;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = requestToken;
  return { ACTIONS_ID_TOKEN_REQUEST_URL: runnerURL, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken };
}

function options(overrides: Partial<SigstoreTokenOptions>) {
  const masked: string[] = [];
  const given: SigstoreTokenOptions = {
    platform: 'github',
    env: {},
    mask: (secret) => masked.push(secret),
    requestGithubToken: (audience) => core.getIDToken(audience),
    ...overrides,
  };
  return { given, masked };
}

describe('findSigstoreToken', () => {
  it('GitHub: asks the runner for audience sigstore with the request token, and masks the answer', async () => {
    const { given, masked } = options({ env: githubEnv(REQUEST_TOKEN) });
    await expect(findSigstoreToken(given)).resolves.toEqual({
      found: true,
      token: JWT,
      source: 'GitHub Actions OIDC',
    });
    expect(asked).toEqual([{ audience: 'sigstore', authorization: `Bearer ${REQUEST_TOKEN}` }]);
    expect(masked).toEqual([JWT]);
  });

  it('GitHub: a runner that refuses is an error naming the permission, not "no token"', async () => {
    const { given, masked } = options({ env: githubEnv('wrong') });
    await expect(findSigstoreToken(given)).rejects.toMatchObject({
      code: 'oidc-token-invalid',
      message: expect.stringMatching(/GitHub did not issue an OIDC token for audience sigstore: .*403/),
      hint: expect.stringContaining('id-token: write'),
    });
    expect(masked).toEqual([]);
  });

  it.each<{ name: string; given: Partial<SigstoreTokenOptions>; expected: object }>([
    {
      name: 'GitHub without id-token: write (no request URL): not found, the fix names the permission',
      given: { platform: 'github', env: {} },
      expected: { found: false, fix: expect.stringContaining('permissions: id-token: write') },
    },
    {
      name: 'GitLab with an id_tokens entry in SIGSTORE_ID_TOKEN',
      given: { platform: 'gitlab', env: { SIGSTORE_ID_TOKEN: ` ${JWT}\n` } },
      expected: { found: true, token: JWT, source: '$SIGSTORE_ID_TOKEN' },
    },
    {
      name: 'GitLab with the entry under another name',
      given: { platform: 'gitlab', env: { MY_OIDC: JWT }, variable: 'MY_OIDC' },
      expected: { found: true, token: JWT, source: '$MY_OIDC' },
    },
    {
      name: 'GitLab without one: the fix is the id_tokens entry',
      given: { platform: 'gitlab', env: {} },
      expected: {
        found: false,
        fix: 'add to the job: `id_tokens: { SIGSTORE_ID_TOKEN: { aud: sigstore } }`',
      },
    },
    {
      name: 'a variable the user set wins on GitHub too (no runner request)',
      given: {
        platform: 'github',
        env: { SIGSTORE_ID_TOKEN: JWT, ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x' },
      },
      expected: { found: true, token: JWT, source: '$SIGSTORE_ID_TOKEN' },
    },
    {
      name: 'the CLI reads SIGSTORE_ID_TOKEN as cosign does',
      given: { platform: 'cli', env: {} },
      expected: { found: false, fix: expect.stringContaining('set SIGSTORE_ID_TOKEN') },
    },
  ])('$name', async ({ given, expected }) => {
    const { given: all, masked } = options(given);
    const result = await findSigstoreToken(all);
    expect(result).toEqual(expected);
    expect(masked).toEqual(result.found ? [result.token] : []);
    expect(asked).toEqual([]);
  });
});

describe('sigstoreTokenSource (Platform.identityToken)', () => {
  it('GitHub with id-token: write: available at once, the token asked for only on fetch, masked', async () => {
    const { given, masked } = options({ env: githubEnv(REQUEST_TOKEN) });
    const source = sigstoreTokenSource(given);
    expect(source.available).toBe(true);
    expect(asked).toEqual([]);
    await expect(source.fetch()).resolves.toBe(JWT);
    expect(asked).toEqual([{ audience: 'sigstore', authorization: `Bearer ${REQUEST_TOKEN}` }]);
    expect(masked).toEqual([JWT]);
  });

  it('GitHub: a runner that refuses at signing time fails the fetch naming the permission', async () => {
    const source = sigstoreTokenSource(options({ env: githubEnv('wrong') }).given);
    expect(source.available).toBe(true);
    await expect(source.fetch()).rejects.toMatchObject({
      code: 'oidc-token-invalid',
      hint: expect.stringContaining('id-token: write'),
    });
  });

  it.each<{ name: string; given: Partial<SigstoreTokenOptions>; available: boolean; howToEnable: RegExp }>([
    {
      name: 'GitHub without the permission',
      given: { platform: 'github', env: { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x' } },
      available: false,
      howToEnable: /permissions: id-token: write/,
    },
    {
      name: 'GitLab with the id_tokens entry',
      given: { platform: 'gitlab', env: { SIGSTORE_ID_TOKEN: JWT } },
      available: true,
      howToEnable: /id_tokens/,
    },
    {
      name: 'GitLab with a blank variable',
      given: { platform: 'gitlab', env: { SIGSTORE_ID_TOKEN: '  ' } },
      available: false,
      howToEnable: /id_tokens: \{ SIGSTORE_ID_TOKEN: \{ aud: sigstore \} \}/,
    },
    {
      name: 'a terminal',
      given: { platform: 'cli', env: {} },
      available: false,
      howToEnable: /set SIGSTORE_ID_TOKEN/,
    },
  ])('$name', ({ given, available, howToEnable }) => {
    const source = sigstoreTokenSource(options(given).given);
    expect(source.available).toBe(available);
    expect(source.howToEnable).toMatch(howToEnable);
  });

  it('a variable gone by signing time is an error saying how to give one, not an empty token', async () => {
    const env: NodeJS.ProcessEnv = { SIGSTORE_ID_TOKEN: JWT };
    const source = sigstoreTokenSource(options({ platform: 'gitlab', env }).given);
    delete env.SIGSTORE_ID_TOKEN;
    await expect(source.fetch()).rejects.toMatchObject({
      code: 'oidc-token-invalid',
      hint: expect.stringContaining('id_tokens'),
    });
  });
});
