/**
 * gitlab/examples/drift.gitlab-ci.yml, the scheduled drift job: GitLab's CI schema accepts it (as
 * gitlab-ci-local validates an expanded pipeline), it runs on schedules and by hand only, and its
 * secrets reach the CLI as CI/CD variables, never as arguments.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
const example = readFileSync(path.join(repo, 'gitlab/examples/drift.gitlab-ci.yml'), 'utf8');
const gitlabCiLocal = path.join(repo, 'node_modules/.bin/gitlab-ci-local');
let project: string;

beforeAll(async () => {
  project = await mkdtemp(path.join(tmpdir(), 'mp-gitlab-drift-'));
  const git = (...args: string[]) =>
    run('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: project });
  await git('init', '-q', '-b', 'main');
  await git('remote', 'add', 'origin', 'git@gitlab.example.com:example-group/models.git');
});
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

/** The jobs gitlab-ci-local lists for `text` as .gitlab-ci.yml, or its exit code when it refuses. */
async function listJobs(text: string, source: string): Promise<{ code: number; output: string }> {
  await writeFile(path.join(project, '.gitlab-ci.yml'), text);
  const args = [
    '--cwd',
    path.relative(process.cwd(), project),
    '--list',
    '--no-color',
    '--variable',
    `CI_PIPELINE_SOURCE=${source}`,
  ];
  try {
    const { stdout, stderr } = await run(gitlabCiLocal, args, { timeout: 60_000, maxBuffer: 8 << 20 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      output: `${failed.stdout}${failed.stderr}`,
    };
  }
}

describe('the scheduled drift job (gitlab/examples)', () => {
  it("passes GitLab's CI schema and runs on a schedule", async () => {
    const scheduled = await listJobs(example, 'schedule');
    expect(scheduled.output).toContain('json schema validated');
    expect(scheduled.code).toBe(0);
    expect(scheduled.output).toMatch(/^model-promote-drift\s/m);
  }, 90_000);

  it('is not in a push pipeline', async () => {
    const pushed = await listJobs(example, 'push');
    expect(pushed.code).toBe(0);
    expect(pushed.output).not.toMatch(/^model-promote-drift\s/m);
  }, 90_000);

  it('the check does refuse a job the schema does not allow', async () => {
    const broken = example.replace('  stage: test\n', '  stage: test\n  retry: many\n');
    expect(broken).not.toBe(example);
    const refused = await listJobs(broken, 'schedule');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/schema/i);
  }, 90_000);

  it('runs drift with an issue, fails on drift, and keeps secrets off the command line', () => {
    const job = (parse(example) as Record<string, { script: string[] }>)['model-promote-drift']!;
    const script = job.script.join('\n');
    expect(script).toMatch(/model-promote" drift --environment/);
    expect(script).toContain('--report-issue --fail-on-drift');
    expect(script).toContain('npm audit signatures --include-attestations');
    expect(script).not.toMatch(/\$\{?(GITLAB_TOKEN|KUBECONFIG)\b/);
  });
});
