/**
 * The release workflow: .github/scripts/release-plan.sh decides, per pushed tag, the npm dist-tag and
 * whether the major tag moves (run here for real, in git repositories holding the tags of each
 * case); the jobs act on exactly those outputs; and the major tag they move is the one the README
 * tells users to pin.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import {
  ROOT,
  job,
  parseGithubOutput,
  readText,
  readWorkflow,
  runStepScript,
  step,
} from './workflow-files.js';

const release = readWorkflow('.github/workflows/release.yml');
const PLAN = readText('.github/scripts/release-plan.sh');

function git(cwd: string, ...args: string[]): void {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
}

/** A repository at package.json's `version`, holding `tags` (on its one commit), planned for `tag`. */
function plan(version: string, tags: string[], tag: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'release-plan-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', version }));
  git(dir, 'init', '--quiet');
  git(
    dir,
    '-c',
    'user.name=t',
    '-c',
    'user.email=t@example.com',
    'commit',
    '--quiet',
    '--allow-empty',
    '-m',
    'x',
  );
  for (const t of tags) git(dir, 'tag', t);
  const output = path.join(dir, 'github-output');
  writeFileSync(output, '');
  const env = { PATH: process.env.PATH, TAG: tag, GITHUB_OUTPUT: output };
  const result = runStepScript(PLAN, env, dir);
  return { ...result, outputs: parseGithubOutput(readFileSync(output, 'utf8')) };
}

describe('release-plan.sh', () => {
  test.each([
    {
      what: 'the first release',
      version: '0.1.0',
      tags: [],
      expected: { 'major-tag': 'v0', 'move-major': 'true', 'npm-tag': 'latest', prerelease: 'false' },
    },
    {
      what: 'the next release of the line',
      version: '0.2.0',
      tags: ['v0.1.0', 'v0'],
      expected: { 'major-tag': 'v0', 'move-major': 'true', 'npm-tag': 'latest', prerelease: 'false' },
    },
    {
      what: 'a release candidate: v1 and npm latest stay where they are',
      version: '1.0.0-rc.1',
      tags: ['v0.2.0', 'v0'],
      expected: { 'major-tag': 'v1', 'move-major': 'false', 'npm-tag': 'next', prerelease: 'true' },
    },
    {
      what: 'the release after its candidates (pre-releases are never the highest)',
      version: '1.0.0',
      tags: ['v0.2.0', 'v1.0.0-rc.1', 'v1.0.0-rc.2'],
      expected: { 'major-tag': 'v1', 'move-major': 'true', 'npm-tag': 'latest', prerelease: 'false' },
    },
    {
      what: 'a fix to an older minor: v0 stays on 0.2.0',
      version: '0.1.1',
      tags: ['v0.1.0', 'v0.2.0', 'v0'],
      expected: { 'major-tag': 'v0', 'move-major': 'false', 'npm-tag': 'latest-0.1', prerelease: 'false' },
    },
    {
      what: 'the highest of an older major: v0 moves, npm latest stays on 1.x',
      version: '0.3.0',
      tags: ['v0.2.0', 'v1.0.0', 'v0', 'v1'],
      expected: { 'major-tag': 'v0', 'move-major': 'true', 'npm-tag': 'latest-0', prerelease: 'false' },
    },
    {
      what: 'versions compare as numbers (0.10.0 after 0.9.0)',
      version: '0.10.0',
      tags: ['v0.9.0', 'v0.2.0'],
      expected: { 'major-tag': 'v0', 'move-major': 'true', 'npm-tag': 'latest', prerelease: 'false' },
    },
  ])('$what', ({ version, tags, expected }) => {
    const result = plan(version, tags, `v${version}`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.outputs).toEqual({ version, ...expected });
  });

  test.each([
    {
      what: 'a tag that is not package.json’s version',
      version: '0.1.0',
      tag: 'v0.2.0',
      says: 'set "version": "0.2.0"',
    },
    { what: 'a tag with two parts', version: '1.0.0', tag: 'v1.0', says: 'is not vMAJOR.MINOR.PATCH' },
    { what: 'a leading zero', version: '1.0.0', tag: 'v01.0.0', says: 'is not vMAJOR.MINOR.PATCH' },
    {
      what: 'build metadata (npm drops it)',
      version: '1.0.0',
      tag: 'v1.0.0+build.5',
      says: 'is not vMAJOR.MINOR.PATCH',
    },
    { what: 'a tag without the v', version: '1.0.0', tag: '1.0.0', says: 'is not vMAJOR.MINOR.PATCH' },
  ])('refuses $what, naming the fix, and decides nothing', ({ version, tag, says }) => {
    const result = plan(version, [], tag);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('::error title=Release tag::');
    expect(result.stderr).toContain(says);
    expect(result.outputs).toEqual({});
  });
});

describe('release.yml', () => {
  test('runs for semver tags only', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
  });

  test('check: plans from the pushed tag with every tag fetched, before it installs, and checks dist/', () => {
    const check = job(release, 'check');
    const plan = step(release, 'check', 'plan');
    expect(plan.run).toBe('bash .github/scripts/release-plan.sh');
    expect(plan.env).toEqual({ TAG: '${{ github.ref_name }}' });
    expect(check.steps[0]!.with).toMatchObject({ 'fetch-depth': 0 });
    const order = (run: string) => check.steps.findIndex((s) => s.run?.includes(run));
    expect(order('release-plan.sh')).toBeLessThan(order('npm ci'));
    expect(order('npm ci')).toBeLessThan(order('npm run build'));
    expect(step(release, 'check', 'dist/ is the fresh build of src/').run).toContain(
      'git status --porcelain -- dist',
    );
    for (const name of ['major-tag', 'move-major', 'npm-tag'])
      expect(check.outputs![name]).toBe(`\${{ steps.plan.outputs.${name} }}`);
  });

  test('publish: the checked commit, with provenance, on the planned dist-tag, with no install and no cache', () => {
    const publish = job(release, 'publish');
    expect(publish.needs).toBe('check');
    const command = step(release, 'publish', 'npm publish');
    // The staged package (no dependencies: dist/ bundles them), packed by Node alone.
    expect(command.run!.trim().split('\n')).toEqual([
      'node scripts/pack.ts --destination "$RUNNER_TEMP/package"',
      'npm publish "$RUNNER_TEMP"/package/*.tgz --provenance --access public --ignore-scripts --tag "$NPM_TAG"',
    ]);
    expect(command.env).toEqual({ NPM_TAG: '${{ needs.check.outputs.npm-tag }}' });
    expect(publish.steps.some((s) => s.run?.includes('npm ci') || s.run?.includes('npm install'))).toBe(
      false,
    );
    for (const s of release.jobs.check!.steps.concat(publish.steps))
      if (s.uses?.startsWith('actions/setup-node@')) expect(s.with?.['package-manager-cache']).toBe(false);
  });

  test('major-tag: after the publication, one at a time, only when a new plan against every tag still says so', () => {
    const major = job(release, 'major-tag');
    expect(major.needs).toEqual(['check', 'publish']);
    expect(major.if).toBe("needs.check.outputs.move-major == 'true'");
    expect(major.concurrency).toEqual({ group: 'release-major-tag', 'cancel-in-progress': false });
    expect(major.steps[0]!.with).toMatchObject({ 'fetch-depth': 0 });
    const replan = step(release, 'major-tag', 'plan');
    expect(replan).toMatchObject({
      run: 'bash .github/scripts/release-plan.sh',
      env: { TAG: '${{ github.ref_name }}' },
    });
    const move = step(release, 'major-tag', 'Point the major tag at this release');
    expect(move.if).toBe("steps.plan.outputs.move-major == 'true'");
    expect(move.env!.MAJOR_TAG).toBe('${{ steps.plan.outputs.major-tag }}');
    expect(move.run).toContain('git push --force origin "refs/tags/$MAJOR_TAG"');
  });
});

describe('the major tag users pin', () => {
  const version = (JSON.parse(readText('package.json')) as { version: string }).version;
  const major = `v${version.split('.')[0]}`;
  const documents = [
    'README.md',
    ...readdirSync(path.join(ROOT, 'docs')).map((name) => `docs/${name}`),
    ...readdirSync(path.join(ROOT, 'examples/workflows')).map((name) => `examples/workflows/${name}`),
  ].filter((file) => /\.(md|ya?ml)$/.test(file));
  const pins = documents.flatMap((file) =>
    [...readText(file).matchAll(/\/model-promote@([^\s`'")]+)/g)].map((m) => ({ file, ref: m[1] })),
  );

  test('the README tells users to pin the major tag of package.json’s version, and so does every other doc', () => {
    expect(pins.filter((p) => p.file === 'README.md').length).toBeGreaterThan(0);
    for (const pin of pins) expect(pin).toEqual({ file: pin.file, ref: major });
  });

  test('is the tag the release workflow moves when this version is released', () => {
    const released = version.replace(/-.*$/, '');
    const result = plan(released, [], `v${released}`);
    expect(result.outputs).toMatchObject({ 'major-tag': major, 'move-major': 'true' });
  });
});
