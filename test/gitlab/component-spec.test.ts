/**
 * gitlab/templates/promote.yml mirrors the action's inputs (src/inputs.ts), pins the CLI release,
 * passes secrets by environment, and needs no GitLab newer than the README says.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { INPUTS, type InputSpec } from '../../src/inputs.js';
import { gitlabCiSchema } from './gitlab-ci-schema.js';
import { MINIMUM_GITLAB, requiredGitlab } from './gitlab-versions.js';

const repo = path.resolve(import.meta.dirname, '../..');
const template = readFileSync(path.join(repo, 'gitlab/templates/promote.yml'), 'utf8');
const [header, body] = parseAllDocuments(template).map((doc) => doc.toJS()) as [
  { spec: { inputs: Record<string, GitlabInput> } },
  Record<string, { script: string[]; variables: Record<string, string> }>,
];
const bodyText = template.slice(template.indexOf('\n---\n'));
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
const GITHUB_ONLY = ['github-token', 'github-attestations'];
const COMPONENT_ONLY = [
  'job-name',
  'stage',
  'image',
  'cli',
  'cli-repository',
  'deployment-tier',
  'environment-action',
];

/** Secret inputs reach the CLI as these environment variables, not as arguments. */
const BY_ENVIRONMENT: Record<string, string> = {
  'registry-password': 'MODEL_PROMOTE_REGISTRY_PASSWORD',
  'gitlab-token': 'GITLAB_TOKEN',
  kubeconfig: 'KUBECONFIG',
  'attest-key': 'MODEL_PROMOTE_ATTEST_KEY',
};

/** Strings whose regex admits no space: passed among the boolean flags, split on spaces. */
const REGEX_FLAGS = ['rollout-timeout', 'metrics-window'];

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

  it('pins the CLI to the npm release of the same version, installed only when `cli` is empty', () => {
    const { version } = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
      version: string;
    };
    const variables = Object.values(body)[0]!.variables;
    // publish.sh writes the version it releases here; in this repository it is package.json's.
    expect(variables.MODEL_PROMOTE_CLI_VERSION).toBe(version);
    expect(variables.MODEL_PROMOTE_CLI_PACKAGE).toBe('@model-promote/cli');
    expect(spec.cli!.default).toBe('');
    expect(script).toContain('npm install --prefix "$prefix" --ignore-scripts');
  });

  it('gives secrets to the CLI as environment variables, never as arguments', () => {
    for (const [name, variable] of Object.entries(BY_ENVIRONMENT)) {
      const input = mirrored.find((spec) => spec.name === name)!;
      expect(input.secret).toBe(true);
      if (input.env) expect(input.env).toBe(variable);
      expect(script).toContain(`export ${variable}`);
    }
    expect(script).toMatch(
      /unset MODEL_PROMOTE_INPUT_REGISTRY_PASSWORD MODEL_PROMOTE_INPUT_GITLAB_TOKEN MODEL_PROMOTE_INPUT_KUBECONFIG/,
    );
  });

  it('passes every input to the CLI: strings by name, booleans by their flag form, arrays from JSON', () => {
    const strings = mirrored.filter(
      (input) =>
        !input.boolean && !input.list && !REGEX_FLAGS.includes(input.name) && !(input.name in BY_ENVIRONMENT),
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

describe('the GitLab the component needs', () => {
  const schema = gitlabCiSchema();

  it(`is GitLab ${MINIMUM_GITLAB}: no keyword of a later version`, () => {
    expect(requiredGitlab(header, bodyText)).toEqual({
      version: MINIMUM_GITLAB,
      because: [expect.any(String)],
    });
  });

  it.each([
    {
      keyword: 'spec:description',
      header: { spec: { description: 'x', inputs: {} } },
      body: '',
      needs: '18.10',
    },
    { keyword: 'spec:component', header: { spec: { component: ['version'] } }, body: '', needs: '18.6' },
    {
      keyword: '$[[ component.version ]]',
      header: { spec: {} },
      body: 'x: $[[ component.version ]]',
      needs: '18.6',
    },
    {
      keyword: 'environment:kubernetes',
      header: { spec: {} },
      body: '  environment:\n    kubernetes:\n',
      needs: '17.6',
    },
  ])('would be GitLab $needs with $keyword', ({ header, body, needs }) => {
    expect(requiredGitlab(header, body).version).toBe(needs);
  });

  it("has a header that GitLab's CI schema allows: spec holds inputs only, each with known keys", () => {
    const allowed = schema.properties.spec.properties;
    expect(schema.properties.spec.additionalProperties).toBe(false);
    expect(Object.keys(header.spec).filter((key) => !(key in allowed))).toEqual([]);
    const inputKeys = schema.definitions.baseInput.properties;
    for (const [name, input] of Object.entries(spec)) {
      expect({ name, unknown: Object.keys(input).filter((key) => !(key in inputKeys)) }).toEqual({
        name,
        unknown: [],
      });
      expect(inputKeys.type!.enum).toContain(input.type ?? 'string');
      expect(input.description!.length).toBeLessThanOrEqual(inputKeys.description!.maxLength!);
    }
  });

  it('states that version in both READMEs', () => {
    for (const readme of ['README.md', 'gitlab/README.md']) {
      expect(readFileSync(path.join(repo, readme), 'utf8')).toContain(`GitLab ${MINIMUM_GITLAB} or later`);
    }
  });

  it('releases on semantic-version tags, pre-releases included, with the image GitLab names for releases', () => {
    const ci = parse(readFileSync(path.join(repo, 'gitlab/.gitlab-ci.yml'), 'utf8')) as {
      release: { image: string; rules: { if: string }[] };
    };
    expect(ci.release.image).toBe('registry.gitlab.com/gitlab-org/cli:latest');
    const [, pattern] = /^\$CI_COMMIT_TAG =~ \/(.*)\/$/.exec(ci.release.rules[0]!.if)!;
    const tag = new RegExp(pattern!);
    expect(['1.2.3', '0.1.0', '1.0.0-rc.1', '2.0.0-alpha.beta.1'].filter((t) => tag.test(t))).toHaveLength(4);
    expect(['v1.2.3', '1.2', '01.2.3', '1.2.3-', '1.2.3+build', 'latest'].filter((t) => tag.test(t))).toEqual(
      [],
    );
  });
});
