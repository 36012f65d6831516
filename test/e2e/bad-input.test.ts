/**
 * Issue 2 §9, the bad-input matrix, through the CLI. Each case starts from an output folder that
 * holds a successful earlier promotion, and must end with: its exit code (2 usage, 1 refused or
 * failed), one `error:` line naming the cause with a `Fix:`, and nothing in the output folder but
 * the failure's promotion.json and summary.md. Registry changes go to a fresh copy per case.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  copyExampleRegistry,
  EXAMPLE_CATALOG,
  EXAMPLE_PUBLIC_KEY,
  EXAMPLES,
  errorLines,
  execFileAsync,
  generateKeyPair,
  listTop,
  promoteArgs,
  readJson,
  runCli,
  TempDirs,
} from './helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the record is read back as plain JSON */
interface Setup {
  /** A fresh copy of the example registry. */
  readonly registry: string;
  /** A scratch folder for keys and catalogs. */
  readonly dir: string;
}

interface BadInput {
  readonly name: string;
  /** Changes the registry copy, writes files; returns the promote arguments. */
  readonly arrange: (setup: Setup) => Promise<string[]>;
  readonly exit: 1 | 2;
  /** The error line must match. */
  readonly cause: RegExp;
  /** A flag of the demo's command line to leave out (with its value). */
  readonly omit?: string;
  /** The record's error code, when the case checks it; `usage` when neither it nor `status` is given. */
  readonly code?: string;
  readonly status?: 'refused' | 'failed';
}

const version2 = (registry: string, ...file: string[]) => path.join(registry, 'sentiment', '2', ...file);

/** The example catalog and its keys, copied so that the copy can be broken. */
async function catalogCopy(dir: string, edit: (text: string) => string): Promise<string> {
  await cp(path.join(EXAMPLES, 'keys'), path.join(dir, 'keys'), { recursive: true });
  const catalog = path.join(dir, 'catalog.yaml');
  await writeFile(catalog, edit(await readFile(EXAMPLE_CATALOG, 'utf8')));
  return catalog;
}

/** Line (1-based) of the first line of the example catalog containing `text`. */
async function catalogLine(text: string): Promise<number> {
  return (await readFile(EXAMPLE_CATALOG, 'utf8')).split('\n').findIndex((line) => line.includes(text)) + 1;
}

const CASES: BadInput[] = [
  {
    name: 'unknown model',
    arrange: async ({ registry }) => ['--registry', registry, '--model', 'no-such-model'],
    exit: 2,
    cause: /model "no-such-model" is not in registry .*\. Fix: use one of: sentiment/,
    code: 'unknown-model',
    status: 'failed',
  },
  {
    name: 'model name escaping the registry folder',
    arrange: async ({ registry }) => ['--registry', registry, '--model', '../registry'],
    exit: 2,
    cause: /model name "\.\.\/registry" is not a valid folder name\. Fix: /,
    code: 'unknown-model',
  },
  {
    name: 'unknown version',
    arrange: async ({ registry }) => ['--registry', registry, '--version', '7'],
    exit: 2,
    cause: /sentiment has no version or alias "7"\. Fix: use one of: 1, 2, champion, stable/,
    code: 'unknown-version',
  },
  {
    name: 'unknown alias',
    arrange: async ({ registry }) => ['--registry', registry, '--version', 'golden'],
    exit: 2,
    cause: /no version or alias "golden".*Fix:/,
    code: 'unknown-version',
  },
  {
    name: 'malformed version metadata YAML',
    arrange: async ({ registry }) => {
      await writeFile(path.join(registry, 'sentiment', '2.yaml'), 'labels: [gpu-memory: 40Gi\n');
      return ['--registry', registry];
    },
    exit: 2,
    cause: /2\.yaml: .* at line \d+, column \d+\. Fix: fix the YAML$/,
    code: 'invalid-metadata',
  },
  {
    name: 'version metadata with an unknown field',
    arrange: async ({ registry }) => {
      await writeFile(path.join(registry, 'sentiment', '2.yaml'), 'lables:\n  gpu-memory: 40Gi\n');
      return ['--registry', registry];
    },
    exit: 2,
    cause: /2\.yaml: .*lables.*Fix:/,
    code: 'invalid-metadata',
  },
  {
    name: 'malformed catalog (field)',
    arrange: async ({ registry, dir }) => {
      const catalog = await catalogCopy(dir, (t) => t.replace('maxReplicas: 6', 'maxReplicas: six'));
      return ['--registry', registry, '--catalog', catalog];
    },
    exit: 2,
    cause: /catalog .*catalog\.yaml is invalid \(\d+ problems?\)\. Fix: fix the catalog as shown/,
    code: 'invalid-catalog',
  },
  {
    name: 'malformed catalog (YAML syntax)',
    arrange: async ({ registry, dir }) => {
      const catalog = await catalogCopy(dir, (t) => t.replace('  production:\n', '  production: [\n'));
      return ['--registry', registry, '--catalog', catalog];
    },
    exit: 2,
    cause: /catalog .*catalog\.yaml is invalid \(\d+ problems?\)\. Fix: fix the catalog as shown/,
    code: 'invalid-catalog',
  },
  {
    name: 'catalog not found',
    arrange: async ({ registry, dir }) => ['--registry', registry, '--catalog', path.join(dir, 'nope.yaml')],
    exit: 2,
    cause: /catalog .*nope\.yaml not found\. Fix: pass --catalog/,
    code: 'catalog-not-found',
  },
  {
    name: 'unknown environment',
    arrange: async ({ registry }) => ['--registry', registry, '--environment', 'prod'],
    exit: 2,
    cause: /prod.*Fix:.*production/,
    code: 'unknown-environment',
  },
  {
    name: 'no pool matches the labels',
    arrange: async ({ registry }) => {
      await writeFile(path.join(registry, 'sentiment', '2.yaml'), 'labels:\n  gpu-memory: 100Gi\n');
      return ['--registry', registry];
    },
    exit: 1,
    cause:
      /^error: no pool of environment production matches the model \(labels: .*gpu-memory=100Gi\)\. Fix: change the model labels/,
    code: 'no-matching-pool',
    status: 'refused',
  },
  {
    name: 'missing model.sig',
    arrange: async ({ registry }) => {
      await rm(version2(registry, 'model.sig'));
      return ['--registry', registry];
    },
    exit: 1,
    cause: /sentiment version 2 has no signature: .*model\.sig does not exist\. Fix: sign the version/,
    code: 'signature-missing',
    status: 'refused',
  },
  {
    name: 'malformed signature',
    arrange: async ({ registry }) => {
      await writeFile(version2(registry, 'model.sig'), '{"mediaType": "not a bundle"');
      return ['--registry', registry];
    },
    exit: 1,
    cause: /Fix:/,
    code: 'malformed-bundle',
    status: 'refused',
  },
  {
    name: 'tampered file (one byte changed)',
    arrange: async ({ registry }) => {
      const file = version2(registry, 'vocab.txt');
      const bytes = await readFile(file);
      bytes[0] = bytes[0]! ^ 0x01;
      await writeFile(file, bytes);
      return ['--registry', registry];
    },
    exit: 1,
    cause: /vocab\.txt.*Fix:/,
    status: 'refused',
  },
  {
    name: 'missing file',
    arrange: async ({ registry }) => {
      await rm(version2(registry, 'input_example.json'));
      return ['--registry', registry];
    },
    exit: 1,
    cause: /input_example\.json.*Fix:/,
    status: 'refused',
  },
  {
    name: 'extra file',
    arrange: async ({ registry }) => {
      await writeFile(version2(registry, 'extra.bin'), 'not signed');
      return ['--registry', registry];
    },
    exit: 1,
    cause: /extra\.bin.*Fix:/,
    status: 'refused',
  },
  {
    name: 'wrong key (input policy)',
    arrange: async ({ registry, dir }) => {
      const { publicKey } = await generateKeyPair(dir);
      return ['--registry', registry, '--public-key', publicKey];
    },
    exit: 1,
    cause: /policy of inputs.*Fix:/,
    code: 'key-hint-mismatch',
    status: 'refused',
  },
  {
    name: 'identity/issuer policy on a key-signed model',
    arrange: async ({ registry }) => [
      '--registry',
      registry,
      '--identity',
      'https://github.com/example-org/models/.github/workflows/train.yml@refs/heads/main',
      '--issuer',
      'https://token.actions.githubusercontent.com',
    ],
    exit: 1,
    cause: /policy of inputs.*Fix:/,
    code: 'method-mismatch',
    status: 'refused',
  },
  {
    name: 'signed with another key: the environment policy cannot be weakened by --public-key',
    arrange: async ({ registry, dir }) => {
      const { privateKey, publicKey } = await generateKeyPair(dir);
      const signed = await runCli(['sign', version2(registry), '--private-key', privateKey]);
      if (signed.code !== 0) throw new Error(signed.stderr);
      // The other key alone verifies this model: only the environment's policy refuses it.
      const verified = await runCli(['verify', version2(registry), '--public-key', publicKey]);
      if (verified.code !== 0) throw new Error(verified.stderr);
      return ['--registry', registry, '--public-key', publicKey];
    },
    exit: 1,
    cause: /policy of environment production.*Fix:/,
    code: 'key-hint-mismatch',
    status: 'refused',
  },
  {
    name: 'missing input: --model',
    arrange: async () => [],
    omit: '--model',
    exit: 2,
    cause: /input model is required\. Fix: set model \(CLI: --model\)/,
  },
  {
    name: 'identity without issuer',
    arrange: async ({ registry }) => ['--registry', registry, '--identity', 'someone@example.com'],
    exit: 2,
    cause: /keyless policy needs both identity and issuer.*Fix:/,
  },
  {
    name: 'two policies',
    arrange: async ({ registry }) => [
      '--registry',
      registry,
      '--public-key',
      EXAMPLE_PUBLIC_KEY,
      '--certificate-chain',
      EXAMPLE_PUBLIC_KEY,
    ],
    exit: 2,
    cause: /give one signing policy, not public-key and certificate-chain\. Fix:/,
  },
];

const temp = new TempDirs();
/** The output of a successful promotion, copied into each case's output folder first. */
let earlier: string;

beforeAll(async () => {
  const dir = await temp.make();
  earlier = path.join(dir, 'out');
  const run = await runCli(promoteArgs({ registry: await copyExampleRegistry(dir), output: earlier }));
  if (run.code !== 0) throw new Error(run.stderr);
  expect(await listTop(earlier)).toEqual(['image', 'manifests', 'promotion.json', 'summary.md']);
});
afterAll(() => temp.cleanup());

describe('bad input (issue 2 §9)', () => {
  it.each(CASES)('$name: exit $exit', async ({ arrange, omit, exit, cause, code, status }) => {
    const dir = await temp.make();
    const registry = await copyExampleRegistry(dir);
    const output = path.join(dir, 'out');
    await cp(earlier, output, { recursive: true });
    const args = await arrange({ registry, dir });
    const defaults = promoteArgs({ registry, output }).filter(
      (arg, i, all) => omit === undefined || (arg !== omit && all[i - 1] !== omit),
    );
    // The case's arguments come last: commander keeps the last value given.
    const run = await runCli([...defaults, ...args]);
    expect(run.code).toBe(exit);
    expect(run.stdout).toBe('');
    const errors = errorLines(run.stderr);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(cause);
    expect(errors[0]).toContain('Fix: ');

    // Inputs that cannot be read too: the promotion never began, and its record says why.
    expect(await listTop(output)).toEqual(['promotion.json', 'summary.md']);
    const record = await readJson<any>(path.join(output, 'promotion.json'));
    expect(record.status).toBe(status ?? 'failed');
    if (code !== undefined || status === undefined) expect(record.error.code).toBe(code ?? 'usage');
    expect(record.error.hint).toBeTruthy();
    expect(record.image).toBeUndefined();
    const summary = await readFile(path.join(output, 'summary.md'), 'utf8');
    expect(summary).toContain(record.error.code);
    expect(summary).toContain('Fix: ');
  });

  it("a refusal after the signature held is the version's history; a refused signature touches nothing", async () => {
    const dir = await temp.make();
    const registry = await copyExampleRegistry(dir);
    const history = path.join(registry, 'sentiment', '2.promotions.jsonl');
    const lines = async () => (await readFile(history, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    const before = (await lines()).length;

    await writeFile(path.join(registry, 'sentiment', '2.yaml'), 'labels:\n  gpu-memory: 100Gi\n');
    const noPool = await runCli(promoteArgs({ registry, output: path.join(dir, 'out') }));
    expect(noPool.code).toBe(1);
    const written = await lines();
    expect(written).toHaveLength(before + 1);
    expect(JSON.parse(written.at(-1)!)).toMatchObject({
      environment: 'production',
      version: '2',
      status: 'refused',
    });

    await rm(version2(registry, 'model.sig'));
    const unsigned = await runCli(promoteArgs({ registry, output: path.join(dir, 'out') }));
    expect(unsigned.code).toBe(1);
    expect(await lines()).toHaveLength(before + 1);
  });

  it('a malformed catalog names the file, line and field of the problem', async () => {
    const dir = await temp.make();
    const catalog = await catalogCopy(dir, (t) => t.replace('maxReplicas: 6', 'maxReplicas: six'));
    const run = await runCli(
      promoteArgs({ registry: await copyExampleRegistry(dir), output: path.join(dir, 'out'), catalog }),
    );
    expect(run.code).toBe(2);
    const line = await catalogLine('maxReplicas: 6');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.at(-2)).toMatch(/^error: catalog .* is invalid \(1 problem\)\. Fix: /);
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^  \\S*catalog\\.yaml:${line}:\\d+: environments\\.production\\.pools\\[0\\]\\.scaling\\.maxReplicas: `,
      ),
    );
  });

  it('leaves the example registry untouched', async () => {
    const { stdout } = await execFileAsync(
      'git',
      ['status', '--porcelain', '--', 'registry', 'keys', 'catalog.yaml'],
      {
        cwd: EXAMPLES,
      },
    );
    expect(stdout).toBe('');
  });
});
