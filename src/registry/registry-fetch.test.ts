import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryLogger } from '../logger.js';
import { RetriesExhausted } from '../retry.js';
import { describeFetchFailure, fetchWithRetries, redactUrl } from './registry-fetch.js';

// A real HTTP server on loopback that answers each request with the next status of its script.
let server: Server;
let base: string;
const scripts = new Map<string, number[]>();
const served = new Map<string, number>();

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    served.set(path, (served.get(path) ?? 0) + 1);
    const status = scripts.get(path)?.shift() ?? 200;
    response.writeHead(status, status === 429 ? { 'retry-after': '0' } : {}).end(`status ${status}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('fetchWithRetries', () => {
  it.each([
    { name: 'a 200 at once', script: [200], status: 200, requests: 1, warnings: 0 },
    { name: '503 then 200', script: [503, 200], status: 200, requests: 2, warnings: 1 },
    { name: '429 (Retry-After 0) then 200', script: [429, 200], status: 200, requests: 2, warnings: 1 },
    { name: 'a 404 is not asked again', script: [404], status: 404, requests: 1, warnings: 0 },
    { name: 'the last 503 is handed back', script: [503, 503, 503], status: 503, requests: 3, warnings: 2 },
  ])('$name', async ({ name, script, status, requests, warnings }) => {
    const path = `/${encodeURIComponent(name)}`;
    scripts.set(path, [...script]);
    const logger = new MemoryLogger();
    const response = await fetchWithRetries(
      `${base}${path}`,
      {},
      { retries: 2, retryDelayMs: 1, logger },
      'reading it',
    );
    expect(response.status).toBe(status);
    expect(await response.text()).toBe(`status ${status}`);
    expect(served.get(path)).toBe(requests);
    expect(logger.lines.filter((line) => line.startsWith('warning: reading it: HTTP'))).toHaveLength(
      warnings,
    );
  });

  it('a server that never answers: the cause and the count', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await fetchWithRetries(
      `http://127.0.0.1:${port}/`,
      {},
      { retries: 1, retryDelayMs: 1 },
      'x',
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhausted);
    expect(describeFetchFailure(error)).toMatch(/^fetch failed \(connect ECONNREFUSED .*\), after 2 tries$/);
  });
});

it('redactUrl leaves out credentials and the query', () => {
  expect(redactUrl('https://u:p@hub.example/a/b?token=s')).toBe('https://hub.example/a/b');
  expect(redactUrl('not a url')).toBe('not a url');
});
