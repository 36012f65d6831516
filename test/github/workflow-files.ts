/**
 * Reading the repository's workflow files, and running one of their `run:` scripts the way a runner
 * runs it, for the tests of .github/ and examples/workflows/.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every workflow the validators check: the project's own and the examples users copy. */
export const WORKFLOW_DIRS = ['.github/workflows', 'examples/workflows'] as const;

export function workflowPaths(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => `${dir}/${name}`);
}

export interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
}
export interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  environment?: unknown;
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean | string };
  'timeout-minutes'?: number;
  steps: Step[];
}
export interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean | string };
  jobs: Record<string, Job>;
}

export function readText(relative: string): string {
  return readFileSync(path.join(ROOT, relative), 'utf8');
}

export function readWorkflow(relative: string): Workflow {
  return parse(readText(relative)) as Workflow;
}

export function job(workflow: Workflow, name: string): Job {
  const found = workflow.jobs[name];
  if (!found) throw new Error(`no job ${name} in workflow "${workflow.name}"`);
  return found;
}

/** A step by its id, or by its name when it has none. */
export function step(workflow: Workflow, jobName: string, idOrName: string): Step {
  const found = job(workflow, jobName).steps.find((s) => s.id === idOrName || s.name === idOrName);
  if (!found) throw new Error(`no step ${idOrName} in job ${jobName} of workflow "${workflow.name}"`);
  return found;
}

export function allSteps(workflow: Workflow): { job: string; step: Step }[] {
  return Object.entries(workflow.jobs).flatMap(([name, j]) => j.steps.map((s) => ({ job: name, step: s })));
}

export interface ScriptResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a `run:` script as a runner does for `shell: bash`: `bash --noprofile --norc -eo pipefail FILE`. */
export function runStepScript(script: string, env: NodeJS.ProcessEnv, cwd: string): ScriptResult {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'step-')), 'step.sh');
  writeFileSync(file, script);
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The name=value and name<<DELIMITER lines a step appends to $GITHUB_OUTPUT, as the runner reads them. */
export function parseGithubOutput(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: ${heredoc[1]} has no closing ${heredoc[2]}`);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}
