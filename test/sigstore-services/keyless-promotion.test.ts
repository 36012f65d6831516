/**
 * A whole promotion signed keylessly, against the local private Sigstore (real Fulcio and the real
 * timestamp authority; the OIDC issuer is a double of GitHub's) and a real registry (olareg), with
 * no cluster: the manifests are rendered and the attestation stage runs after them.
 *
 * Through the CLI: `promote --attest` with SIGSTORE_ID_TOKEN and the attest-*-url inputs, then
 * `verify-promotion` with the job's identity over the harness's trusted root (and refused with
 * another identity), then real cosign `verify-attestation` on the same image.
 *
 * Through the Action (GitHub played by the double, which stores artifact attestations): the bundle
 * is also stored with the repository, its id in the record and the summary; a refusal fails the
 * attestation step naming `attestations: write`. Where GitHub does not offer the store
 * (github-attestations: auto) the promotion succeeds with one warning and the record says why;
 * `required` fails there; `off` asks nothing.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { githubPlatform } from '../../src/platform/github-platform.js';
import type { PromotionRecord } from '../../src/report/promotion-record.js';
import { runPromotion } from '../../src/run-promotion.js';
import { toolPath } from '../control-plane/tools.js';
import { copyExampleRegistry, errorLines, promoteArgs, REPO, runCli, TempDirs } from '../e2e/helpers.js';
import { GithubDouble } from '../github/github-double.js';
import { FAST, runEnv } from '../github/github-fixtures.js';
import { startReferrersRegistry, type TestRegistry } from '../registry/registry-server.js';
import { DEFAULT_JOB } from './oidc-issuer.js';
import { startSigstoreServices, type SigstoreServices } from './sigstore-services.js';

const run = promisify(execFile);
const PREDICATE_TYPE = 'https://model-promote.dev/promotion/v1';
const SAN = `https://github.com/${DEFAULT_JOB.workflowRef}`;
const OTHER = 'https://github.com/octo-org/models/.github/workflows/other.yml@refs/heads/main';

const temp = new TempDirs();
const savedEnv = { ...process.env };
let services: SigstoreServices;
let registry: TestRegistry;
let models: string;

beforeAll(async () => {
  services = await startSigstoreServices();
  registry = await startReferrersRegistry();
  models = await copyExampleRegistry(await temp.make());
  process.env.DOCKER_CONFIG = await temp.make('model-promote-docker-config-');
}, 240_000);

afterAll(async () => {
  process.env = { ...savedEnv };
  await registry?.stop();
  await services?.stop();
  await temp.cleanup();
});

describe('the CLI promotes with --attest, keyless', () => {
  let record: PromotionRecord;
  let image: string;
  let work: string;

  beforeAll(async () => {
    work = await temp.make();
    process.env.SIGSTORE_ID_TOKEN = services.issuer.mintGithubJob();
    try {
      const promoted = await runCli(
        promoteArgs(
          { registry: models, output: path.join(work, 'out') },
          '--image-repository', `${registry.host}/keyless`,
          '--attest',
          '--attest-fulcio-url', services.fulcioURL,
          '--attest-tsa-url', services.tsaURL,
          '--json',
        ), // prettier-ignore
      );
      expect(errorLines(promoted.stderr)).toEqual([]);
      expect(promoted.code).toBe(0);
      // The token is a secret: never in the log, never in the record.
      expect(promoted.stderr + promoted.stdout).not.toContain(process.env.SIGSTORE_ID_TOKEN);
      record = JSON.parse(promoted.stdout) as PromotionRecord;
    } finally {
      delete process.env.SIGSTORE_ID_TOKEN;
    }
    image = record.image!.reference;
  }, 180_000);

  it('attaches the keyless-signed attestation as a referrer, in the attestation stage', () => {
    expect(record.status).toBe('succeeded');
    expect(record.attestations?.promotion).toMatch(/^sha256:[0-9a-f]{64}$/);
    const stage = record.stages.find((s) => s.name === 'attestation');
    expect(stage).toMatchObject({ outcome: 'ok' });
    expect(stage?.detail).toMatch(/^keyless-signed /);
  });

  const verifyPromotion = (identity: string) =>
    runCli([
      'verify-promotion', image,
      '--identity', identity,
      '--issuer', services.issuer.url,
      '--trusted-root', services.trustedRootPath,
      '--environment', 'production',
    ]); // prettier-ignore

  it('verify-promotion accepts it for the job identity over the harness trusted root', async () => {
    const verified = await verifyPromotion(SAN);
    expect(errorLines(verified.stderr)).toEqual([]);
    expect(verified.code).toBe(0);
  }, 60_000);

  it('verify-promotion refuses another identity, naming the reason', async () => {
    const refused = await verifyPromotion(OTHER);
    expect(refused.code).toBe(1);
    expect(errorLines(refused.stderr).join('\n')).toContain(`it was signed by ${SAN}, not ${OTHER}`);
  }, 60_000);

  it('real cosign verify-attestation accepts the same image keylessly, offline', async () => {
    const home = await temp.make();
    const { stdout } = await run(
      toolPath('cosign'),
      [
        'verify-attestation', '--new-bundle-format', '--type', PREDICATE_TYPE,
        '--certificate-identity', SAN, '--certificate-oidc-issuer', services.issuer.url,
        '--trusted-root', services.trustedRootPath, '--use-signed-timestamps',
        '--insecure-ignore-tlog', '--insecure-ignore-sct', '--allow-http-registry', image,
      ], // prettier-ignore
      { env: { PATH: process.env.PATH, HOME: home, TUF_ROOT: path.join(home, 'tuf') }, timeout: 60_000 },
    );
    const envelope = JSON.parse(stdout.trim().split('\n')[0]!) as { payload: string };
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as {
      predicateType: string;
      subject: { digest: { sha256: string } }[];
    };
    expect(statement.predicateType).toBe(PREDICATE_TYPE);
    expect(`sha256:${statement.subject[0]!.digest.sha256}`).toBe(record.image!.digest);
  }, 90_000);
});

describe('the Action promotes with attest, keyless, on GitHub', () => {
  let github: GithubDouble;

  beforeAll(async () => {
    github = await new GithubDouble().start();
  });
  afterAll(async () => {
    await github?.stop();
  });

  /** One step of the Action as a runner runs it; SIGSTORE_ID_TOKEN stands in for the runner's token. */
  async function runAction(
    extra: Record<string, string> = {},
  ): Promise<{ code: number; record: PromotionRecord; summary: string; outSummary: string; log: string }> {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'model-promote-keyless-action-'));
    cpSync(path.join(REPO, 'examples'), path.join(workspace, 'examples'), { recursive: true });
    await mkdir(path.join(workspace, 'out'));
    writeFileSync(path.join(workspace, 'summary.md'), '');
    writeFileSync(path.join(workspace, 'output'), '');
    const inputs: Record<string, string> = {
      registry: models,
      model: 'sentiment',
      version: 'champion',
      environment: 'production',
      catalog: 'examples/catalog.yaml',
      output: path.join(workspace, 'out'),
      'image-repository': `${registry.host}/keyless-action`,
      'github-token': 'ghs_action',
      comment: 'false',
      deployment: 'false',
      attest: 'true',
      'attest-fulcio-url': services.fulcioURL,
      'attest-tsa-url': services.tsaURL,
      ...extra,
    };
    const env: NodeJS.ProcessEnv = {
      ...savedEnv,
      ...runEnv(github.url, { name: 'push' }),
      DOCKER_CONFIG: process.env.DOCKER_CONFIG,
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: path.join(workspace, 'output'),
      GITHUB_STEP_SUMMARY: path.join(workspace, 'summary.md'),
      SIGSTORE_ID_TOKEN: services.issuer.mintGithubJob(),
    };
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
    const saved = process.env;
    process.env = env;
    const log: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      log.push(String(chunk));
      return true;
    });
    try {
      let record: PromotionRecord | undefined;
      const code = await runPromotion(githubPlatform({ env, client: { ...FAST, serverErrorRetries: 0 } }), {
        cwd: workspace,
        onRecord: (r) => (record = r),
      });
      const summary = readFileSync(path.join(workspace, 'summary.md'), 'utf8');
      // @actions/core keeps the first step summary path it saw: the output folder's copy is this run's.
      const outSummary = readFileSync(path.join(workspace, 'out', 'summary.md'), 'utf8');
      return { code, record: record!, summary, outSummary, log: log.join('') };
    } finally {
      write.mockRestore();
      process.env = saved;
      process.exitCode = undefined;
    }
  }

  it('stores the bundle with the repository after the referrer; the id is in the record and summary', async () => {
    const { code, record, summary } = await runAction();
    expect(record.error).toBeUndefined();
    expect(code).toBe(0);
    expect(github.attestations).toHaveLength(1);
    const stored = github.attestations[0]!;
    expect(stored.repository).toBe('octo-org/models');
    const bundle = (stored.body as { bundle: { verificationMaterial: object } }).bundle;
    // The keyless bundle: Fulcio's certificate, which `gh attestation verify` checks the identity of.
    expect(bundle.verificationMaterial).toHaveProperty('certificate.rawBytes');
    expect(record.attestations).toMatchObject({
      promotion: expect.stringMatching(/^sha256:/),
      github: { id: stored.id, repository: 'octo-org/models' },
    });
    expect(summary).toContain(
      `- **GitHub attestation:** \`${stored.id}\` in octo-org/models's artifact attestations`,
    );
  }, 180_000);

  it('a refusal fails the attestation step, naming attestations: write; the referrer is still recorded', async () => {
    github.faults.push({
      method: 'POST',
      path: /\/attestations$/,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    const { code, record } = await runAction();
    expect(code).toBe(1);
    expect(record.status).toBe('failed');
    expect(record.error).toMatchObject({
      code: 'github-forbidden',
      hint: expect.stringContaining('attestations: write'),
    });
    expect(record.stages.find((s) => s.name === 'attestation')).toMatchObject({ outcome: 'failed' });
    expect(record.attestations?.promotion).toMatch(/^sha256:/);
    expect(record.attestations?.github).toBeUndefined();
  }, 180_000);

  const NOT_AVAILABLE =
    'Feature not available for user-owned private repositories. To enable this feature, please make this repository public.';

  it('auto, where GitHub does not offer the store: the promotion succeeds, one warning, the record says skipped and why', async () => {
    github.faults.push({
      method: 'POST',
      path: /\/attestations$/,
      status: 403,
      body: { message: NOT_AVAILABLE },
    });
    const stored = github.attestations.length;
    const { code, record, outSummary: summary, log } = await runAction();
    expect(record.error).toBeUndefined();
    expect(code).toBe(0);
    expect(record.status).toBe('succeeded');
    expect(github.attestations).toHaveLength(stored);
    expect(record.attestations).toMatchObject({
      promotion: expect.stringMatching(/^sha256:/),
      github: {
        skipped: 'unavailable',
        reason: `GitHub answered 403: ${NOT_AVAILABLE}`,
        repository: 'octo-org/models',
      },
    });
    const warnings = log.split('\n').filter((line) => line.startsWith('::warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Feature not available for user-owned private repositories');
    expect(warnings[0]).toContain('github-attestations: off');
    expect(summary).toContain(
      "- **GitHub attestation:** not stored in octo-org/models's artifact attestations (unavailable: GitHub answered 403: Feature not available",
    );
  }, 180_000);

  it('auto on a GitHub without the endpoint (404): the promotion succeeds, the record says skipped', async () => {
    github.faults.push({
      method: 'POST',
      path: /\/attestations$/,
      status: 404,
      body: { message: 'Not Found' },
    });
    const { code, record } = await runAction({ 'github-attestations': 'auto' });
    expect(code).toBe(0);
    expect(record.attestations?.github).toMatchObject({
      skipped: 'unavailable',
      reason: expect.stringContaining('404'),
    });
  }, 180_000);

  it('required, where GitHub does not offer the store: the attestation step fails with GitHub’s reason', async () => {
    github.faults.push({
      method: 'POST',
      path: /\/attestations$/,
      status: 403,
      body: { message: NOT_AVAILABLE },
    });
    const { code, record } = await runAction({ 'github-attestations': 'required' });
    expect(code).toBe(1);
    expect(record.status).toBe('failed');
    expect(record.error?.message).toContain('Feature not available for user-owned private repositories');
    expect(record.stages.find((s) => s.name === 'attestation')).toMatchObject({ outcome: 'failed' });
    expect(record.attestations?.promotion).toMatch(/^sha256:/);
    expect(record.attestations?.github).toBeUndefined();
  }, 180_000);

  it('off: no request to GitHub’s attestations, and no token needed; the record says off', async () => {
    const before = github.calls().filter((call) => call.endsWith('/attestations')).length;
    const {
      code,
      record,
      outSummary: summary,
    } = await runAction({
      'github-attestations': 'off',
      'github-token': '',
    });
    expect(record.error).toBeUndefined();
    expect(code).toBe(0);
    expect(github.calls().filter((call) => call.endsWith('/attestations'))).toHaveLength(before);
    expect(record.attestations?.github).toEqual({
      skipped: 'off',
      reason: 'github-attestations is off',
      repository: 'octo-org/models',
    });
    expect(summary).toContain(
      "not stored in octo-org/models's artifact attestations (off: github-attestations is off)",
    );
  }, 180_000);
});
