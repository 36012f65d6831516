import { expect, test } from '@jest/globals';
import { inputs } from '../../test/github/github-fixtures.js';
import { annotationPath, githubPlatform } from './github-platform.js';

test.each([
  { file: 'examples/catalog.yaml', workspace: '/w', expected: 'examples/catalog.yaml' },
  { file: '/w/examples/catalog.yaml', workspace: '/w', expected: 'examples/catalog.yaml' },
  { file: '/elsewhere/catalog.yaml', workspace: '/w', expected: '/elsewhere/catalog.yaml' },
  { file: '/w/catalog.yaml', workspace: undefined, expected: '/w/catalog.yaml' },
])('annotationPath($file, $workspace)', ({ file, workspace, expected }) => {
  expect(annotationPath(file, workspace)).toBe(expected);
});

test.each([
  { env: {}, available: false },
  { env: { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://example/token' }, available: false },
  {
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://example/token', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' },
    available: true,
  },
])('an OIDC token for keyless attestation is there only with id-token: write (%j)', ({ env, available }) => {
  const source = githubPlatform({ env }).identityToken!;
  expect(source.available).toBe(available);
  expect(source.howToEnable).toContain('permissions: id-token: write');
});

test('a SIGSTORE_ID_TOKEN the user set wins over the runner, as findSigstoreToken decides', async () => {
  const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
  const source = githubPlatform({ env: { SIGSTORE_ID_TOKEN: token } }).identityToken!;
  expect(source.available).toBe(true);
  await expect(source.fetch()).resolves.toBe(token);
});

test.each([
  {
    name: 'outside a GitHub Actions run: no store',
    env: {},
    token: 'ghs_x',
    expected: undefined,
  },
  {
    name: 'in a run: the repository of the run',
    env: {
      GITHUB_REPOSITORY: 'octo-org/models',
      GITHUB_SHA: 'abc',
      GITHUB_API_URL: 'https://api.github.com',
    },
    token: 'ghs_x',
    expected: 'GitHub artifact attestations of octo-org/models',
  },
])('the attestation store: $name', ({ env, token, expected }) => {
  expect(githubPlatform({ env }).attestationStore!({ ...inputs(), githubToken: token })?.name).toBe(expected);
});

test('attesting in a run with no github-token is a usage error naming attestations: write', () => {
  const env = { GITHUB_REPOSITORY: 'octo-org/models', GITHUB_SHA: 'abc' };
  const { githubToken: _, ...noToken } = inputs();
  expect(() => githubPlatform({ env }).attestationStore!(noToken)).toThrow(
    expect.objectContaining({
      kind: 'usage',
      message: 'attest is on, but there is no github-token to store the attestation with GitHub',
      hint: expect.stringContaining('attestations: write'),
    }),
  );
});

test('with github-attestations off, no github-token is needed and nothing is asked', async () => {
  const env = {
    GITHUB_REPOSITORY: 'octo-org/models',
    GITHUB_SHA: 'abc',
    GITHUB_API_URL: 'http://127.0.0.1:9',
  };
  const { githubToken: _, ...noToken } = inputs();
  const store = githubPlatform({ env }).attestationStore!({ ...noToken, githubAttestations: 'off' });
  // The API root answers nothing: a request would fail, so the answer shows none was made.
  await expect(store!.publish({} as never)).resolves.toEqual({
    store: 'github',
    repository: 'octo-org/models',
    skipped: 'off',
    reason: 'github-attestations is off',
  });
});
