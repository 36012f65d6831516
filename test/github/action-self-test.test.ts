/**
 * CI's `action` job: the committed dist/index.js runs with the job's own inputs (read from ci.yml,
 * the others at their action.yml defaults, as the runner passes them), and the job's "Check the
 * outputs" script, run on what the Action really wrote to GITHUB_OUTPUT, passes; changed to any
 * wrong value, each output fails it by name.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { ROOT, parseGithubOutput, readText, readWorkflow, runStepScript, step } from './workflow-files.js';

const ci = readWorkflow('.github/workflows/ci.yml');
const promote = step(ci, 'action', 'promote');
const check = step(ci, 'action', 'Check the outputs');
const action = parse(readText('action.yml')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
};

/** The output each variable of the check step carries: `${{ steps.promote.outputs.NAME }}`. */
const carried = Object.fromEntries(
  Object.entries(check.env!).map(([variable, value]) => {
    const match = /^\$\{\{ steps\.promote\.outputs\.([\w-]+) \}\}$/.exec(value);
    if (!match) throw new Error(`${variable} in "Check the outputs" is not a promote output: ${value}`);
    return [variable, match[1]!];
  }),
);

let workspace: string;
let outputs: Record<string, string>;

beforeAll(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'action-self-test-'));
  cpSync(path.join(ROOT, 'examples'), path.join(workspace, 'examples'), { recursive: true });
  const outputFile = path.join(workspace, 'github-output');
  writeFileSync(outputFile, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: workspace,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: path.join(workspace, 'summary.md'),
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'owner/model-promote',
    GITHUB_SHA: '0'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
  };
  // The runner passes every input: the step's own, else action.yml's default (the token's
  // `${{ github.token }}` is this job's read-only token; it is never used with comment and
  // deployment off).
  for (const [name, spec] of Object.entries(action.inputs)) {
    const value = promote.with?.[name] ?? (name === 'github-token' ? '' : spec.default);
    if (value !== undefined) env[`INPUT_${name.toUpperCase()}`] = String(value);
  }
  const run = spawnSync(process.execPath, [path.join(ROOT, 'dist/index.js')], {
    cwd: workspace,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`dist/index.js exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  outputs = parseGithubOutput(readFileSync(outputFile, 'utf8'));
}, 150_000);

/** Runs the check step with its variables set from `given` outputs. */
function runCheck(given: Record<string, string>) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  for (const [variable, output] of Object.entries(carried)) env[variable] = given[output] ?? '';
  return runStepScript(check.run!, env, workspace);
}

describe('CI’s self-test of the Action', () => {
  test('passes the Action only inputs it has, and reads only outputs it has', () => {
    expect(promote.uses).toBe('./');
    for (const input of Object.keys(promote.with!)) expect(Object.keys(action.inputs)).toContain(input);
    for (const output of Object.values(carried)) expect(Object.keys(action.outputs)).toContain(output);
  });

  test('checks the outputs a workflow builds on', () => {
    expect(Object.values(carried)).toEqual(
      expect.arrayContaining(['status', 'digest', 'url', 'model', 'model-version', 'metadata']),
    );
  });

  test('the check passes on what the Action outputs', () => {
    expect(outputs.status).toBe('succeeded');
    const result = runCheck(outputs);
    expect(result.stdout).not.toContain('::error');
    expect(result.status).toBe(0);
  });

  test.each([
    { output: 'status', value: 'failed' },
    { output: 'status', value: '' },
    { output: 'digest', value: 'md5:0123' },
    { output: 'digest', value: `sha256:${'A'.repeat(64)}` },
    { output: 'image-digest', value: `sha256:${'0'.repeat(64)}` },
    { output: 'image', value: 'oci-layout:out/self-test/image' },
    { output: 'url', value: '' },
    { output: 'model', value: 'other' },
    { output: 'model-version', value: 'champion' },
    { output: 'record-path', value: 'out/self-test/missing.json' },
    { output: 'metadata', value: '' },
    { output: 'metadata', value: '{"status":' },
    { output: 'metadata', value: 'changed version' },
  ])('fails naming $output when it is "$value"', ({ output, value }) => {
    const given = { ...outputs, [output]: value };
    if (value === 'changed version')
      given.metadata = JSON.stringify({ ...JSON.parse(outputs.metadata!), version: '1' });
    const result = runCheck(given);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`::error title=Action output ${output}::`);
  });
});
