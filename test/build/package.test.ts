/**
 * The npm package as a user gets it: scripts/pack.ts packs it, npm installs the tarball into an
 * empty folder (offline: the package declares no dependencies, dist/ bundles them), and the
 * installed `model-promote` verifies the example model. A file the CLI loads lazily that the
 * package left out fails here, not on a user's machine.
 */
import { execFile } from 'node:child_process';
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');
// The installed bin's `#!/usr/bin/env node` finds the node@24 devDependency first.
const env = { ...process.env, PATH: `${path.join(REPO, 'node_modules/node/bin')}:${process.env.PATH}` };

let work: string;
let tarball: string;
let installed: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'model-promote-pack-'));
  const packed = await run('npx', ['tsx', 'scripts/pack.ts', '--destination', work], { cwd: REPO, env });
  tarball = path.resolve(REPO, packed.stdout.split(':')[0]!.trim());
  installed = path.join(work, 'user');
  await run('mkdir', [installed]);
  // --offline: nothing may come from a registry; --ignore-scripts: installing runs nothing.
  await run('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball], {
    cwd: installed,
    env,
  });
}, 120_000);

afterAll(() => rm(work, { recursive: true, force: true }));

describe('the npm package', () => {
  it('declares no dependencies and is not the private repository manifest', async () => {
    const manifest = JSON.parse(
      await readFile(path.join(installed, 'node_modules/@model-promote/cli/package.json'), 'utf8'),
    ) as Record<string, unknown>;
    const repository = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest).not.toHaveProperty('dependencies');
    expect(manifest).not.toHaveProperty('scripts');
    expect(manifest).not.toHaveProperty('private');
    expect(manifest).toMatchObject({
      name: repository.name,
      version: repository.version,
      bin: repository.bin,
    });
    expect(repository.private).toBe(true);
  });

  it('installs with its notices and without the sources', async () => {
    const listing = await run('tar', ['-tzf', tarball]);
    const files = listing.stdout.split('\n').filter(Boolean);
    expect(files).toEqual(
      expect.arrayContaining([
        'package/dist/cli/index.js',
        'package/dist/index.js',
        'package/dist/chunks/hash-worker.js',
        'package/dist/licenses.txt',
        'package/action.yml',
        'package/README.md',
      ]),
    );
    expect(files.filter((file) => /^package\/(src|test|node_modules)\//.test(file))).toEqual([]);
  });

  it('runs: `npx model-promote verify` checks the example model', async () => {
    const { stdout } = await run(
      'npx',
      [
        '--offline',
        'model-promote',
        'verify',
        path.join(REPO, 'examples/registry/sentiment/2'),
        '--public-key',
        path.join(REPO, 'examples/keys/example-signing.pub.pem'),
      ],
      { cwd: installed, env },
    );
    expect(stdout).toMatch(/^verified: 4 files \(864 B\) match sha256:[0-9a-f]{64}\n/);
  });

  it('refuses a model changed after signing: exit 1, naming the file', async () => {
    const model = path.join(work, 'changed');
    await cp(path.join(REPO, 'examples/registry/sentiment/2'), model, { recursive: true });
    await appendFile(path.join(model, 'vocab.txt'), 'x');
    const failed = await run(
      'npx',
      [
        '--offline',
        'model-promote',
        'verify',
        model,
        '--public-key',
        path.join(REPO, 'examples/keys/example-signing.pub.pem'),
      ],
      { cwd: installed, env },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error: .*vocab\.txt/m);
  });
  it('exits after verifying a one-file model, though verify started a hash worker per core', async () => {
    // The worker the pool does not take must not keep the process alive (prestartWorkers).
    const model = path.join(work, 'one-file');
    await mkdir(model);
    await writeFile(path.join(model, 'weights.bin'), 'weights');
    const cli = (...args: string[]) =>
      run('npx', ['--offline', 'model-promote', ...args], { cwd: installed, env, timeout: 20_000 });
    await cli('sign', model, '--private-key', path.join(REPO, 'examples/keys/example-signing.key.pem'));
    const started = performance.now();
    const { stdout } = await cli(
      'verify',
      model,
      '--public-key',
      path.join(REPO, 'examples/keys/example-signing.pub.pem'),
    );
    expect(stdout).toMatch(/^verified: 1 files \(7 B\)/);
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
