/**
 * Benchmark: a model streamed from the real MLflow server into the verifier, against reference
 * tools run in the same script on the same bytes from the same server.
 *
 *   npx tsx bench/mlflow-download.ts                 # 1 GiB in 4 files
 *   npx tsx bench/mlflow-download.ts --size-mib 256  # quicker
 *
 * `mlflow server` (scripts/test-tools.sh's virtual environment; SQLite store, artifact serving)
 * runs on 127.0.0.1 with the model registered by the MLflow Python client. Our side runs in a child
 * process that does nothing else, so its peak RSS (process.resourceUsage().maxRSS, workers
 * included) is its own cost:
 *   ours: MlflowRegistry.resolve() into an empty download cache (every file streamed to disk and
 *         hashed on the way), then verifyModel with the version's knownDigests, as the pipeline does.
 * References, each timed the same way, files downloaded in parallel as ours are:
 *   `curl URL | tee FILE | sha256sum` per file: the same job (download, write, hash) by standard
 *   tools, piped without a shell: the target (ours <= 1.1 x this);
 *   `curl -o FILE` per file: download and write alone, no hash: the floor the server and the
 *   loopback set on this machine for any client;
 *   `openssl dgst -sha256 FILES` and digestModel, from disk: what hashing alone costs.
 * Files are read once before timing. Scratch data lives in .bench/mlflow-download (gitignored) and
 * is reused when its sizes match.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { signedScratchModel } from './scratch-files.js';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { silentLogger } from '../src/logger.js';
import { DownloadCache } from '../src/registry/download-cache.js';
import { openMlflowRegistry } from '../src/registry/mlflow-registry.js';
import { parseBundle } from '../src/signing/bundle.js';
import { digestModel } from '../src/signing/serialize.js';
import { parseStatement } from '../src/signing/statement.js';
import { verifyModel } from '../src/signing/verify-model.js';
import { startMlflowServer } from '../test/mlflow/mlflow-server.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const KEYS = resolve('examples/keys');

interface ChildResult {
  seconds: number;
  cpu: number;
  maxRssMiB: number;
  /** The model digest (download side) or the per-file digests (reference). */
  digest: string;
}

function measured(started: number, cpuBefore: NodeJS.CpuUsage, digest: string): ChildResult {
  const cpu = process.cpuUsage(cpuBefore);
  return {
    seconds: (performance.now() - started) / 1000,
    cpu: (cpu.user + cpu.system) / 1e6,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    digest,
  };
}

/** Child: resolve() from MLflow into an empty cache, then verifyModel with knownDigests. */
async function downloadChild(uri: string, cacheDir: string): Promise<ChildResult> {
  const publicKey = await readFile(join(KEYS, 'example-signing.pub.pem'), 'utf8');
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const registry = openMlflowRegistry(uri, {
    env: {},
    logger: silentLogger,
    cache: new DownloadCache(cacheDir),
  });
  const version = await registry.resolve('big', '1');
  const verified = await verifyModel(
    version,
    [{ source: 'bench', alternatives: [{ method: 'key', publicKeys: [publicKey] }] }],
    { ...(version.knownDigests && { knownDigests: version.knownDigests }) },
  );
  return measured(started, cpuBefore, verified.digest);
}

/** Child: digestModel over the folder, with the signature's serialization. */
async function referenceChild(directory: string): Promise<ChildResult> {
  const bundle = await readFile(join(directory, 'model.sig'));
  const { serialization } = parseStatement(parseBundle(bundle).envelope.payload);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const resources = await digestModel(directory, serialization, { signatureName: 'model.sig' });
  return measured(started, cpuBefore, resources.map((r) => `${r.name}=${r.digest}`).join(','));
}

interface ToolResult {
  seconds: number;
  /** CPU seconds of the tools (this process's waited-for children: cutime + cstime). */
  cpu: number;
  /** sha256 hex per file, when the tool hashed. */
  digests: string[];
}

/** Waits for a child; its stdout as text when `read` (a stdout piped on to another child is not read). */
function exited(child: ChildProcess, name: string, read = false): Promise<string> {
  let out = '';
  if (read) child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    // 'close' waits for stdout to close too, which a stdout handed on to another child never does here.
    child.on(read ? 'close' : 'exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${name} exited ${code}`)),
    );
  });
}

/** CPU seconds the children of this process have used so far (they must have been waited for). */
async function childrenCpu(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // cutime and cstime: fields 16 and 17 of proc(5), 14 and 15 after the name.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

async function timed(runTools: () => Promise<string[]>): Promise<ToolResult> {
  const cpuBefore = await childrenCpu();
  const started = performance.now();
  const digests = await runTools();
  const seconds = (performance.now() - started) / 1000;
  return { seconds, cpu: (await childrenCpu()) - cpuBefore, digests };
}

/** `curl -s URL | tee FILE | sha256sum`, the pipes wired here (no shell). */
async function curlTeeSha(url: string, file: string): Promise<string> {
  const curl = spawn('curl', ['-sSf', url], { stdio: ['ignore', 'pipe', 'inherit'] });
  const tee = spawn('tee', [file], { stdio: [curl.stdout, 'pipe', 'inherit'] });
  const sum = spawn('sha256sum', [], { stdio: [tee.stdout, 'pipe', 'inherit'] });
  const [, , out] = await Promise.all([
    exited(curl, 'curl'),
    exited(tee, 'tee'),
    exited(sum, 'sha256sum', true),
  ]);
  return out.split(' ')[0]!;
}

async function curlOnly(url: string, file: string): Promise<string> {
  await exited(spawn('curl', ['-sSf', '-o', file, url], { stdio: ['ignore', 'ignore', 'inherit'] }), 'curl');
  return '';
}

async function opensslFiles(files: string[]): Promise<string[]> {
  const out = await exited(
    spawn('openssl', ['dgst', '-sha256', '-r', ...files], { stdio: ['ignore', 'pipe', 'inherit'] }),
    'openssl',
    true,
  );
  return out
    .trim()
    .split('\n')
    .map((line) => line.split(' ')[0]!);
}

/** The artifact proxy URL of a version's files, from the server's own `get-download-uri`. */
async function artifactBase(url: string, model: string, version: string): Promise<string> {
  const query = new URLSearchParams({ name: model, version });
  const response = await fetch(`${url}/api/2.0/mlflow/model-versions/get-download-uri?${query}`);
  const { artifact_uri: uri } = (await response.json()) as { artifact_uri: string };
  const path = /^mlflow-artifacts:\/(.*)$/.exec(uri)?.[1];
  if (path === undefined) throw new Error(`unexpected artifact URI ${uri}`);
  return `${url}/api/2.0/mlflow-artifacts/artifacts/${path.replace(/^\/+/, '')}`;
}

async function inChild(args: string[]): Promise<ChildResult> {
  const self = fileURLToPath(import.meta.url);
  const { stdout } = await run(process.execPath, [...process.execArgv, self, ...args], {
    maxBuffer: 16 * MiB,
  });
  return JSON.parse(stdout) as ChildResult;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'download-child': { type: 'string' },
      'reference-child': { type: 'string' },
      cache: { type: 'string' },
      'size-mib': { type: 'string', default: '1024' },
      files: { type: 'string', default: '4' },
      dir: { type: 'string', default: '.bench/mlflow-download' },
    },
  });
  if (values['download-child']) {
    process.stdout.write(JSON.stringify(await downloadChild(values['download-child'], values.cache!)));
    return;
  }
  if (values['reference-child']) {
    process.stdout.write(JSON.stringify(await referenceChild(values['reference-child'])));
    return;
  }

  const sizeMiB = Number(values['size-mib']);
  const count = Math.max(1, Number(values.files));
  const fileSize = Math.floor((sizeMiB * MiB) / count);
  const root = resolve(values.dir);
  const model = join(root, `model-${count}x${fileSize}`);
  const names = Array.from({ length: count }, (_, i) => `part-${i}.safetensors`);
  await signedScratchModel(model, names, fileSize);

  const server = await startMlflowServer();
  const cache = join(root, 'cache');
  const scratch = join(root, 'curl');
  const paths = names.map((name) => join(model, name));
  const fresh = () => {
    rmSync(cache, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
  };
  let ours: ChildResult;
  let teeSha: ToolResult;
  let curlAlone: ToolResult;
  try {
    const version = await server.register('big', model, {});
    const base = await artifactBase(server.url, 'big', version);
    const urls = names.map((name) => `${base}/${name}`);
    fresh();
    ours = await inChild(['--download-child', server.registry, '--cache', cache]);
    fresh();
    teeSha = await timed(() => Promise.all(urls.map((url, i) => curlTeeSha(url, join(scratch, names[i]!)))));
    fresh();
    curlAlone = await timed(() => Promise.all(urls.map((url, i) => curlOnly(url, join(scratch, names[i]!)))));
  } finally {
    await server.stop();
    rmSync(cache, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
  const openssl = await timed(() => opensslFiles(paths));
  const reference = await inChild(['--reference-child', model]);
  if (teeSha.digests.join() !== openssl.digests.join()) {
    throw new Error(`curl | sha256sum and openssl disagree: ${teeSha.digests} / ${openssl.digests}`);
  }

  const ratio = (seconds: number) => (ours.seconds / seconds).toFixed(2);
  const target = ours.seconds / teeSha.seconds;
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const lines = [
    `${count} x ${(fileSize / MiB).toFixed(0)} MiB (${sizeMiB} MiB), ${availableParallelism()} CPUs, node ${process.version}`,
    '',
    row(['side', 'wall s', 'CPU s', 'peak RSS MiB', 'ours / side']),
    row(['---', '---:', '---:', '---:', '---:']),
    row([
      'ours: resolve() from MLflow + verifyModel(knownDigests)',
      ours.seconds.toFixed(2),
      ours.cpu.toFixed(2),
      `${ours.maxRssMiB.toFixed(0)} (<= 200 ${ours.maxRssMiB <= 200 ? 'ok' : 'MISSED'})`,
      '1.00',
    ]),
    row([
      '`curl \\| tee FILE \\| sha256sum` per file, in parallel (target: ours <= 1.1 x this)',
      teeSha.seconds.toFixed(2),
      teeSha.cpu.toFixed(2),
      '',
      `${target.toFixed(2)} (${target <= 1.1 ? 'ok' : 'MISSED'})`,
    ]),
    row([
      '`curl -o FILE` per file, in parallel (no hash)',
      curlAlone.seconds.toFixed(2),
      curlAlone.cpu.toFixed(2),
      '',
      ratio(curlAlone.seconds),
    ]),
    row([
      '`openssl dgst -sha256 FILES` from disk',
      openssl.seconds.toFixed(2),
      openssl.cpu.toFixed(2),
      '',
      ratio(openssl.seconds),
    ]),
    row([
      'digestModel from disk (our verifier, worker pool)',
      reference.seconds.toFixed(2),
      reference.cpu.toFixed(2),
      reference.maxRssMiB.toFixed(0),
      ratio(reference.seconds),
    ]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
