/**
 * Benchmark: a model streamed from the MLflow double into the verifier, against the same bytes
 * hashed from disk by digestModel.
 *
 *   npx tsx bench/mlflow-download.ts                 # 1 GiB in 4 files
 *   npx tsx bench/mlflow-download.ts --size-mib 256  # quicker
 *
 * The double (test/doubles/mlflow-double.ts) runs in this process and serves the files from disk.
 * Each side runs in a child process that does nothing else, so its peak RSS
 * (process.resourceUsage().maxRSS, workers included) is its own cost:
 *   download: MlflowRegistry.resolve() into an empty download cache (every file streamed to disk
 *             and hashed on the way), then verifyModel with the version's knownDigests, as the
 *             pipeline does;
 *   reference: digestModel over the model folder (the worker pool), one after the other.
 * Files are read once before timing, so both sides read from the page cache. Scratch data lives in
 * .bench/mlflow-download (gitignored) and is reused when its sizes match.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
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
import { signModel } from '../src/signing/sign-model.js';
import { parseStatement } from '../src/signing/statement.js';
import { verifyModel } from '../src/signing/verify-model.js';
import { MlflowDouble, type FileSource } from '../test/doubles/mlflow-double.js';

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

/** Child: resolve() from the double into an empty cache, then verifyModel with knownDigests. */
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

async function inChild(args: string[]): Promise<ChildResult> {
  const self = fileURLToPath(import.meta.url);
  const { stdout } = await run(process.execPath, [...process.execArgv, self, ...args], {
    maxBuffer: 16 * MiB,
  });
  return JSON.parse(stdout) as ChildResult;
}

/** Writes `size` bytes from a random block, varied per file; false when the file was there already. */
function writeData(path: string, size: number, seed: number, block: Buffer): boolean {
  if (existsSync(path) && statSync(path).size === size) return false;
  const fd = openSync(path, 'w');
  try {
    for (let offset = 0, rep = 0; offset < size; offset += block.length, rep++) {
      block.writeUInt32LE(seed, 0);
      block.writeUInt32LE(rep, 4);
      writeSync(fd, block, 0, Math.min(block.length, size - offset));
    }
  } finally {
    closeSync(fd);
  }
  return true;
}

function warm(path: string): void {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(8 * MiB);
  try {
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
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
  mkdirSync(model, { recursive: true });
  const block = randomBytes(Math.min(64 * MiB, fileSize));
  const names = Array.from({ length: count }, (_, i) => `part-${i}.safetensors`);
  const written = names.map((name, i) => writeData(join(model, name), fileSize, i + 1, block));
  if (written.some(Boolean) || !existsSync(join(model, 'model.sig'))) {
    await signModel(model, { privateKeyPath: join(KEYS, 'example-signing.key.pem') });
  }
  names.forEach((name) => warm(join(model, name)));

  const double = await new MlflowDouble().start();
  double.addModel('big');
  const files = new Map<string, FileSource>(
    [...names, 'model.sig'].map((name) => [name, { file: join(model, name) }]),
  );
  double.addVersion('big', '1', files);
  const cache = join(root, 'cache');
  rmSync(cache, { recursive: true, force: true });
  let download: ChildResult;
  try {
    download = await inChild(['--download-child', double.uri, '--cache', cache]);
  } finally {
    await double.stop();
    rmSync(cache, { recursive: true, force: true });
  }
  const reference = await inChild(['--reference-child', model]);

  const ratio = download.seconds / reference.seconds;
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const lines = [
    `${count} x ${(fileSize / MiB).toFixed(0)} MiB (${sizeMiB} MiB), ${availableParallelism()} CPUs, node ${process.version}`,
    '',
    row(['side', 'wall s', 'CPU s', 'peak RSS MiB', 'target']),
    row(['---', '---:', '---:', '---:', '---']),
    row([
      'resolve() from the MLflow double + verifyModel(knownDigests)',
      download.seconds.toFixed(2),
      download.cpu.toFixed(2),
      download.maxRssMiB.toFixed(0),
      `RSS <= 200 ${download.maxRssMiB <= 200 ? 'ok' : 'MISSED'}`,
    ]),
    row([
      'digestModel from disk (reference)',
      reference.seconds.toFixed(2),
      reference.cpu.toFixed(2),
      reference.maxRssMiB.toFixed(0),
      '',
    ]),
    row([
      'wall-time ratio download / reference',
      ratio.toFixed(2),
      '',
      '',
      `<= 1.2 ${ratio <= 1.2 ? 'ok' : 'MISSED'}`,
    ]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
