/**
 * One name, one meaning, everywhere: action.yml, the README tables and the CLI's `promote` flags
 * are kept equal to the one table of inputs and outputs in src/inputs.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { promoteCommand } from '../../src/cli/promote-command.js';
import { INPUTS, OUTPUTS, type InputSpec } from '../../src/inputs.js';
import { TOOL_VERSION } from '../../src/version.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- action.yml is read as plain YAML */
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string) => readFile(path.join(REPO, file), 'utf8');

/** action.yml's default for github-token is the runner's token expression, by design. */
const ACTION_ONLY_DEFAULTS: Record<string, string> = { 'github-token': '${{ github.token }}' };
/** Flags of `promote` that are about the terminal, not the promotion. */
const CLI_ONLY_FLAGS = ['json'];

interface Row {
  readonly name: string;
  readonly required: boolean;
  readonly default?: string;
  readonly description: string;
}

const fromSpec = (spec: InputSpec): Row => ({
  name: spec.name,
  required: Boolean(spec.required),
  ...((spec.default ?? ACTION_ONLY_DEFAULTS[spec.name]) !== undefined && {
    default: spec.default ?? ACTION_ONLY_DEFAULTS[spec.name],
  }),
  description: spec.description,
});

async function action(): Promise<any> {
  return parseYaml(await read('action.yml'));
}

/** The rows of the first Markdown table after `heading`, as arrays of cells. */
function markdownTable(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (!line.startsWith('|')) {
      if (rows.length) break;
      continue;
    }
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replaceAll('\\|', '|')),
    );
  }
  return rows.slice(2); // header and separator
}

const unquote = (cell: string) => cell.replace(/^`(.*)`$/, '$1');

describe('action.yml', () => {
  it('runs on node24 from dist/index.js, with branding', async () => {
    const yml = await action();
    expect(yml.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(yml.branding).toEqual({ icon: expect.any(String), color: expect.any(String) });
    expect(yml.description).toBeTruthy();
  });

  it('has exactly the inputs of src/inputs.ts, in order, with the same descriptions, required and defaults', async () => {
    const yml = await action();
    const rows: Row[] = Object.entries<any>(yml.inputs).map(([name, input]) => ({
      name,
      required: input.required === true,
      ...(input.default !== undefined && { default: String(input.default) }),
      description: input.description,
    }));
    expect(rows).toEqual(INPUTS.map(fromSpec));
    for (const input of Object.values<any>(yml.inputs)) expect(typeof input.required).toBe('boolean');
  });

  it('has exactly the outputs of src/inputs.ts, in order', async () => {
    const yml = await action();
    expect(
      Object.entries<any>(yml.outputs).map(([name, output]) => ({ name, description: output.description })),
    ).toEqual(OUTPUTS.map(({ name, description }) => ({ name, description })));
  });

  it('names inputs and outputs in kebab-case', () => {
    for (const { name } of [...INPUTS, ...OUTPUTS]) expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });
});

describe('README', () => {
  it('Inputs table equals action.yml', async () => {
    const yml = await action();
    const rows = markdownTable(await read('README.md'), '### Inputs').map(
      ([name, required, fallback, description]) => ({
        name: unquote(name!),
        required: required === 'yes',
        ...(fallback && { default: unquote(fallback) }),
        description,
      }),
    );
    expect(rows).toEqual(
      Object.entries<any>(yml.inputs).map(([name, input]) => ({
        name,
        required: input.required === true,
        ...(input.default !== undefined && { default: String(input.default) }),
        description: input.description,
      })),
    );
  });

  it('Outputs table equals action.yml', async () => {
    const yml = await action();
    const rows = markdownTable(await read('README.md'), '### Outputs').map(([name, description]) => ({
      name: unquote(name!),
      description,
    }));
    expect(rows).toEqual(
      Object.entries<any>(yml.outputs).map(([name, output]) => ({ name, description: output.description })),
    );
  });

  it('quick start is two commands: the demo and every test', async () => {
    expect(await read('README.md')).toContain('npm ci && npm run demo');
    expect(await read('README.md')).toMatch(/^npm test\b/m);
  });
});

describe('package.json', () => {
  it('version equals TOOL_VERSION, and bin is the CLI bundle', async () => {
    const pkg = JSON.parse(await read('package.json'));
    expect(pkg.version).toBe(TOOL_VERSION);
    expect(pkg.type).toBe('module');
    expect(pkg.bin['model-promote']).toBe('dist/cli/index.js');
  });
});

describe('the CLI', () => {
  const [command] = promoteCommand();
  const flags = command.options.map((option) => option.long!.replace(/^--(no-)?/, ''));

  it('every `promote` flag is an input name (besides --json)', () => {
    const inputs = new Set<string>(INPUTS.map((input) => input.name));
    expect(flags.filter((flag) => !inputs.has(flag))).toEqual(CLI_ONLY_FLAGS);
  });

  it('every input is a `promote` flag, booleans that default to true as --no-NAME', () => {
    expect(flags).toEqual(expect.arrayContaining(INPUTS.map((input) => input.name)));
    for (const input of INPUTS as readonly InputSpec[]) {
      const option = command.options.find((o) => o.long?.replace(/^--(no-)?/, '') === input.name)!;
      expect(option.long).toBe(
        input.boolean && input.default === 'true' ? `--no-${input.name}` : `--${input.name}`,
      );
      // --no-NAME turns off what the description says the input turns on, and says so.
      expect(option.description).toBe(
        input.boolean && input.default === 'true'
          ? `Turn off what is on by default: ${input.description}`
          : input.description,
      );
    }
  });
});
