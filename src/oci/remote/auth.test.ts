/** Basic (htpasswd) and Bearer token (auth: token) flows against real docker-registry 2.8 servers. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRegistry, type TestRegistry } from '../../../test/registry/registry-server.js';
import { startTokenServer, type TokenServer } from '../../../test/registry/token-server.js';
import { type TinyImage, writeTinyImage } from '../../../test/registry/tiny-image.js';
import { MemoryLogger } from '../../logger.js';
import { RegistryClient } from './client.js';
import { credentialProvider } from './credentials.js';
import { pushFromLayout } from './push-layout.js';
import { RegistrySink } from './registry-sink.js';

const run = promisify(execFile);
const FAST = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, jitter: true };
const USER = 'promoter';
const PASSWORD = 'correct horse battery staple';

let work: string;
let image: TinyImage;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mp-auth-'));
  image = await writeTinyImage(join(work, 'layout'), 'v1', 300 * 1024);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function clientWith(
  registry: TestRegistry,
  username?: string,
  password?: string,
  masked: string[] = [],
): RegistryClient {
  return new RegistryClient({
    registry: registry.host,
    retry: FAST,
    logger: new MemoryLogger(),
    credentials: credentialProvider({
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      env: { HOME: work, DOCKER_CONFIG: join(work, 'no-docker-config') },
      mask: (s) => masked.push(s),
    }),
    mask: (s) => masked.push(s),
  });
}

describe('htpasswd (Basic) registry', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ kind: 'htpasswd', username: USER, password: PASSWORD });
  });
  afterAll(async () => {
    await registry.stop();
  });

  it('pushes with the registry-username/registry-password inputs', async () => {
    const masked: string[] = [];
    const sink = new RegistrySink(clientWith(registry, USER, PASSWORD, masked), 'basic/model');
    const pushed = await pushFromLayout(image.layout, image.manifest, sink, ['v1']);
    expect(pushed.digest).toBe(image.manifest.digest);
    expect(masked).toContain(PASSWORD);
    const { stdout } = await run('skopeo', [
      'inspect',
      '--tls-verify=false',
      '--creds',
      `${USER}:${PASSWORD}`,
      `docker://${registry.host}/basic/model:v1`,
    ]);
    expect((JSON.parse(stdout) as { Digest: string }).Digest).toBe(image.manifest.digest);
  });

  it('names the credential source and scope in a 401', async () => {
    const sink = new RegistrySink(clientWith(registry), 'basic/model');
    const error = await pushFromLayout(image.layout, image.manifest, sink, ['v1']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'registry-unauthorized' });
    expect((error as Error).message).toMatch(
      /401 from 127\.0\.0\.1:\d+: tried anonymous \(no credentials found\), scope repository:basic\/model:pull,push/,
    );
  });

  it('names the inputs when the password is wrong, and never prints it', async () => {
    const error = await clientWith(registry, USER, 'wrong-password')
      .headManifest('basic/model', 'v1')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'registry-unauthorized' });
    expect((error as Error).message).toContain(
      'tried registry-username/registry-password inputs, scope repository:basic/model:pull',
    );
    expect((error as Error).message).not.toContain('wrong-password');
  });
});

describe('htpasswd registry with a docker config', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ kind: 'htpasswd', username: USER, password: PASSWORD });
  });
  afterAll(async () => {
    await registry.stop();
  });

  async function configClient(config: unknown, extraPath?: string): Promise<RegistryClient> {
    const dir = await mkdtemp(join(work, 'docker-'));
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    const env = { DOCKER_CONFIG: dir, PATH: `${extraPath ? `${extraPath}:` : ''}/usr/bin:/bin` };
    return new RegistryClient({
      registry: registry.host,
      retry: FAST,
      credentials: credentialProvider({ env }),
    });
  }

  it('pushes with auths[HOST] and names it in a 401 when the password there is wrong', async () => {
    const good = await configClient({
      auths: { [registry.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } },
    });
    const pushed = await pushFromLayout(
      image.layout,
      image.manifest,
      new RegistrySink(good, 'config/model'),
      ['v1'],
    );
    expect(pushed.digest).toBe(image.manifest.digest);

    const bad = await configClient({
      auths: { [`https://${registry.host}`]: { username: USER, password: 'stale' } },
    });
    const error = await pushFromLayout(image.layout, image.manifest, new RegistrySink(bad, 'config/model'), [
      'v2',
    ]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'registry-unauthorized' });
    expect((error as Error).message).toMatch(
      new RegExp(
        `401 from ${registry.host}: tried docker config auths\\[https://${registry.host}\\] in .*, scope repository:config/model:pull,push`,
      ),
    );
  });

  it('pushes with a credential helper found on PATH', async () => {
    const bin = await mkdtemp(join(work, 'bin-'));
    const helper = join(bin, 'docker-credential-test');
    await writeFile(
      helper,
      `#!/bin/sh\nread server\n[ "$server" = "${registry.host}" ] || { echo "credentials not found in native keychain"; exit 1; }\n` +
        `printf '{"ServerURL":"%s","Username":"${USER}","Secret":"${PASSWORD}"}' "$server"\n`,
    );
    await chmod(helper, 0o755);
    const client = await configClient({ credHelpers: { [registry.host]: 'test' } }, bin);
    const pushed = await pushFromLayout(
      image.layout,
      image.manifest,
      new RegistrySink(client, 'helper/model'),
      ['v1'],
    );
    expect(pushed.digest).toBe(image.manifest.digest);
  });
});

describe('token (Bearer) registry', () => {
  let tokens: TokenServer;
  let registry: TestRegistry;
  beforeAll(async () => {
    tokens = await startTokenServer({ username: USER, password: PASSWORD });
    registry = await startRegistry({
      kind: 'token',
      realm: tokens.realm,
      service: tokens.service,
      issuer: tokens.issuer,
      certificatePem: tokens.certificatePem,
    });
  });
  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
  });

  it('asks a push-scoped token once and reuses it until it expires', async () => {
    const masked: string[] = [];
    const sink = new RegistrySink(clientWith(registry, USER, PASSWORD, masked), 'token/model', {
      monolithicMaxBytes: 0,
      chunkSize: 64 * 1024,
    });
    const pushed = await pushFromLayout(image.layout, image.manifest, sink, ['v1', 'latest']);
    expect(pushed.digest).toBe(image.manifest.digest);
    const asked = tokens.requests.filter((r) => r.authenticated).map((r) => r.scopes.join(' '));
    expect(asked).toEqual(['repository:token/model:pull,push']);
    expect(masked.some((s) => s.split('.').length === 3)).toBe(true);
    const { stdout } = await run('skopeo', [
      'inspect',
      '--tls-verify=false',
      '--creds',
      `${USER}:${PASSWORD}`,
      `docker://${registry.host}/token/model:latest`,
    ]);
    expect((JSON.parse(stdout) as { Digest: string }).Digest).toBe(image.manifest.digest);
  });

  it('retries a token service that is down as often as the policy says, once, and names the count', async () => {
    tokens.unavailable = true;
    const before = tokens.requests.length;
    try {
      const error = await clientWith(registry, USER, PASSWORD)
        .headManifest('token/model', 'v1')
        .catch((e: unknown) => e);
      // The token fetch runs inside a retried request: its own retries running out must end the
      // request too, not start FAST.attempts more rounds of them.
      expect(tokens.requests.length - before).toBe(FAST.attempts);
      expect(error).toMatchObject({ code: 'registry-error' });
      expect((error as Error).message).toMatch(/: 503 from 127\.0\.0\.1:\d+, still failing after 3 tries$/);
    } finally {
      tokens.unavailable = false;
    }
  });

  it('names the credential source when the token server refuses', async () => {
    const error = await clientWith(registry, USER, 'nope')
      .headManifest('token/model', 'v1')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'registry-unauthorized' });
    expect((error as Error).message).toContain(
      'tried registry-username/registry-password inputs, scope repository:token/model:pull',
    );
  });
});
