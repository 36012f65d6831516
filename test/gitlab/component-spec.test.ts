/** gitlab/templates/promote.yml mirrors the action's inputs (src/inputs.ts) and pins the CLI release. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { INPUTS, type InputSpec } from '../../src/inputs.js';

const repo = path.resolve(import.meta.dirname, '../..');
const [header, body] = parseAllDocuments(
  readFileSync(path.join(repo, 'gitlab/templates/promote.yml'), 'utf8'),
).map((doc) => doc.toJS()) as [
  { spec: { inputs: Record<string, GitlabInput> } },
  Record<string, { script: string[] }>,
];
const spec = header.spec.inputs;
const script = Object.values(body)[0]!.script.join('\n');

interface GitlabInput {
  description?: string;
  type?: 'string' | 'boolean' | 'number' | 'array';
  default?: unknown;
  options?: string[];
  regex?: string;
}

/** GitHub-only inputs the component leaves out. */
const GITHUB_ONLY = ['github-token'];
const COMPONENT_ONLY = [
  'job-name',
  'stage',
  'image',
  'cli',
  'deployment-tier',
  'environment-action',
  'kubernetes-agent',
];

/** Strings whose regex admits no space: passed among the boolean flags, split on spaces. */
const REGEX_FLAGS = ['rollout-timeout'];

const mirrored = (INPUTS as readonly InputSpec[]).filter((input) => !GITHUB_ONLY.includes(input.name));

describe('the component spec', () => {
  it('has every action input and only the component-only ones besides', () => {
    expect(Object.keys(spec).sort()).toEqual(
      [...mirrored.map((input) => input.name), ...COMPONENT_ONLY].sort(),
    );
  });

  it.each(mirrored.map((input) => ({ name: input.name, input })))(
    '$name: same description, type and default',
    ({ input }) => {
      const gitlab = spec[input.name]!;
      expect(gitlab.description).toBe(input.description);
      const type = input.boolean ? 'boolean' : input.list ? 'array' : 'string';
      expect(gitlab.type ?? 'string').toBe(type);
      if (input.required) {
        expect(gitlab).not.toHaveProperty('default');
      } else {
        const expected =
          type === 'boolean' ? input.default === 'true' : type === 'array' ? [] : (input.default ?? '');
        expect(gitlab.default).toEqual(expected);
      }
    },
  );

  it.each(
    Object.entries(spec).filter(([, input]) => input.regex !== undefined && input.default !== undefined),
  )('%s: its default passes its own regex', (_name, input) => {
    expect(new RegExp(input.regex!).test(String(input.default))).toBe(true);
  });

  it('checks environment names as DNS labels', () => {
    const regex = new RegExp(spec.environment!.regex!);
    expect(['production', 'staging', 'eu-west-1'].filter((name) => regex.test(name))).toHaveLength(3);
    expect(['Production', 'prod_1', '-x', 'a'.repeat(64), 'a b'].filter((name) => regex.test(name))).toEqual(
      [],
    );
  });

  it('pins the CLI to the release of the same version', () => {
    const { version } = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(spec.cli!.default).toBe(`npx --yes model-promote@${version}`);
  });

  it('passes every input to the CLI: strings by name, booleans by their flag form, arrays from JSON', () => {
    const strings = mirrored.filter(
      (input) => !input.boolean && !input.list && !REGEX_FLAGS.includes(input.name),
    );
    const loop = /for name in ([^;]+); do/.exec(script)![1]!.replace(/\\\n/g, ' ').trim().split(/\s+/);
    expect(loop).toEqual(strings.map((input) => input.name));
    for (const input of mirrored.filter((spec) => spec.boolean || REGEX_FLAGS.includes(spec.name))) {
      expect(body[Object.keys(body)[0]!]).toBeDefined();
      expect(JSON.stringify(body)).toContain(`${input.name}=$[[ inputs.${input.name} ]]`);
    }
    // booleans that default to true are turned off with --no-NAME, as the CLI spells them
    const defaultTrue = mirrored
      .filter((input) => input.boolean && input.default === 'true')
      .map((input) => input.name);
    expect(/(\S+)=false \| (\S+)=false\) args\+=\("--no-\$name"\)/.exec(script)!.slice(1)).toEqual(
      defaultTrue,
    );
    expect(script).toContain('for name in certificate-chain manifests; do');
  });
});
