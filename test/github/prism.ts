/**
 * GitHub's published OpenAPI description, served by Prism on loopback with `--errors`: a request
 * that breaks the description (a missing field, a wrong type, an unknown route) is answered 422 or
 * 404 instead of a mock. A recording proxy sits in front of it, for two reasons:
 * - it keeps every request and Prism's verdict, so a test can assert all of them were accepted;
 * - octokit asks for `application/vnd.github.v3+json`, a media type the description does not list
 *   (it lists `application/json`), and Prism matches Accept literally; the proxy asks for JSON.
 * When the description's own example response breaks its schema (Prism then answers 500 naming
 * only `response` locations, e.g. for the commit's pull requests), the request was valid: the proxy
 * asks again for a response generated from the schema.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PRISM = path.join(ROOT, 'node_modules/.bin/prism');
export const GITHUB_DESCRIPTION = path.join(
  ROOT,
  'node_modules/@octokit/openapi/generated/api.github.com.json',
);

export interface PrismExchange {
  readonly method: string;
  readonly path: string;
  readonly requestBody: unknown;
  /** Prism's first answer. */
  readonly status: number;
  /** What Prism found wrong, `location: message`, request and response. */
  readonly violations: readonly string[];
  /** True unless Prism found the request itself at fault. */
  readonly accepted: boolean;
}

export interface PrismGithub {
  /** The proxy's URL: give it to octokit as baseUrl. */
  readonly url: string;
  readonly exchanges: PrismExchange[];
  stop(): Promise<void>;
}

/** Starts Prism and the proxy; waits (bounded) until Prism answers. */
export async function startPrismGithub(options: { readyTimeoutMs?: number } = {}): Promise<PrismGithub> {
  const port = await freePort();
  const prismUrl = `http://127.0.0.1:${port}`;
  const child = spawn(
    PRISM,
    [
      'mock',
      GITHUB_DESCRIPTION,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--errors',
      '--verboseLevel',
      'error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: false },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  try {
    await waitUntilReady(prismUrl, child, options.readyTimeoutMs ?? 120_000, () => stderr);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  const exchanges: PrismExchange[] = [];
  const proxy = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      forward(prismUrl, request, Buffer.concat(chunks), exchanges).then(
        ({ status, headers, body }) => {
          response.writeHead(status, headers);
          response.end(body);
        },
        (error: unknown) => {
          response.writeHead(502, { 'content-type': 'text/plain' });
          response.end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  return {
    url,
    exchanges,
    async stop() {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await stopChild(child);
    },
  };
}

async function forward(
  prismUrl: string,
  request: http.IncomingMessage,
  body: Buffer,
  exchanges: PrismExchange[],
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const method = request.method ?? 'GET';
  const target = new URL(request.url ?? '/', prismUrl);
  const ask = async (prefer?: string) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.headers['content-type']) headers['content-type'] = String(request.headers['content-type']);
    if (request.headers.authorization) headers.authorization = String(request.headers.authorization);
    if (prefer) headers.prefer = prefer;
    const answer = await fetch(target, {
      method,
      headers,
      ...(body.length && { body: new Uint8Array(body) }),
    });
    return {
      status: answer.status,
      text: await answer.text(),
      contentType: answer.headers.get('content-type') ?? '',
    };
  };
  let answer = await ask();
  const violations = violationsOf(answer.text);
  // Prism answers a valid request with the description's success example; any 4xx (its own error,
  // or the description's 422 example when it has one) means the request was at fault. A 500 naming
  // only `response` locations is the description's example breaking its own schema.
  const responseOnly = violations.length > 0 && violations.every((v) => v.startsWith('response'));
  const rejected = answer.status >= 400 && !(answer.status === 500 && responseOnly);
  exchanges.push({
    method,
    path: target.pathname + target.search,
    requestBody: body.length ? JSON.parse(body.toString('utf8')) : undefined,
    status: answer.status,
    violations,
    accepted: !rejected,
  });
  if (!rejected && answer.status === 500) answer = await ask('dynamic=true');
  return {
    status: answer.status,
    headers: { 'content-type': answer.contentType || 'application/json' },
    body: answer.text,
  };
}

function violationsOf(text: string): string[] {
  try {
    const parsed = JSON.parse(text) as { validation?: { location?: string[]; message?: string }[] };
    return (parsed.validation ?? []).map((v) => `${(v.location ?? []).join('.')}: ${v.message ?? ''}`);
  } catch {
    return [];
  }
}

async function waitUntilReady(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`prism exited before it was ready: ${log()}`);
    try {
      // Prism listens only once the description is loaded: any answer means ready.
      const answer = await fetch(`${url}/zen`, { signal: AbortSignal.timeout(2000) });
      await answer.arrayBuffer();
      return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`prism did not answer on ${url} within ${timeoutMs} ms: ${log()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
