import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeServer, resolveCredential } from './credentials.js';

let dir: string;
let bin: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mp-creds-'));
  bin = join(dir, 'bin');
  await mkdir(bin);
  // A fake credential helper: records the server URL it was asked for, answers for one of them.
  await writeFile(
    join(bin, 'docker-credential-test'),
    [
      '#!/bin/sh',
      'read server',
      `printf '%s\\n' "$1 $server" >> "${join(dir, 'helper.log')}"`,
      'if [ "$server" = "helped.example" ]; then',
      '  printf \'{"ServerURL":"helped.example","Username":"helper-user","Secret":"helper-secret"}\'',
      'elif [ "$server" = "token.example" ]; then',
      '  printf \'{"ServerURL":"token.example","Username":"<token>","Secret":"refresh-me"}\'',
      'else',
      '  echo "credentials not found in native keychain"; exit 1',
      'fi',
    ].join('\n') + '\n',
  );
  await chmod(join(bin, 'docker-credential-test'), 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withConfig(config: unknown): Promise<NodeJS.ProcessEnv> {
  const configDir = await mkdtemp(join(dir, 'docker-'));
  await writeFile(join(configDir, 'config.json'), JSON.stringify(config));
  return { DOCKER_CONFIG: configDir, PATH: `${bin}:/usr/bin:/bin` };
}

describe('normalizeServer', () => {
  it.each([
    { server: 'https://index.docker.io/v1/', host: 'docker.io' },
    { server: 'http://127.0.0.1:5000/v2/', host: '127.0.0.1:5000' },
    { server: 'GHCR.io', host: 'ghcr.io' },
  ])('$server -> $host', ({ server, host }) => {
    expect(normalizeServer(server)).toBe(host);
  });
});

describe('resolveCredential', () => {
  it('prefers the explicit inputs and masks the password', async () => {
    const masked: string[] = [];
    const env = await withConfig({ auths: { 'ghcr.io': { auth: Buffer.from('a:b').toString('base64') } } });
    const credential = await resolveCredential('ghcr.io', {
      username: 'u',
      password: 'p',
      env,
      mask: (s) => masked.push(s),
    });
    expect(credential).toEqual({
      username: 'u',
      password: 'p',
      source: 'registry-username/registry-password inputs',
    });
    expect(masked).toContain('p');
  });

  it('refuses a password without a user name', async () => {
    await expect(resolveCredential('ghcr.io', { password: 'p', env: {} })).rejects.toMatchObject({
      code: 'credentials-invalid',
    });
  });

  it.each([
    {
      name: 'base64 auth',
      auths: { 'https://registry.example:5000/v2/': { auth: Buffer.from('me:s3:cret').toString('base64') } },
      expected: { username: 'me', password: 's3:cret' },
    },
    {
      name: 'username/password',
      auths: { 'registry.example:5000': { username: 'me', password: 'pw' } },
      expected: { username: 'me', password: 'pw' },
    },
    {
      name: 'identitytoken',
      auths: { 'registry.example:5000': { identitytoken: 'refresh' } },
      expected: { identityToken: 'refresh' },
    },
  ])('reads docker config auths with $name', async ({ auths, expected }) => {
    const masked: string[] = [];
    const credential = await resolveCredential('registry.example:5000', {
      env: await withConfig({ auths }),
      mask: (s) => masked.push(s),
    });
    expect(credential).toMatchObject(expected);
    expect(credential.source).toMatch(/^docker config auths\[.*registry\.example:5000.*\] in /);
    for (const secret of [credential.password, credential.identityToken])
      if (secret) expect(masked).toContain(secret);
  });

  it('runs the credHelpers helper for its registry, the server URL on stdin', async () => {
    const masked: string[] = [];
    const env = await withConfig({
      credHelpers: { 'helped.example': 'test' },
      auths: { 'helped.example': { auth: 'ignored' } },
    });
    const credential = await resolveCredential('helped.example', { env, mask: (s) => masked.push(s) });
    expect(credential).toEqual({
      username: 'helper-user',
      password: 'helper-secret',
      source: 'docker config credHelpers[helped.example] (docker-credential-test)',
    });
    expect(masked).toContain('helper-secret');
  });

  it('reads a helper <token> answer as an identity token', async () => {
    const env = await withConfig({ credsStore: 'test' });
    expect(await resolveCredential('token.example', { env })).toMatchObject({
      identityToken: 'refresh-me',
      source: 'docker config credsStore (docker-credential-test)',
    });
  });

  it('falls through when the store has nothing for the registry', async () => {
    const env = {
      ...(await withConfig({ credsStore: 'test' })),
      GITHUB_TOKEN: 'ghs_x',
      GITHUB_ACTOR: 'octo',
    };
    expect(await resolveCredential('ghcr.io', { env })).toEqual({
      username: 'octo',
      password: 'ghs_x',
      source: 'GITHUB_TOKEN',
    });
  });

  it('says when a helper is missing', async () => {
    const env = await withConfig({ credHelpers: { 'x.example': 'absent' } });
    await expect(resolveCredential('x.example', { env })).rejects.toMatchObject({
      code: 'credential-helper-failed',
    });
  });

  it('uses CI_REGISTRY_USER/CI_REGISTRY_PASSWORD for CI_REGISTRY only', async () => {
    const env = {
      CI_REGISTRY: 'registry.gitlab.example',
      CI_REGISTRY_USER: 'gitlab-ci-token',
      CI_REGISTRY_PASSWORD: 'job-token',
      DOCKER_CONFIG: join(dir, 'none'),
    };
    expect(await resolveCredential('registry.gitlab.example', { env })).toMatchObject({
      source: 'CI_REGISTRY_USER/CI_REGISTRY_PASSWORD',
      password: 'job-token',
    });
    expect(await resolveCredential('ghcr.io', { env })).toMatchObject({
      source: 'anonymous (no credentials found)',
    });
  });
});
