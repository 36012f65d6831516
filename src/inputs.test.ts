import { describe, expect, it } from '@jest/globals';
import { PromotionError } from './errors.js';
import {
  MAX_EPOCH_SECONDS,
  parseBoolean,
  parseDuration,
  parseEpoch,
  secretParts,
  parsePolicyInputs,
  parsePromotionInputs,
  secretValues,
  type InputReader,
} from './inputs.js';

const REQUIRED = { registry: 'registry/', model: 'sentiment', environment: 'production' };
/** Reads inputs from a table row's values (a field absent from a row reads as unset). */
const reader =
  (values: Readonly<Record<string, string | undefined>>): InputReader =>
  (name) =>
    values[name];

function usage(work: () => unknown): PromotionError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(PromotionError);
    expect((error as PromotionError).kind).toBe('usage');
    expect((error as PromotionError).exitCode).toBe(2);
    return error as PromotionError;
  }
  throw new Error('expected a usage error');
}

describe('parsePromotionInputs', () => {
  it('fills defaults from the input table', () => {
    expect(parsePromotionInputs(reader(REQUIRED), {})).toEqual({
      ...REQUIRED,
      version: 'latest',
      catalog: '.model-promote/catalog.yaml',
      output: 'out/model-promote',
      dryRun: false,
      policy: { method: 'none' },
      sourceDateEpoch: 0,
      insecureRegistry: false,
      manifests: [],
      force: false,
      rolloutTimeoutSeconds: 600,
      metricsWindowSeconds: 60,
      comment: true,
      deployment: true,
      allowBreakingSchema: false,
      attest: false,
      githubAttestations: 'auto',
    });
  });

  it.each(['auto', 'required', 'off'])('github-attestations %s is taken as given', (raw) => {
    expect(
      parsePromotionInputs(reader({ ...REQUIRED, 'github-attestations': ` ${raw} ` }), {}),
    ).toMatchObject({
      githubAttestations: raw,
    });
  });

  it.each(['Off', 'false', 'true', 'optional', 'auto,off'])(
    'github-attestations "%s" is a usage error naming the values',
    (raw) => {
      const error = usage(() =>
        parsePromotionInputs(reader({ ...REQUIRED, 'github-attestations': raw }), {}),
      );
      expect(error.message).toBe(`github-attestations must be auto, required or off, not "${raw}"`);
      expect(error.hint).toBe('set github-attestations to auto, required or off');
    },
  );

  it.each([
    { name: 'missing registry', omit: 'registry' },
    { name: 'missing model', omit: 'model' },
    { name: 'missing environment', omit: 'environment' },
  ])('$name is a usage error naming the input and its flag', ({ omit }) => {
    const values: Record<string, string> = { ...REQUIRED };
    delete values[omit];
    const error = usage(() => parsePromotionInputs(reader(values), {}));
    expect(error.message).toBe(`input ${omit} is required`);
    expect(error.hint).toContain(`--${omit}`);
  });

  it('treats blank (whitespace) values as unset and trims values', () => {
    const parsed = parsePromotionInputs(reader({ ...REQUIRED, version: '  ', model: ' sentiment \n' }), {});
    expect(parsed.version).toBe('latest');
    expect(parsed.model).toBe('sentiment');
  });

  it.each([
    { name: 'true', raw: 'true', expected: true },
    { name: 'True', raw: 'True', expected: true },
    { name: 'TRUE', raw: 'TRUE', expected: true },
    { name: 'false', raw: 'false', expected: false },
    { name: 'False', raw: 'False', expected: false },
    { name: 'FALSE', raw: 'FALSE', expected: false },
  ])('boolean $name -> $expected', ({ raw, expected }) => {
    expect(parsePromotionInputs(reader({ ...REQUIRED, 'dry-run': raw, comment: raw }), {})).toMatchObject({
      dryRun: expected,
      comment: expected,
    });
  });

  it.each(['maybe', 'yes', 'No', '1', '0', 'tRue'])(
    'a boolean "%s" is a usage error naming the input, as @actions/core has it',
    (raw) => {
      expect(usage(() => parseBoolean('force', raw)).message).toBe(
        `force must be true or false, not "${raw}"`,
      );
    },
  );

  it('lists come one per line, blank lines dropped', () => {
    const parsed = parsePromotionInputs(reader({ ...REQUIRED, manifests: 'a.yaml\n\n  k8s/*.yaml  \n' }), {});
    expect(parsed.manifests).toEqual(['a.yaml', 'k8s/*.yaml']);
  });

  it.each([
    { name: 'input wins', input: '1700000000', env: '5', expected: 1700000000 },
    { name: 'SOURCE_DATE_EPOCH when no input', input: undefined, env: '42', expected: 42 },
    { name: '0 when neither', input: undefined, env: undefined, expected: 0 },
  ])('source-date-epoch: $name', ({ input, env, expected }) => {
    const values = { ...REQUIRED, ...(input && { 'source-date-epoch': input }) };
    expect(parsePromotionInputs(reader(values), env ? { SOURCE_DATE_EPOCH: env } : {}).sourceDateEpoch).toBe(
      expected,
    );
  });

  it.each([
    { name: 'epoch not a number', values: { 'source-date-epoch': 'yesterday' } },
    { name: 'rollout-timeout 0', values: { 'rollout-timeout': '0' } },
    { name: 'rollout-timeout in words', values: { 'rollout-timeout': 'ten minutes' } },
    { name: 'rollout-timeout above a day', values: { 'rollout-timeout': '2147484' } },
    { name: 'epoch after the year 9999', values: { 'source-date-epoch': '99999999999999999999' } },
    { name: 'a model name with a newline', values: { model: 'sentiment\n::error::x' } },
    { name: 'a version with an escape sequence', values: { version: 'v1\u001b[31m' } },
    { name: 'an environment with a carriage return', values: { environment: 'prod\rstaging' } },
    { name: 'a registry with a NUL', values: { registry: 'registry\u0000' } },
  ])('$name is a usage error', ({ values }) => {
    usage(() => parsePromotionInputs(reader({ ...REQUIRED, ...values }), {}));
  });

  it.each([
    {
      name: 'registry-password from MODEL_PROMOTE_REGISTRY_PASSWORD',
      key: 'registryPassword',
      env: { MODEL_PROMOTE_REGISTRY_PASSWORD: 's1' },
    },
    { name: 'github-token from GITHUB_TOKEN', key: 'githubToken', env: { GITHUB_TOKEN: 's2' } },
    { name: 'gitlab-token from GITLAB_TOKEN', key: 'gitlabToken', env: { GITLAB_TOKEN: 's3' } },
  ])('secret env fallback: $name', ({ key, env }) => {
    expect(parsePromotionInputs(reader(REQUIRED), env)).toMatchObject({ [key]: Object.values(env)[0] });
  });

  it('a secret given as input wins over its environment variable', () => {
    const parsed = parsePromotionInputs(reader({ ...REQUIRED, 'registry-password': 'given' }), {
      MODEL_PROMOTE_REGISTRY_PASSWORD: 'env',
    });
    expect(parsed.registryPassword).toBe('given');
  });
});

describe('parseDuration', () => {
  it.each([
    ['600', 600],
    ['600s', 600],
    ['10m', 600],
    ['1h30m', 5400],
    ['1h 5m 30s', 3930],
    ['24h', 86_400],
    ['1', 1],
  ])('%s is %i seconds', (raw, seconds) => {
    expect(parseDuration('rollout-timeout', raw)).toBe(seconds);
  });

  it.each([
    ['0', /out of range: it must be from 1 s to 24 h/],
    ['0m', /out of range/],
    ['24h1s', /out of range/],
    // Above Node's timer limit (2,147,483 s), where a timer fires at once.
    ['2147484', /out of range/],
    ['99999999999999999999', /out of range|must be seconds/],
    ['', /must be seconds or a duration/],
    ['10 minutes', /must be seconds or a duration like 10m or 1h30m, not "10 minutes"/],
    ['1.5h', /must be seconds/],
    ['-5', /must be seconds/],
    ['m', /must be seconds/],
  ])('"%s" is refused: %s', (raw, message) => {
    expect(usage(() => parseDuration('rollout-timeout', raw)).message).toMatch(message);
  });
});

describe('metrics-window and prometheus-url', () => {
  it.each([
    { raw: '0', seconds: 0 },
    { raw: '0s', seconds: 0 },
    { raw: '90', seconds: 90 },
    { raw: '2m', seconds: 120 },
    { raw: '1h', seconds: 3600 },
  ])('metrics-window $raw is $seconds s', ({ raw, seconds }) => {
    expect(
      parsePromotionInputs(reader({ ...REQUIRED, 'metrics-window': raw }), {}).metricsWindowSeconds,
    ).toBe(seconds);
  });

  it.each([
    {
      raw: '1h1s',
      message: /metrics-window 1h1s is out of range: it must be at most 1 h \(0 turns it off\)/,
    },
    { raw: 'a minute', message: /metrics-window must be seconds or a duration/ },
    { raw: '-1', message: /metrics-window must be seconds/ },
  ])('metrics-window $raw is refused', ({ raw, message }) => {
    expect(
      usage(() => parsePromotionInputs(reader({ ...REQUIRED, 'metrics-window': raw }), {})).message,
    ).toMatch(message);
  });

  it('takes an http(s) Prometheus URL as given', () => {
    const url = 'http://prometheus.monitoring:9090/prom';
    expect(parsePromotionInputs(reader({ ...REQUIRED, 'prometheus-url': url }), {}).prometheusUrl).toBe(url);
  });

  it.each([
    { raw: 'prometheus:9090', shown: '"prometheus:" (the scheme given)' },
    { raw: 'ftp://user:hunter2@prometheus', shown: '"ftp:" (the scheme given)' },
    { raw: 'not a url', shown: 'a URL' },
  ])('prometheus-url $raw is refused without echoing credentials', ({ raw, shown }) => {
    const error = usage(() => parsePromotionInputs(reader({ ...REQUIRED, 'prometheus-url': raw }), {}));
    expect(error.message).toBe(`prometheus-url must be an http:// or https:// URL, not ${shown}`);
    expect(error.message).not.toContain('hunter2');
    expect(error.hint).toMatch(/--prometheus-url http:\/\//);
  });
});

describe('parseEpoch', () => {
  it.each([
    [undefined, 0],
    ['', 0],
    ['0', 0],
    ['1700000000', 1_700_000_000],
    [String(MAX_EPOCH_SECONDS), MAX_EPOCH_SECONDS],
  ])('%s -> %i', (raw, seconds) => {
    expect(parseEpoch(raw)).toBe(seconds);
  });

  it.each(['-1', '1e9', '12.5', String(MAX_EPOCH_SECONDS + 1), '99999999999999999999'])(
    '"%s" is refused',
    (raw) => {
      expect(usage(() => parseEpoch(raw)).message).toMatch(/source-date-epoch/);
    },
  );
});

describe('secretParts', () => {
  it('a kubeconfig: the whole, and each credential in it line by line', () => {
    const kubeconfig = [
      'apiVersion: v1',
      'users:',
      '- name: ci',
      '  user:',
      '    token: "eyJhbGciOiJSUzI1NiJ9.planted"',
      '    client-key-data: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t',
      '    password: hunter2!',
      'clusters:',
      '- cluster: { server: https://10.0.0.1 }',
    ].join('\n');
    expect(secretParts(kubeconfig)).toEqual([
      kubeconfig,
      'eyJhbGciOiJSUzI1NiJ9.planted',
      'LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t',
      'hunter2!',
    ]);
  });

  it('a one-line secret is masked whole, trimmed too', () => {
    expect(secretParts(' ghp_abc ')).toEqual([' ghp_abc ', 'ghp_abc']);
  });
});

describe('secretValues', () => {
  it('lists every secret input and env fallback, and nothing else', () => {
    const values = secretValues(
      reader({ ...REQUIRED, kubeconfig: 'apiVersion: v1', 'registry-username': 'me' }),
      {
        GITLAB_TOKEN: 'glpat-x',
        GITHUB_TOKEN: '',
        OTHER: 'not-a-secret',
      },
    );
    expect(values.sort()).toEqual(['apiVersion: v1', 'glpat-x']);
  });
});

describe('parsePolicyInputs', () => {
  it.each([
    { name: 'none', values: {}, expected: { method: 'none' } },
    {
      name: 'keyless',
      values: { identity: 'me@example.com', issuer: 'https://issuer' },
      expected: { method: 'keyless', identity: 'me@example.com', issuer: 'https://issuer' },
    },
    {
      name: 'keyless with trusted root',
      values: { identity: 'me', issuer: 'https://issuer', 'trusted-root': 'root.json' },
      expected: { method: 'keyless', identity: 'me', issuer: 'https://issuer', trustedRoot: 'root.json' },
    },
    { name: 'key', values: { 'public-key': 'k.pem' }, expected: { method: 'key', publicKey: 'k.pem' } },
    {
      name: 'certificate chain, one per line',
      values: { 'certificate-chain': 'a.pem\nb.pem' },
      expected: { method: 'certificate', anchors: ['a.pem', 'b.pem'] },
    },
  ])('$name', ({ values, expected }) => {
    expect(parsePolicyInputs(reader(values))).toEqual(expected);
  });

  it.each([
    {
      name: 'identity without issuer',
      values: { identity: 'me' },
      message: /needs both identity and issuer \(got only identity\)/,
    },
    { name: 'issuer without identity', values: { issuer: 'https://i' }, message: /got only issuer/ },
    {
      name: 'key and chain',
      values: { 'public-key': 'k', 'certificate-chain': 'c' },
      message: /not public-key and certificate-chain/,
    },
    {
      name: 'keyless and key',
      values: { identity: 'me', issuer: 'i', 'public-key': 'k' },
      message: /not identity\/issuer and public-key/,
    },
    {
      name: 'trusted-root alone',
      values: { 'trusted-root': 'r.json' },
      message: /only applies to a keyless policy/,
    },
  ])('$name is a usage error', ({ values, message }) => {
    const error = usage(() => parsePolicyInputs(reader(values)));
    expect(error.message).toMatch(message);
    expect(error.hint).toBeTruthy();
  });
});
