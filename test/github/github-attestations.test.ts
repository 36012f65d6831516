/**
 * publishGitHubAttestation through the project's octokit: against Prism serving GitHub's published
 * OpenAPI description (the request must be one the description accepts), and against the GitHub
 * double for what the description cannot show (retries, rate limits, refusals, no answer).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SerializedBundle } from '@sigstore/bundle';
import { createGithubClient } from '../../src/platform/github-client.js';
import { publishGitHubAttestation } from '../../src/platform/github-attestations.js';
import { FAST, logger } from './github-fixtures.js';
import { GithubDouble } from './github-double.js';
import { startPrismGithub, type PrismGithub } from './prism.js';

// A real Sigstore v0.3 DSSE bundle (the example model's signature): the shape GitHub stores.
const BUNDLE = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../examples/registry/sentiment/2/model.sig'), 'utf8'),
) as SerializedBundle;
const REPO = { owner: 'octo-org', repo: 'models' };

describe('against GitHub’s OpenAPI description (Prism)', () => {
  let prism: PrismGithub;
  beforeAll(async () => {
    prism = await startPrismGithub();
  }, 180_000);
  afterAll(async () => {
    await prism?.stop();
  });

  test('POST /repos/{owner}/{repo}/attestations with { bundle } is accepted; the id comes back', async () => {
    const start = prism.exchanges.length;
    const client = createGithubClient({ token: 'ghs_test', baseUrl: prism.url, logger: logger(), ...FAST });
    const { id } = await publishGitHubAttestation(client, REPO, BUNDLE);
    expect(id).toBe(2); // the description's example answer
    const exchanges = prism.exchanges.slice(start);
    expect(exchanges.map((e) => `${e.method} ${e.path}`)).toEqual([
      'POST /repos/octo-org/models/attestations',
    ]);
    expect(exchanges[0]!.requestBody).toEqual({ bundle: BUNDLE });
    expect(exchanges.filter((e) => !e.accepted)).toEqual([]);
  });

  test('the harness does catch a body the description refuses', async () => {
    const start = prism.exchanges.length;
    await fetch(`${prism.url}/repos/octo-org/models/attestations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ bundle: 'not an object' }),
    });
    expect(prism.exchanges.slice(start).map((e) => e.accepted)).toEqual([false]);
  });
});

describe('against the GitHub double', () => {
  let github: GithubDouble;
  beforeAll(async () => {
    github = await new GithubDouble().start();
  });
  afterAll(async () => {
    await github?.stop();
  });

  const client = (options: Partial<Parameters<typeof createGithubClient>[0]> = {}) =>
    createGithubClient({ token: 'ghs_test', baseUrl: github.url, logger: logger(), ...FAST, ...options });

  test('stores the bundle as is and returns its id', async () => {
    const { id } = await publishGitHubAttestation(client(), REPO, BUNDLE);
    expect(github.attestations.at(-1)).toEqual({
      id,
      repository: 'octo-org/models',
      body: { bundle: BUNDLE },
    });
  });

  test('a server error is retried, a rate limit waited out, as for the other GitHub calls', async () => {
    const stored = github.attestations.length;
    github.faults.push({ method: 'POST', path: /\/attestations$/, status: 502, times: 1 });
    github.faults.push({
      method: 'POST',
      path: /\/attestations$/,
      status: 429,
      headers: { 'retry-after': '1', 'x-ratelimit-remaining': '0' },
      times: 1,
    });
    const log = logger();
    await publishGitHubAttestation(client({ logger: log }), REPO, BUNDLE);
    expect(github.attestations.length).toBe(stored + 1);
    expect(log.lines.some((line) => line.includes('rate limit'))).toBe(true);
  });

  test('a 403 names the permission the job lacks', async () => {
    github.faults.push({
      method: 'POST',
      path: /\/attestations$/,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    await expect(publishGitHubAttestation(client(), REPO, BUNDLE)).rejects.toMatchObject({
      code: 'github-forbidden',
      status: 403,
      message: expect.stringContaining(
        "storing the promotion attestation with octo-org/models's artifact attestations",
      ),
      hint: 'grant the job `permissions: attestations: write` (or pass a github-token that has it)',
    });
  });

  test('a 422 (GitHub refused the bundle) is a request error naming GitHub’s reason', async () => {
    github.faults.push({
      method: 'POST',
      path: /\/attestations$/,
      status: 422,
      body: { message: 'Invalid bundle' },
    });
    await expect(publishGitHubAttestation(client(), REPO, BUNDLE)).rejects.toMatchObject({
      code: 'github-request',
      status: 422,
      message: expect.stringContaining('Invalid bundle'),
    });
  });

  test('no answer at all: github-unreachable, within the budget', async () => {
    const closed = createGithubClient({
      token: 'ghs_test',
      baseUrl: 'http://127.0.0.1:9',
      logger: logger(),
      ...FAST,
      serverErrorRetries: 1,
      unreachableBudgetMs: 500,
    });
    await expect(publishGitHubAttestation(closed, REPO, BUNDLE)).rejects.toMatchObject({
      code: 'github-unreachable',
    });
  });
});
