/**
 * The example workflows are valid GitHub Actions workflows (GitHub's own parser, as the editor
 * extension runs it) and pass the action only inputs it has.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser';
import { parse } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIR = path.join(ROOT, 'examples/workflows');
const files = readdirSync(DIR).filter((name) => name.endsWith('.yml'));
const actionInputs = Object.keys(
  (parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { inputs: object }).inputs,
);

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { steps: Step[]; permissions?: Record<string, string>; environment?: unknown }>;
}

function read(name: string): { content: string; workflow: Workflow } {
  const content = readFileSync(path.join(DIR, name), 'utf8');
  return { content, workflow: parse(content) as Workflow };
}

describe('example workflows', () => {
  test('there are the three examples', () => {
    expect(files.sort()).toEqual(['drift.yml', 'pr-plan.yml', 'promote.yml']);
  });

  test.each(files)('%s parses and converts without errors', async (name) => {
    const { content } = read(name);
    const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    expect(result.value).toBeDefined();
    const template = await convertWorkflowTemplate(result.context, result.value!);
    expect((template.errors ?? []).map((e) => e.Message)).toEqual([]);
    expect(template.jobs.length).toBeGreaterThan(0);
  });

  test('the parser does reject a broken workflow', async () => {
    const content =
      'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    permissions:\n      deployment: write\n    steps: []\n';
    const result = parseWorkflow({ name: 'broken.yml', content }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().length).toBeGreaterThan(0);
  });

  // drift.yml runs the CLI: the action has no drift mode.
  const usingAction = files.filter((name) => name !== 'drift.yml');
  test.each(usingAction)(
    '%s passes the action only its own inputs, and grants nothing at the top',
    (name) => {
      const { workflow } = read(name);
      expect(workflow.permissions).toEqual({});
      const steps = Object.values(workflow.jobs).flatMap((job) =>
        job.steps.filter((step) => step.uses === './'),
      );
      expect(steps.length).toBeGreaterThan(0);
      for (const step of steps)
        for (const input of Object.keys(step.with ?? {})) expect(actionInputs).toContain(input);
    },
  );

  test('promote.yml: workflow_dispatch with model, version and an environment input, gated by that environment', () => {
    const { workflow } = read('promote.yml');
    const dispatch = workflow.on.workflow_dispatch as { inputs: Record<string, { type: string }> };
    expect(Object.keys(dispatch.inputs)).toEqual(['model', 'version', 'environment']);
    expect(dispatch.inputs.environment!.type).toBe('environment');
    expect(workflow.jobs.promote!.environment).toBe('${{ inputs.environment }}');
    expect(workflow.jobs.promote!.permissions).toEqual({
      contents: 'read',
      deployments: 'write',
      'pull-requests': 'write',
    });
  });

  test('pr-plan.yml: a dry run on pull requests, a promotion on push to main', () => {
    const { workflow } = read('pr-plan.yml');
    expect(Object.keys(workflow.on)).toEqual(['pull_request', 'push']);
    const action = (job: string) => workflow.jobs[job]!.steps.find((step) => step.uses === './')!;
    expect(action('plan').with).toMatchObject({ 'dry-run': true });
    expect(action('promote').with).not.toHaveProperty('dry-run');
    expect(workflow.jobs.plan!.permissions).toMatchObject({ 'pull-requests': 'write' });
    expect(workflow.jobs.promote!.permissions).toMatchObject({
      deployments: 'write',
      'pull-requests': 'write',
    });
    // The promotion on merge reports its outcome on the merged pull request's comment.
    expect(action('promote').with).not.toHaveProperty('comment');
  });

  test('drift.yml: on a schedule and by hand, the CLI with an issue and a failing job on drift', () => {
    const { workflow } = read('drift.yml');
    expect(workflow.permissions).toEqual({});
    expect(Object.keys(workflow.on)).toEqual(['schedule', 'workflow_dispatch']);
    const job = workflow.jobs.drift!;
    expect(job.permissions).toEqual({ contents: 'read', issues: 'write' });
    const check = job.steps.find((step) => (step as { name?: string }).name === 'Check drift') as {
      run: string;
      env: Record<string, string>;
    };
    expect(check.run.split(/\s+/)).toEqual(
      expect.arrayContaining(['drift', '--environment', '--report-issue', '--fail-on-drift', '--output']),
    );
    // Secrets reach the CLI through the environment, never on its command line.
    expect(check.run).not.toContain('secrets.');
    expect(check.env.GITHUB_TOKEN).toBe('${{ github.token }}');
  });
});
