/**
 * The Action as the runner runs it (INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, an event
 * file) promoting the example model, with GitHub played by the double: the deployment and the PR
 * comment appear, log lines are grouped by stage, and a reporter's failure is a warning that leaves
 * the promotion's result alone.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { githubPlatform } from '../../src/platform/github-platform.js';
import { runPromotion } from '../../src/run-promotion.js';
import { FAST, SHA, pullRequestEvent, runEnv } from './github-fixtures.js';
import { GithubDouble } from './github-double.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

let github: GithubDouble;
let workspace: string;
let stdout: string[];
const savedEnv = { ...process.env };

beforeEach(async () => {
  github = await new GithubDouble().start();
  workspace = mkdtempSync(path.join(os.tmpdir(), 'model-promote-action-'));
  cpSync(path.join(ROOT, 'examples'), path.join(workspace, 'examples'), { recursive: true });
  stdout = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(async () => {
  jest.restoreAllMocks();
  process.env = { ...savedEnv };
  process.exitCode = undefined;
  await github.stop();
});

/** Sets the variables a runner sets for one step of the Action. */
function runnerEnv(inputs: Record<string, string>, event: Parameters<typeof runEnv>[1]): NodeJS.ProcessEnv {
  writeFileSync(path.join(workspace, 'output'), '');
  writeFileSync(path.join(workspace, 'summary.md'), '');
  const env: NodeJS.ProcessEnv = {
    ...savedEnv,
    ...runEnv(github.url, event),
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: path.join(workspace, 'output'),
    GITHUB_STEP_SUMMARY: path.join(workspace, 'summary.md'),
    GITHUB_TOKEN: '',
  };
  const given: Record<string, string> = {
    registry: 'examples/registry',
    model: 'sentiment',
    version: 'champion',
    environment: 'production',
    catalog: 'examples/catalog.yaml',
    output: path.join(workspace, 'out'),
    'github-token': 'ghs_action',
    comment: 'true',
    deployment: 'true',
    ...inputs,
  };
  for (const [name, value] of Object.entries(given)) env[`INPUT_${name.toUpperCase()}`] = value;
  process.env = env;
  return env;
}

async function runAction(env: NodeJS.ProcessEnv): Promise<number> {
  return runPromotion(githubPlatform({ env, client: FAST }), { cwd: workspace });
}

describe('the Action on a runner', () => {
  test('a promotion from a pull request: deployment success with the endpoint, one comment, stage groups', async () => {
    const env = runnerEnv({}, pullRequestEvent(12));
    expect(await runAction(env)).toBe(0);
    expect(github.deployments).toHaveLength(1);
    const statuses = github.deployments[0]!.statuses;
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(statuses[1]).toMatchObject({
      environment_url: 'https://models.example.com/',
      auto_inactive: true,
    });
    expect(github.deployments[0]!.body).toMatchObject({
      production_environment: true,
      ref: 'refs/pull/12/merge',
    });
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain('<!-- model-promote:sentiment:production -->');
    expect(github.comments[0]!.body).toContain(
      readFileSync(path.join(workspace, 'summary.md'), 'utf8').trim().split('\n')[0],
    );
    expect(readFileSync(path.join(workspace, 'output'), 'utf8')).toContain('status<<');
    const log = stdout.join('');
    expect(log).toMatch(/::group::/);
    expect(log.replace('::add-mask::ghs_action', '')).not.toContain('ghs_action');
    expect(log).not.toMatch(/::warning::/);
  });

  test('plan on the pull request, promotion on merge: the merged PR comment shows the outcome, the plan kept', async () => {
    expect(await runAction(runnerEnv({ 'dry-run': 'true' }, pullRequestEvent(12)))).toBe(0);
    expect(github.comments).toHaveLength(1);
    const plan = github.comments[0]!.body;
    github.pulls.push({
      number: 12,
      state: 'closed',
      headSha: 'f'.repeat(40),
      commits: [SHA],
      mergedAt: '2025-01-01T00:00:00Z',
      mergeCommitSha: SHA,
    });
    const push = { name: 'push', payload: { after: SHA } };
    expect(await runAction(runnerEnv({}, push))).toBe(0);
    expect(github.comments).toHaveLength(1);
    const body = github.comments[0]!.body;
    const digest = /image-digest<<(\S+)\n(sha256:[0-9a-f]{64})\n/.exec(
      readFileSync(path.join(workspace, 'output'), 'utf8'),
    )?.[2];
    expect(digest).toBeDefined();
    expect(body).toContain('`production`: ✅ promoted');
    expect(body).toContain(`- **Image digest:** \`${digest}\``);
    expect(body).toContain('- **Environment URL:** https://models.example.com/');
    // The plan, as the pull request showed it, below the outcome.
    expect(body).toContain(plan.split('\n').slice(1).join('\n').trim());
    expect(stdout.join('')).not.toMatch(/::warning::/);
  });

  test('a 403 on the deployment is one warning naming the permission; result and comment unchanged', async () => {
    github.faults.push({
      method: 'POST',
      path: /\/deployments$/,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    const env = runnerEnv({}, pullRequestEvent(12));
    expect(await runAction(env)).toBe(0);
    const warnings = stdout
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('::warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('permissions: deployments: write');
    expect(warnings[0]).toContain("the promotion's result is unchanged");
    expect(github.comments).toHaveLength(1);
    expect(readFileSync(path.join(workspace, 'output'), 'utf8')).toMatch(/status<<\S+\nsucceeded\n/);
  });

  test('a refusal: failure status, the same exit code whatever GitHub answers', async () => {
    writeFileSync(path.join(workspace, 'examples/registry/sentiment/2/vocab.txt'), 'tampered\n', {
      flag: 'a',
    });
    const env = runnerEnv({}, { name: 'workflow_dispatch' });
    const code = await runAction(env);
    expect(code).toBe(1);
    expect(github.deployments[0]!.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
    github.faults.push({ method: 'POST', path: /\/deployments/, status: 500, times: 100 });
    process.exitCode = undefined;
    expect(await runAction(runnerEnv({}, { name: 'workflow_dispatch' }))).toBe(code);
  });

  test('a catalog error is annotated on the catalog file and line', async () => {
    writeFileSync(
      path.join(workspace, 'examples/catalog.yaml'),
      'apiVersion: model-promote/v1\nkind: ComputeCatalog\nenvironments:\n  production:\n    pools: nope\n',
    );
    const env = runnerEnv({ deployment: 'false' }, { name: 'workflow_dispatch' });
    expect(await runAction(env)).toBe(2);
    const errors = stdout
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('::error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^::error title=model-promote%3A invalid-catalog,file=examples\/catalog.yaml,line=5,col=\d+::/,
    );
  });

  test.each<{ name: string; inputs: Record<string, string>; error: string }>([
    { name: 'a missing input', inputs: { model: '' }, error: 'input model is required' },
    {
      name: 'a bad boolean',
      inputs: { 'dry-run': 'yes' },
      error: 'dry-run must be true or false, not "yes"',
    },
  ])(
    '$name: exit 2, and still the status output and a summary saying what to fix',
    async ({ inputs, error }) => {
      const env = runnerEnv(inputs, { name: 'workflow_dispatch' });
      expect(await runAction(env)).toBe(2);
      const outputs = readFileSync(path.join(workspace, 'output'), 'utf8');
      expect(outputs).toMatch(/^status<<(\S+)\nfailed\n\1$/m);
      expect(outputs).toMatch(/^image<<(\S+)\n\n?\1$/m);
      // The job summary's own file is checked where the Action runs in a process of its own
      // (test/e2e/github-action.test.ts): @actions/core keeps the first GITHUB_STEP_SUMMARY it saw.
      const summary = readFileSync(path.join(workspace, 'out/summary.md'), 'utf8');
      expect(summary).toContain('❌ failed');
      expect(summary).toContain(`> **usage**: ${error}`);
      expect(summary).toMatch(/^> Fix: \S/m);
      // Nothing to report a deployment or a comment for: the promotion never started.
      expect(github.deployments).toHaveLength(0);
      expect(github.comments).toHaveLength(0);
      expect(stdout.join('')).toMatch(
        new RegExp(`^::error::${error.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\. Fix: `, 'm'),
      );
    },
  );
});
