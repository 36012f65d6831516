/**
 * A GitHub API that never answers (a port that resets every connection): reporting says GitHub
 * did not answer instead of inventing a status, and once the budget has passed since the first
 * unanswered request, no request connects again.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import { createGithubClient } from '../../src/platform/github-client.js';
import { githubRequestError } from '../../src/platform/github-request-error.js';
import { logger } from './github-fixtures.js';

let server: Server;
let connections = 0;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((socket) => {
    connections++;
    socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const createDeployment = (client: ReturnType<typeof createGithubClient>) =>
  client.rest.repos
    .createDeployment({ owner: 'acme', repo: 'models', ref: 'main', environment: 'production' })
    .then(
      () => undefined,
      (error: unknown) =>
        githubRequestError(error, 'creating a deployment for production', 'deployments: write'),
    );

describe('a GitHub API that never answers', () => {
  test('is reported as not answering, and after the budget no request connects', async () => {
    const client = createGithubClient({
      token: 'ghs_test',
      baseUrl,
      logger: logger(),
      retryAfterUnitMs: 1,
      unreachableBudgetMs: 200,
    });
    const first = await createDeployment(client);
    expect(first).toMatchObject({ code: 'github-unreachable', kind: 'failed' });
    expect(first!.message).toMatch(/^creating a deployment for production: GitHub did not answer \(/);
    expect(first!.message).not.toMatch(/answered 500/);
    expect(first!.hint).toContain("reaches GitHub's API");
    expect(connections).toBeGreaterThanOrEqual(1);

    await new Promise((resolve) => setTimeout(resolve, 250));
    const before = connections;
    const later = await createDeployment(client);
    expect(later).toMatchObject({ code: 'github-unreachable' });
    expect(later!.message).toMatch(/GitHub did not answer \(no answer for 0.2 s; not trying again\)/);
    expect(connections).toBe(before);
  });
});
