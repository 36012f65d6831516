/**
 * Shared by the end-to-end tests: temporary folders (always removed), a private copy of the
 * example registry (the example is never modified in place), the CLI run in-process with its
 * stdout and stderr captured, and small readers of what a promotion wrote.
 */
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { main } from '../../src/cli/program.js';
import { MARKER_FILE } from '../../src/report/output-folder.js';

export const execFileAsync = promisify(execFile);

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const EXAMPLES = path.join(REPO, 'examples');
export const EXAMPLE_CATALOG = path.join(EXAMPLES, 'catalog.yaml');
export const EXAMPLE_PUBLIC_KEY = path.join(EXAMPLES, 'keys/example-signing.pub.pem');
export const EXAMPLE_PRIVATE_KEY = path.join(EXAMPLES, 'keys/example-signing.key.pem');
/** Node 24 from the node@24 devDependency: the runtime action.yml names. */
export const NODE_24 = path.join(REPO, 'node_modules/.bin/node');

/** Temporary folders of one test file; call `cleanup()` in afterAll/afterEach. */
export class TempDirs {
  private readonly dirs: string[] = [];

  async make(prefix = 'model-promote-e2e-'): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/** A copy of examples/registry under `dir` without the demo's promotion history. Returns its path. */
export async function copyExampleRegistry(dir: string): Promise<string> {
  const registry = path.join(dir, 'registry');
  await cp(path.join(EXAMPLES, 'registry'), registry, {
    recursive: true,
    filter: (source) => !source.endsWith('.promotions.jsonl'),
  });
  return registry;
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `model-promote ARGV` in this process, with the repository as working directory unless given. */
export async function runCli(argv: readonly string[], cwd = REPO): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd,
  });
  return { code, stdout, stderr };
}

export interface DemoArgs {
  readonly registry: string;
  readonly output: string;
  readonly model?: string;
  readonly version?: string;
  readonly environment?: string;
  readonly catalog?: string;
}

/** The demo's `promote` command line, pointed at a registry copy and a temporary output. */
export function promoteArgs(args: DemoArgs, ...extra: string[]): string[] {
  return [
    'promote',
    '--registry',
    args.registry,
    '--model',
    args.model ?? 'sentiment',
    '--version',
    args.version ?? 'champion',
    '--environment',
    args.environment ?? 'production',
    '--catalog',
    args.catalog ?? EXAMPLE_CATALOG,
    '--output',
    args.output,
    ...extra,
  ];
}

/** Every regular file under `dir`, as sorted POSIX paths relative to it ([] when `dir` is absent). */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/**
 * The top-level names in `dir` ([] when absent), but the output folder's marker: every folder a
 * promotion claims has one (src/report/output-folder.ts), and output-folder.test.ts checks it.
 */
export async function listTop(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter((name) => name !== MARKER_FILE).sort();
}

export async function readJson<T = Record<string, unknown>>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

export async function sha256File(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/** A fresh ECDSA P-256 key pair written as PEM files under `dir`. */
export async function generateKeyPair(
  dir: string,
  name = 'other',
): Promise<{ privateKey: string; publicKey: string }> {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateKey = path.join(dir, `${name}.key.pem`);
  const publicKey = path.join(dir, `${name}.pub.pem`);
  await writeFile(privateKey, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(publicKey, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  return { privateKey, publicKey };
}

/** Lines of `text` that start with `error:` (the CLI's one-line failure). */
export function errorLines(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('error:'));
}

/** `sha256:` + the subject digest of an OMS bundle's in-toto statement, read independently of src/. */
export async function signatureSubject(signatureFile: string): Promise<string> {
  const bundle = await readJson<{ dsseEnvelope: { payload: string } }>(signatureFile);
  const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as {
    subject: { digest: { sha256: string } }[];
  };
  return `sha256:${statement.subject[0]!.digest.sha256}`;
}

/**
 * A safetensors file whose header declares one float32 tensor `w` of `weightBytes` bytes, the
 * weights a sparse hole: a big model that costs no disk. Returns the header's length in bytes.
 */
export async function writeSparseSafetensors(file: string, weightBytes: number): Promise<number> {
  const header = Buffer.from(
    JSON.stringify({ w: { dtype: 'F32', shape: [16, weightBytes / 64], data_offsets: [0, weightBytes] } }),
  );
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  await writeFile(file, Buffer.concat([length, header]));
  await truncate(file, 8 + header.length + weightBytes);
  return header.length;
}
