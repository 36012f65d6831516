/**
 * The component as GitLab runs it, under gitlab-ci-local: the project publish.sh assembles, its own
 * .gitlab-ci.yml including the component at this commit (`$CI_SERVER_FQDN/$CI_PROJECT_PATH/
 * promote@$CI_COMMIT_SHA`, which gitlab-ci-local resolves locally), jobs run in the shell
 * (--shell-executor-no-image, --force-shell-executor: no containers) with Node 24 from npm's PATH.
 *
 * The CLI is dist/cli/index.js (what the component's release runs; CI checks it is fresh), or
 * MODEL_PROMOTE_TEST_CLI. Without the `cli` input the job installs the npm release instead: that
 * runs against a stand-in npm registry (npm-registry-double.ts) with the real npm client.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { startNpmRegistryDouble, type NpmRegistryDouble } from './npm-registry-double.js';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
const cli = process.env.MODEL_PROMOTE_TEST_CLI ?? path.join(repo, 'dist/cli/index.js');
const gitlabCiLocal = path.join(repo, 'node_modules/.bin/gitlab-ci-local');

interface Run {
  readonly code: number;
  readonly stdout: string;
  /** stdout and stderr */
  readonly output: string;
}

async function gitlabCi(project: string, args: readonly string[]): Promise<Run> {
  const argv = [
    '--cwd',
    path.relative(process.cwd(), project),
    '--shell-executor-no-image',
    '--force-shell-executor',
    '--no-color',
    '--variable',
    'GITLAB_CI=true',
    '--ignore-predefined-vars',
    'GITLAB_CI',
    ...args,
  ];
  try {
    const { stdout, stderr } = await run(gitlabCiLocal, argv, { timeout: 60_000, maxBuffer: 16 << 20 });
    return { code: 0, stdout, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    const stdout = failed.stdout ?? '';
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout,
      output: `${stdout}${failed.stderr ?? ''}`,
    };
  }
}

function dotenv(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('the GitLab component under gitlab-ci-local', () => {
  let project: string;
  let sha: string;

  beforeAll(async () => {
    project = await mkdtemp(path.join(tmpdir(), 'mp-gitlab-'));
    await run(path.join(repo, 'gitlab/publish.sh'), ['--stage', project]);
    const git = (...args: string[]) =>
      run('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: project });
    await git('init', '-q', '-b', 'main');
    await git('remote', 'add', 'origin', 'git@gitlab.example.com:example-group/model-promote.git');
    await git('add', '-A');
    await git('commit', '-qm', 'component');
    sha = (await git('rev-parse', 'HEAD')).stdout.trim();
  }, 60_000);

  afterAll(async () => {
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('runs its own pipeline: a promotion on the embedded default, the dotenv report, the environment', async () => {
    expect(existsSync(cli)).toBe(true);
    const result = await gitlabCi(project, ['--input', `cli=node ${cli}`, 'test-promote', 'test-outputs']);
    expect({ code: result.code, output: result.output }).toMatchObject({ code: 0 });
    expect(result.output).toContain('succeeded: sentiment v2 -> production');
    expect(result.output).toMatch(/PASS\s+test-outputs/);

    const env = dotenv(await readFile(path.join(project, 'model-promote.env'), 'utf8'));
    expect(env).toMatchObject({
      MODEL_PROMOTE_STATUS: 'succeeded',
      MODEL_PROMOTE_MODEL: 'sentiment',
      MODEL_PROMOTE_MODEL_VERSION: '2',
      MODEL_PROMOTE_ENVIRONMENT: 'production',
      MODEL_PROMOTE_POOL: 'gpu-a100-80g',
      MODEL_PROMOTE_IMAGE_DIGEST: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      MODEL_PROMOTE_MODEL_DIGEST: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      MODEL_PROMOTE_URL: expect.stringMatching(/^https:\/\//),
    });
    expect(env.MODEL_PROMOTE_IMAGE).toBe(
      `oci-layout:out/test-promote/image@${env.MODEL_PROMOTE_IMAGE_DIGEST}`,
    );
    const record = JSON.parse(
      await readFile(path.join(project, 'out/test-promote/promotion.json'), 'utf8'),
    ) as {
      status: string;
    };
    expect(record.status).toBe('succeeded');
  }, 90_000);

  const good = {
    registry: 'test/registry',
    model: 'sentiment',
    environment: 'production',
    catalog: 'test/catalog.yaml',
  };

  it.each([
    {
      why: 'an environment that is not a DNS label',
      inputs: { ...good, environment: 'Prod_1' },
      says: '`environment` input: `Prod_1` does not match required regex',
    },
    {
      why: 'a boolean given "maybe"',
      inputs: { ...good, 'dry-run': 'maybe' },
      says: '`dry-run` input: provided value is not a boolean',
    },
    {
      why: 'a duration given words',
      inputs: { ...good, 'rollout-timeout': 'soon' },
      says: '`rollout-timeout` input: `soon` does not match required regex',
    },
    {
      why: 'a missing required input',
      inputs: { ...good, model: undefined },
      says: '`model` input: required value has not been provided',
    },
    {
      why: 'a tier GitLab does not have',
      inputs: { ...good, 'deployment-tier': 'live' },
      says: '`deployment-tier` input: `live` cannot be used because it is not in the list of allowed options',
    },
    {
      why: 'an array given a string',
      inputs: { ...good, manifests: 'k8s/*.yaml' },
      says: '`manifests` input: provided value is not a array',
    },
  ])(
    'refuses $why',
    async ({ inputs, says }) => {
      const file = `bad-${Math.random().toString(36).slice(2)}.gitlab-ci.yml`;
      const defined = Object.fromEntries(Object.entries(inputs).filter(([, value]) => value !== undefined));
      await writeFile(
        path.join(project, file),
        `include:\n  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/promote@${sha}\n    inputs: ${JSON.stringify(defined)}\n`,
      );
      const result = await gitlabCi(project, ['--file', file, '--list']);
      expect(result.code).not.toBe(0);
      expect(result.output).toContain(says);
    },
    30_000,
  );

  it('accepts the same include with good inputs', async () => {
    const file = 'good.gitlab-ci.yml';
    const inputs = {
      ...good,
      'dry-run': true,
      'rollout-timeout': '1h30m',
      manifests: ['k8s/*.yaml'],
    };
    await writeFile(
      path.join(project, file),
      `include:\n  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/promote@${sha}\n    inputs: ${JSON.stringify(inputs)}\n`,
    );
    const result = await gitlabCi(project, ['--file', file, '--preview']);
    expect(result.code).toBe(0);
    const job = (parse(result.stdout) as Record<string, unknown>)['model-promote'] as {
      environment: unknown;
      variables: Record<string, string>;
    };
    // GitLab sets the environment's URL from the job's dotenv report (gitlab-ci-local does not)
    expect(job.environment).toMatchObject({
      name: 'production',
      url: '$MODEL_PROMOTE_URL',
      deployment_tier: 'production',
    });
    expect(job.variables.MODEL_PROMOTE_INPUT_FLAGS).toContain('dry-run=true');
    expect(job.variables.MODEL_PROMOTE_INPUT_FLAGS).toContain('rollout-timeout=1h30m');
    expect(job.variables.MODEL_PROMOTE_INPUT_MANIFESTS).toBe('json:["k8s/*.yaml"]');
  }, 30_000);

  async function include(file: string, inputs: Record<string, unknown>): Promise<void> {
    await writeFile(
      path.join(project, file),
      `include:\n  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/promote@${sha}\n    inputs: ${JSON.stringify(inputs)}\n`,
    );
  }

  describe('secrets and the kubeconfig', () => {
    // A stand-in for the CLI: records its arguments and the environment it was given.
    const probe = `require('node:fs').writeFileSync('probe.json', JSON.stringify({
      argv: process.argv.slice(2),
      KUBECONFIG: process.env.KUBECONFIG,
      kubeconfig: process.env.KUBECONFIG && require('node:fs').readFileSync(process.env.KUBECONFIG, 'utf8'),
      GITLAB_TOKEN: process.env.GITLAB_TOKEN,
      MODEL_PROMOTE_REGISTRY_PASSWORD: process.env.MODEL_PROMOTE_REGISTRY_PASSWORD,
    }));`;
    const kubeconfig = 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n';

    beforeAll(async () => {
      await writeFile(path.join(project, 'probe.js'), probe);
      // gitlab-ci-local's variables file is where it takes CI/CD variables of type File.
      await writeFile(
        path.join(project, '.gitlab-ci-local-variables.yml'),
        `KUBE_FILE:\n  type: file\n  values:\n    '*': ${JSON.stringify(kubeconfig)}\nKUBE_TEXT: ${JSON.stringify(kubeconfig)}\nMY_TOKEN: token-4f9a\n`,
      );
    });

    async function probed(inputs: Record<string, unknown>, args: string[] = []) {
      await rm(path.join(project, 'probe.json'), { force: true });
      await include('probe.gitlab-ci.yml', { ...good, 'job-name': 'probe', cli: 'node probe.js', ...inputs });
      const result = await gitlabCi(project, ['--file', 'probe.gitlab-ci.yml', ...args, 'probe']);
      expect({ code: result.code, output: result.output }).toMatchObject({ code: 0 });
      return JSON.parse(await readFile(path.join(project, 'probe.json'), 'utf8')) as Record<
        string,
        unknown
      > & {
        argv: string[];
      };
    }

    it('a file variable reaches the CLI as KUBECONFIG, and secrets as environment variables, not arguments', async () => {
      const seen = await probed({
        kubeconfig: '$KUBE_FILE',
        'gitlab-token': '$MY_TOKEN',
        'registry-password': '$MY_TOKEN',
      });
      expect(seen).toMatchObject({
        kubeconfig,
        GITLAB_TOKEN: 'token-4f9a',
        MODEL_PROMOTE_REGISTRY_PASSWORD: 'token-4f9a',
      });
      expect(seen.argv.slice(0, 3)).toEqual(['promote', '--registry', 'test/registry']);
      expect(seen.argv.join(' ')).not.toMatch(
        /kubeconfig|gitlab-token|registry-password|token-4f9a|apiVersion/,
      );
    }, 60_000);

    it('a plain variable holding the kubeconfig is written to a private file', async () => {
      const seen = await probed({ kubeconfig: '$KUBE_TEXT' });
      expect(String(seen.kubeconfig).trim()).toBe(kubeconfig.trim());
      expect(seen.KUBECONFIG).not.toContain('apiVersion');
    }, 60_000);

    it('without the input, the KUBECONFIG the agent for Kubernetes sets is left as it is', async () => {
      const agentConfig = path.join(project, 'agent-kubeconfig');
      await writeFile(agentConfig, kubeconfig);
      const seen = await probed({}, ['--variable', `KUBECONFIG=${agentConfig}`]);
      expect(seen).toMatchObject({ KUBECONFIG: agentConfig, kubeconfig });
    }, 60_000);

    it('a kubeconfig input that names no file stops the job, saying how to pass one', async () => {
      await include('probe.gitlab-ci.yml', {
        ...good,
        'job-name': 'probe',
        cli: 'node probe.js',
        kubeconfig: 'kube/missing.yaml',
      });
      const result = await gitlabCi(project, ['--file', 'probe.gitlab-ci.yml', 'probe']);
      expect(result.code).not.toBe(0);
      expect(result.output).toContain('the kubeconfig input names no file');
    }, 60_000);
  });

  describe('the npm release of the CLI, from a stand-in registry', () => {
    let registry: NpmRegistryDouble;
    let marker: string;
    const version = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string })
      .version;

    beforeAll(async () => {
      marker = path.join(project, 'stand-in-ran.json');
      registry = await startNpmRegistryDouble({ dir: project, name: '@model-promote/cli', version, marker });
      await include('npm.gitlab-ci.yml', { ...good, 'job-name': 'npm-release' });
    }, 60_000);

    afterAll(async () => {
      await registry?.close();
    });

    async function job() {
      await rm(marker, { force: true });
      const result = await gitlabCi(project, [
        '--file',
        'npm.gitlab-ci.yml',
        '--variable',
        `NPM_CONFIG_REGISTRY=${registry.url}`,
        '--variable',
        `NPM_CONFIG_CACHE=${path.join(project, '.npm-cache')}`,
        '--variable',
        'NPM_CONFIG_UPDATE_NOTIFIER=false',
        // No retries: a refusal must not wait out npm's back-off against hosts that cannot answer.
        '--variable',
        'NPM_CONFIG_FETCH_RETRIES=0',
        '--variable',
        'NPM_CONFIG_FETCH_TIMEOUT=10000',
        'npm-release',
      ]);
      return { ...result, ran: existsSync(marker) };
    }

    const signatures = [{ keyid: 'SHA256:stand-in', sig: 'MEUCIQDstandin' }];

    it('refuses a version with no provenance attestation, before downloading it', async () => {
      registry.serve({ provenance: false, signatures });
      const result = await job();
      expect(result).toMatchObject({ ran: false });
      expect(result.code).not.toBe(0);
      expect(result.output).toContain(
        `refusing to run @model-promote/cli@${version}: the registry has no SLSA provenance attestation`,
      );
      expect(registry.requests).not.toContain('/tarballs/cli.tgz');
    }, 90_000);

    it('refuses a version with no registry signature', async () => {
      registry.serve({ provenance: true });
      const result = await job();
      expect(result).toMatchObject({ ran: false });
      expect(result.output).toContain('the registry has no signature for it');
    }, 90_000);

    it('refuses a tarball that is not the one the registry signed', async () => {
      registry.serve({ provenance: true, signatures, tamperTarball: true });
      const result = await job();
      expect(result).toMatchObject({ ran: false });
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(/EINTEGRITY|integrity checksum failed/i);
    }, 90_000);

    it("refuses what npm audit signatures cannot verify (offline: Sigstore's TUF root is out of reach)", async () => {
      registry.serve({ provenance: true, signatures });
      const result = await job();
      expect(result).toMatchObject({ ran: false });
      expect(result.output).toContain(
        `npm audit signatures failed for @model-promote/cli@${version}: refusing to run it`,
      );
      // It got as far as installing (with no install scripts), and ran nothing it installed.
      expect(registry.requests).toContain('/tarballs/cli.tgz');
    }, 90_000);
  });
});
