/**
 * Starts a real registry on 127.0.0.1 with temporary storage, for integration tests: Debian's
 * docker-registry (distribution 2.8: no Referrers API), open, with htpasswd Basic auth, or with
 * `auth: token` against a token server; or olareg (an OCI 1.1 registry with the Referrers API,
 * built by scripts/test-tools.sh). Every server is stopped (and its storage removed) by `stop()`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toolPath } from '../control-plane/tools.js';

const run = promisify(execFile);

export type RegistryAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'htpasswd'; readonly username: string; readonly password: string }
  | {
      readonly kind: 'token';
      readonly realm: string;
      readonly service: string;
      readonly issuer: string;
      /** PEM certificate whose key signs the tokens. */
      readonly certificatePem: string;
    };

export interface TestRegistry {
  /** `127.0.0.1:PORT` */
  readonly host: string;
  readonly port: number;
  readonly url: string;
  readonly storage: string;
  /** Lines the registry wrote, for debugging failed tests. */
  readonly log: string[];
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startRegistry(auth: RegistryAuth = { kind: 'none' }): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'mp-registry-'));
  const storage = join(dir, 'storage');
  const port = await freePort();
  const config: string[] = [
    'version: 0.1',
    'log:',
    '  level: info',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: test-secret-${port}`,
  ];
  if (auth.kind === 'htpasswd') {
    const file = join(dir, 'htpasswd');
    await run('htpasswd', ['-Bbc', file, auth.username, auth.password]);
    config.push('auth:', '  htpasswd:', '    realm: test-realm', `    path: ${file}`);
  } else if (auth.kind === 'token') {
    const bundle = join(dir, 'token-cert.pem');
    await writeFile(bundle, auth.certificatePem);
    config.push(
      'auth:',
      '  token:',
      `    realm: ${auth.realm}`,
      `    service: ${auth.service}`,
      `    issuer: ${auth.issuer}`,
      `    rootcertbundle: ${bundle}`,
    );
  }
  const configPath = join(dir, 'config.yml');
  await writeFile(configPath, config.join('\n') + '\n');
  return serve('docker-registry', 'docker-registry', ['serve', configPath], { dir, storage, port });
}

/** olareg: an OCI 1.1 registry that implements the Referrers API; open, deletes allowed. */
export async function startReferrersRegistry(): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'mp-olareg-'));
  const storage = join(dir, 'storage');
  const port = await freePort();
  const args = ['serve', '--addr', '127.0.0.1', '--port', String(port), '--dir', storage, '--api-delete'];
  return serve('olareg', toolPath('olareg'), args, { dir, storage, port });
}

/** Runs a registry program until it answers on `/v2/`; stop() ends it and removes `dir`. */
async function serve(
  name: string,
  command: string,
  args: readonly string[],
  where: { dir: string; storage: string; port: number },
): Promise<TestRegistry> {
  const { dir, storage, port } = where;
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  const collect = (chunk: Buffer) => log.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(url, child, log, name);
  } catch (error) {
    await stop();
    throw error;
  }
  return { host: `127.0.0.1:${port}`, port, url, storage, log, stop };
}

async function waitUntilServing(
  url: string,
  child: ChildProcess,
  log: string[],
  name = 'docker-registry',
): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}: ${log.join('\n')}`);
    try {
      const response = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not answer on ${url} within 15s: ${log.join('\n')}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
