/**
 * Messages that misled, each found by hand (issue 12 §7), through the CLI: every case exits with the
 * right code and one `error:` line that names the real problem and a fix that works.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { cp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  copyExampleRegistry,
  errorLines,
  EXAMPLE_PRIVATE_KEY,
  EXAMPLE_PUBLIC_KEY,
  EXAMPLES,
  promoteArgs,
  runCli,
  TempDirs,
} from './helpers.js';

const temp = new TempDirs();
afterAll(() => temp.cleanup());
const MODEL = path.join(EXAMPLES, 'registry/sentiment/2');

interface Case {
  readonly name: string;
  readonly argv: (dir: string) => Promise<string[]> | string[];
  readonly exit: number;
  readonly line: RegExp;
}

const CASES: Case[] = [
  {
    name: 'a private key given as --public-key is refused, not used',
    argv: () => ['verify', MODEL, '--public-key', EXAMPLE_PRIVATE_KEY],
    exit: 2,
    line: /^error: public-key file .*example-signing\.key\.pem: it holds a PRIVATE key/,
  },
  {
    name: 'a bad certificate file is named by its path, not anchors[0]',
    argv: () => ['verify', MODEL, '--certificate-chain', path.join(EXAMPLES, 'catalog.yaml')],
    exit: 2,
    line: /^error: certificate-chain file .*examples\/catalog\.yaml: it is not a PEM certificate/,
  },
  {
    name: 'a signature that is not JSON: one line, the file text not quoted',
    argv: async (dir) => {
      const signature = path.join(dir, 'bad.sig');
      await writeFile(signature, 'garbage\n::error::INJECTED\n');
      return ['verify', MODEL, '--public-key', EXAMPLE_PUBLIC_KEY, '--signature', signature];
    },
    exit: 1,
    line: /^error: signature does not satisfy the policy of inputs: reading signature bundle: it is not JSON\. Fix: /,
  },
  {
    name: 'a signature path that is a folder says so',
    argv: (dir) => ['verify', MODEL, '--public-key', EXAMPLE_PUBLIC_KEY, '--signature', dir],
    exit: 1,
    line: /^error: signature .* is a folder, not a file\. Fix: give the model\.sig file/,
  },
  {
    name: '--issuer alone asks for --identity',
    argv: () => ['verify', MODEL, '--issuer', 'https://token.actions.githubusercontent.com'],
    exit: 2,
    line: /got only issuer\)\. Fix: add --identity, the signer identity/,
  },
  {
    name: 'a symlink in the model points at --allow-symlinks, which verify has',
    argv: async (dir) => {
      const copy = path.join(dir, 'model');
      await cp(MODEL, copy, { recursive: true });
      await rm(path.join(copy, 'vocab.txt'));
      await symlink(path.join(MODEL, 'vocab.txt'), path.join(copy, 'vocab.txt'));
      return ['verify', copy, '--public-key', EXAMPLE_PUBLIC_KEY];
    },
    exit: 1,
    line: /'vocab\.txt' is a symbolic link .*verify with --allow-symlinks/,
  },
  {
    name: "a version whose model.sig is a folder: 'is not a file', not 'does not exist'",
    argv: async (dir) => {
      const registry = await copyExampleRegistry(dir);
      const signature = path.join(registry, 'sentiment/2/model.sig');
      await rm(signature);
      await mkdir(signature);
      return promoteArgs({ registry, output: path.join(dir, 'out') });
    },
    exit: 1,
    line: /has no signature: .*sentiment\/2\/model\.sig is not a file/,
  },
  {
    name: 'staging without a policy is refused, as examples/catalog.yaml now says (it said unsigned was fine)',
    argv: async (dir) => {
      const comment = await readFile(path.join(EXAMPLES, 'catalog.yaml'), 'utf8');
      expect(comment).toContain('a promotion to staging must bring one as inputs');
      return promoteArgs({
        registry: await copyExampleRegistry(dir),
        output: path.join(dir, 'out'),
        environment: 'staging',
      });
    },
    exit: 2,
    line: /^error: no signing policy: nothing says whose signature to trust/,
  },
];

describe('messages that used to mislead', () => {
  it.each(CASES)('$name', async ({ argv, exit, line }) => {
    const run = await runCli(await argv(await temp.make()));
    expect(run.code).toBe(exit);
    const errors = errorLines(run.stderr);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(line);
    expect(run.stderr).not.toMatch(/^::/m);
  });

  it.each(['comment', 'deployment'])('--no-%s says it turns the default off', async (name) => {
    const run = await runCli(['promote', '--help']);
    const help = run.stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(new RegExp(`--no-${name} Turn off what is on by default: `));
  });
});

describe('the output folder is ours only where we wrote it (issue 12 §3)', () => {
  it('--output . in a repository: refused before verification, exit 2, not a file touched', async () => {
    const dir = await temp.make();
    const registry = await copyExampleRegistry(dir);
    const repo = path.join(dir, 'repo');
    await mkdir(path.join(repo, 'manifests'), { recursive: true });
    await writeFile(path.join(repo, 'manifests', 'deployment.yaml'), 'kind: Deployment\n');
    await writeFile(path.join(repo, 'README.md'), '# mine\n');
    const run = await runCli(promoteArgs({ registry, output: '.' }), repo);
    expect(run.code).toBe(2);
    expect(errorLines(run.stderr)).toEqual([
      expect.stringMatching(
        /^error: output folder .*\/repo holds files model-promote did not write \(README\.md\)/,
      ),
    ]);
    expect(run.stderr).not.toMatch(/verif/i);
    expect((await readdir(repo)).sort()).toEqual(['README.md', 'manifests']);
    expect(await readFile(path.join(repo, 'manifests', 'deployment.yaml'), 'utf8')).toBe(
      'kind: Deployment\n',
    );
  });

  it.each([
    { name: 'under /proc', output: () => '/proc/self/x', says: /is under \/proc, a kernel file system/ },
    {
      name: 'a file',
      output: async (dir: string) => {
        await writeFile(path.join(dir, 'out'), 'mine');
        return path.join(dir, 'out');
      },
      says: /is a file, not a folder/,
    },
    {
      name: 'under a file',
      output: async (dir: string) => {
        await writeFile(path.join(dir, 'out'), 'mine');
        return path.join(dir, 'out', 'deeper');
      },
      says: /is under a file, not a folder/,
    },
  ])('an output $name: exit 2 with the fix, before the model is read', async ({ output, says }) => {
    const dir = await temp.make();
    const registry = await copyExampleRegistry(dir);
    const run = await runCli(promoteArgs({ registry, output: await output(dir) }));
    expect(run.code).toBe(2);
    const [line] = errorLines(run.stderr);
    expect(line).toMatch(says);
    expect(line).toContain('Fix: give --output');
    expect(run.stderr).not.toMatch(/verif/i);
  });

  it('a second promotion into a folder a live one holds fails naming the first', async () => {
    const dir = await temp.make();
    const registry = await copyExampleRegistry(dir);
    const output = path.join(dir, 'out');
    await mkdir(output);
    await writeFile(
      path.join(output, '.model-promote.lock'),
      JSON.stringify({ pid: process.pid, startedAt: '2026-12-05T10:00:00Z', promotionId: 'p-first' }),
    );
    const run = await runCli(promoteArgs({ registry, output }));
    expect(run.code).toBe(2);
    expect(errorLines(run.stderr)[0]).toMatch(
      /is being written by another promotion \(p-first, process \d+, started 2026-12-05T10:00:00Z\)/,
    );
  });
});

describe('registry text in the CLI log (GitLab runs the CLI)', () => {
  it('carries no escape sequence, carriage return or GitLab section marker', async () => {
    const dir = await temp.make();
    const registry = await copyExampleRegistry(dir);
    const file = path.join(registry, 'sentiment/2.yaml');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace(
        'labels:\n',
        'labels:\n  workload: "40Gi\\r\\u001b[0Ksection_start:1:fake\\r\\u001b[0KINJECTED"\n',
      ),
    );
    const run = await runCli(promoteArgs({ registry, output: path.join(dir, 'out') }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('INJECTED');
    expect(run.stderr.includes('\u001b') || run.stderr.includes('\r')).toBe(false);
    expect(run.stderr).toContain('\\x1b[0Ksection_start');
  });
});
