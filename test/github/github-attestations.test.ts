/**
 * publishGitHubAttestation and storeGitHubAttestation (github-attestations: auto, required; `off`
 * asks nothing, in src/platform/github-platform.test.ts)
 * through the project's octokit: against Prism serving GitHub's published OpenAPI description (the
 * request must be one the description accepts), and against the GitHub double for what the
 * description cannot show (retries, rate limits, refusals, GitHub's "Feature not available"
 * answers, no answer).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SerializedBundle } from '@sigstore/bundle';
import { createGithubClient } from '../../src/platform/github-client.js';
import {
  attestationsUnavailable,
  publishGitHubAttestation,
  storeGitHubAttestation,
} from '../../src/platform/github-attestations.js';
import { FAST, logger } from './github-fixtures.js';
import { GithubDouble } from './github-double.js';
import { startPrismGithub, type PrismGithub } from './prism.js';

// A real Sigstore v0.3 DSSE bundle (the example model's signature): the shape GitHub stores.
const BUNDLE = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../examples/registry/sentiment/2/model.sig'), 'utf8'),
) as SerializedBundle;
const REPO = { owner: 'octo-org', repo: 'models' };
// GitHub's answers where it does not offer artifact attestations (as users have reported them).
const USER_PRIVATE =
  'Feature not available for user-owned private repositories. To enable this feature, please make this repository public.';
const ORG_PLAN =
  'Feature not available for the octo-org organization. To enable this feature, please upgrade the billing plan, or make this repository public.';

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

  test('github-attestations auto stores it as the description has it: the id comes back, no warning', async () => {
    const start = prism.exchanges.length;
    const log = logger();
    const client = createGithubClient({ token: 'ghs_test', baseUrl: prism.url, logger: log, ...FAST });
    expect(await storeGitHubAttestation(client, REPO, BUNDLE, 'auto', log)).toEqual({
      store: 'github',
      id: 2,
      repository: 'octo-org/models',
    });
    expect(prism.exchanges.slice(start).map((e) => [e.path, e.accepted])).toEqual([
      ['/repos/octo-org/models/attestations', true],
    ]);
    expect(log.lines.filter((line) => line.startsWith('warning:'))).toEqual([]);
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

describe('github-attestations: auto, required, off (the GitHub double)', () => {
  let github: GithubDouble;
  beforeAll(async () => {
    github = await new GithubDouble().start();
  });
  afterAll(async () => {
    await github?.stop();
  });

  const client = (log = logger()) =>
    createGithubClient({
      token: 'ghs_test',
      baseUrl: github.url,
      logger: log,
      ...FAST,
      serverErrorRetries: 1,
    });
  const fault = (status: number, body?: unknown, times = 1) =>
    github.faults.push({
      method: 'POST',
      path: /\/attestations$/,
      status,
      ...(body !== undefined && { body }),
      times,
    });
  const warnings = (log: ReturnType<typeof logger>) =>
    log.lines.filter((line) => line.startsWith('warning:'));

  test.each([
    { status: 403, message: USER_PRIVATE },
    { status: 403, message: ORG_PLAN },
    { status: 422, message: USER_PRIVATE },
    { status: 404, message: USER_PRIVATE },
  ])(
    'auto + $status "Feature not available": skipped, one warning quoting GitHub and naming the fix',
    async ({ status, message }) => {
      fault(status, {
        message,
        documentation_url: 'https://docs.github.com/rest/repos/attestations#create-an-attestation',
      });
      const stored = github.attestations.length;
      const log = logger();
      const result = await storeGitHubAttestation(client(log), REPO, BUNDLE, 'auto', log);
      expect(result).toEqual({
        store: 'github',
        repository: 'octo-org/models',
        skipped: 'unavailable',
        reason: `GitHub answered ${status}: ${message}`,
      });
      expect(github.attestations.length).toBe(stored);
      const [warning, ...more] = warnings(log);
      expect(more).toEqual([]);
      expect(warning).toContain(
        `not stored in octo-org/models's artifact attestations: GitHub answered ${status}: ${message}`,
      );
      expect(warning).toContain('still attached to the image as an OCI referrer');
      expect(warning).toContain('github-attestations: off');
      expect(warning).toContain('required');
    },
  );

  test('auto + a bare 404 (GitHub Enterprise Server without the endpoint): skipped, one warning', async () => {
    fault(404, { message: 'Not Found' });
    const log = logger();
    expect(await storeGitHubAttestation(client(log), REPO, BUNDLE, 'auto', log)).toMatchObject({
      skipped: 'unavailable',
      reason:
        'GitHub answered 404 (Not Found): this GitHub has no artifact attestations API (e.g. GitHub Enterprise Server)',
    });
    expect(warnings(log)).toHaveLength(1);
  });

  test('GitHub’s message is kept to one line: no newline or escape sequence reaches the log', async () => {
    fault(403, { message: 'Feature not available\n::error::forged\u001b[31m red' });
    const log = logger();
    const result = await storeGitHubAttestation(client(log), REPO, BUNDLE, 'auto', log);
    expect(result).toMatchObject({
      reason: 'GitHub answered 403: Feature not available ::error::forged [31m red',
    });
    expect(warnings(log)[0]).not.toContain('\n');
    expect(warnings(log)[0]).not.toContain('\u001b');
  });

  test('auto + 403 for a missing permission still fails, naming attestations: write', async () => {
    fault(403, { message: 'Resource not accessible by integration' });
    const log = logger();
    await expect(storeGitHubAttestation(client(log), REPO, BUNDLE, 'auto', log)).rejects.toMatchObject({
      code: 'github-forbidden',
      status: 403,
      hint: 'grant the job `permissions: attestations: write` (or pass a github-token that has it)',
    });
    expect(warnings(log)).toEqual([]);
  });

  test('auto + a 422 that is not "Feature not available" (a refused bundle) still fails', async () => {
    fault(422, { message: 'Invalid bundle' });
    const log = logger();
    await expect(storeGitHubAttestation(client(log), REPO, BUNDLE, 'auto', log)).rejects.toMatchObject({
      code: 'github-request',
      status: 422,
    });
  });

  test('auto + server errors past the retries still fail', async () => {
    fault(502, { message: 'Bad Gateway' }, 2);
    const log = logger();
    await expect(storeGitHubAttestation(client(log), REPO, BUNDLE, 'auto', log)).rejects.toMatchObject({
      code: 'github-request',
      status: 502,
    });
  });

  test('required + "Feature not available" fails, naming GitHub’s reason', async () => {
    fault(403, { message: USER_PRIVATE });
    const log = logger();
    await expect(storeGitHubAttestation(client(log), REPO, BUNDLE, 'required', log)).rejects.toMatchObject({
      code: 'github-forbidden',
      message: expect.stringContaining('Feature not available for user-owned private repositories'),
      hint: expect.stringContaining('set github-attestations: auto'),
    });
    expect(warnings(log)).toEqual([]);
  });

  test('required + a bare 404 fails', async () => {
    fault(404, { message: 'Not Found' });
    const log = logger();
    await expect(storeGitHubAttestation(client(log), REPO, BUNDLE, 'required', log)).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe('attestationsUnavailable', () => {
  test.each([
    { error: { status: 403, message: 'Resource not accessible by integration' }, expected: undefined },
    { error: { status: 401, message: USER_PRIVATE }, expected: undefined },
    { error: { status: 500, message: 'Not Found' }, expected: undefined },
    { error: new Error('socket hang up'), expected: undefined },
    { error: null, expected: undefined },
    {
      error: { status: 404 },
      expected:
        'GitHub answered 404: this GitHub has no artifact attestations API (e.g. GitHub Enterprise Server)',
    },
    {
      error: { status: 403, message: 'ignored', response: { data: { message: USER_PRIVATE } } },
      expected: `GitHub answered 403: ${USER_PRIVATE}`,
    },
  ])('$error -> $expected', ({ error, expected }) => {
    expect(attestationsUnavailable(error)).toBe(expected);
  });

  test('a long message is cut', () => {
    const reason = attestationsUnavailable({
      status: 403,
      message: `Feature not available ${'x'.repeat(1000)}`,
    });
    expect(reason!.length).toBeLessThan(340);
  });
});
