/**
 * A small token server for docker-registry's `auth: token` (the distribution token spec): it answers
 * GET /token?service=S&scope=repository:R:pull,push with a JWT signed by a throwaway RSA key whose
 * self-signed certificate the registry trusts. It records every scope asked, for assertions.
 */
import { execFile } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './registry-server.js';

const run = promisify(execFile);

export interface TokenServer {
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  readonly certificatePem: string;
  /** Each request: the scopes asked and whether it carried valid credentials. */
  readonly requests: { scopes: string[]; authenticated: boolean }[];
  /** While true, every request is answered 503 with `Retry-After: 0` (a token service that is down). */
  unavailable: boolean;
  stop(): Promise<void>;
}

export interface TokenServerOptions {
  readonly username: string;
  readonly password: string;
  /** Seconds a token lives. Default 300. */
  readonly expiresIn?: number;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const dir = await mkdtemp(join(tmpdir(), 'mp-token-'));
  try {
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=model-promote-test-token-issuer',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    const key = createPrivateKey(await readFile(join(dir, 'key.pem')));
    const certificatePem = await readFile(join(dir, 'cert.pem'), 'utf8');
    const certDer = new X509Certificate(certificatePem).raw.toString('base64');
    const port = await freePort();
    const service = 'model-promote-test-registry';
    const issuer = 'model-promote-test-issuer';
    const requests: TokenServer['requests'] = [];
    const expected = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
    const server: Server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      const scopes = url.searchParams.getAll('scope');
      const authenticated = req.headers.authorization === expected;
      requests.push({ scopes, authenticated });
      if (tokenServer.unavailable) {
        res.writeHead(503, { 'retry-after': '0' }).end('down');
        return;
      }
      if (url.pathname !== '/token' || !authenticated) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
        return;
      }
      const now = Math.floor(Date.now() / 1000);
      const expiresIn = options.expiresIn ?? 300;
      const access = scopes.flatMap((scope) => {
        const [type, ...rest] = scope.split(':');
        const actions = rest.pop() ?? '';
        return type ? [{ type, name: rest.join(':'), actions: actions.split(',').filter(Boolean) }] : [];
      });
      const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c: [certDer] }));
      const claims = b64url(
        JSON.stringify({
          iss: issuer,
          sub: options.username,
          aud: service,
          exp: now + expiresIn,
          nbf: now - 10,
          iat: now,
          jti: randomUUID(),
          access,
        }),
      );
      const signature = b64url(sign('sha256', Buffer.from(`${header}.${claims}`), key));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          token: `${header}.${claims}.${signature}`,
          expires_in: expiresIn,
          issued_at: new Date().toISOString(),
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const tokenServer: TokenServer = {
      unavailable: false,
      realm: `http://127.0.0.1:${port}/token`,
      service,
      issuer,
      certificatePem,
      requests,
      async stop() {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await rm(dir, { recursive: true, force: true });
      },
    };
    return tokenServer;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
