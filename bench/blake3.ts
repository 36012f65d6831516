/**
 * Benchmark: BLAKE3. Which npm package hashes faster, and what a blake3-signed model costs to
 * verify next to a sha256-signed one of the same size.
 *
 *   npx tsx bench/blake3.ts                    # 8 x 128 MiB model, 1 GiB per library
 *   npx tsx bench/blake3.ts --files 4 --file-mib 64 --repeat 1
 *
 * 1. Libraries, one thread, the same 256 KiB blocks (the hash pool's read size), 1 GiB each:
 *    hash-wasm and blake3-jit, against node's sha256 and against the reference BLAKE3, the
 *    Rust-backed `blake3` Python package model_signing itself hashes with (test-tools.sh installs it).
 * 2. digestModel (the verify path, worker pool included) on one model, sha256 then blake3, in
 *    child processes of bench/verify.ts that do nothing else. Target: blake3 <= 1.2 x sha256.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { createHasher as jitHasher, warmupSimd } from 'blake3-jit';
import { createBLAKE3 } from 'hash-wasm';
import { toolPath } from '../test/control-plane/tools.js';
import { warm, writeData } from './scratch-files.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const BLOCK = 256 * 1024;

interface Hashing {
  update(block: Uint8Array): unknown;
  hex(): string;
}

/** MiB/s of `make()` over `total` bytes of 256 KiB blocks; best of `repeat`. */
function throughput(make: () => Hashing, block: Buffer, total: number, repeat: number): [number, string] {
  let best = 0;
  let digest = '';
  for (let r = 0; r < repeat; r++) {
    const started = performance.now();
    const hash = make();
    for (let done = 0; done < total; done += block.length) hash.update(block);
    digest = hash.hex();
    best = Math.max(best, total / MiB / ((performance.now() - started) / 1000));
  }
  return [best, digest];
}

/** The reference: Python's blake3 (Rust, SIMD) over a file, read in the same 256 KiB blocks. */
async function pythonBlake3(file: string, repeat: number): Promise<[number, string]> {
  const script = [
    'import blake3, sys, time',
    'best = 0',
    'for _ in range(int(sys.argv[2])):',
    '    h = blake3.blake3(); n = 0; t = time.perf_counter()',
    "    with open(sys.argv[1], 'rb', buffering=0) as f:",
    `        while b := f.read(${BLOCK}): h.update(b); n += len(b)`,
    '    best = max(best, n / 1048576 / (time.perf_counter() - t))',
    'print(best, h.hexdigest())',
  ].join('\n');
  const { stdout } = await run(toolPath('test-python'), ['-c', script, file, String(repeat)]);
  const [rate, digest] = stdout.trim().split(' ');
  return [Number(rate), digest!];
}

async function digestSeconds(directory: string, hashType: string, repeat: number): Promise<number> {
  const verifyBench = join(import.meta.dirname, 'verify.ts');
  const serialization = { method: 'files', hashType, allowSymlinks: false, ignorePaths: [] };
  let best = Infinity;
  for (let r = 0; r < repeat; r++) {
    const { stdout } = await run(
      process.execPath,
      [
        ...process.execArgv,
        verifyBench,
        '--child',
        directory,
        '--serialization',
        JSON.stringify(serialization),
      ],
      { maxBuffer: 64 * MiB },
    );
    best = Math.min(best, (JSON.parse(stdout) as { seconds: number }).seconds);
  }
  return best;
}

function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | '));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      files: { type: 'string', default: '8' },
      'file-mib': { type: 'string', default: '128' },
      repeat: { type: 'string', default: '3' },
      dir: { type: 'string', default: '.bench/blake3' },
    },
  });
  const repeat = Math.max(1, Number(values.repeat));
  const fileSize = Number(values['file-mib']) * MiB;
  const root = resolve(values.dir);
  mkdirSync(root, { recursive: true });
  const block = randomBytes(Math.min(64 * MiB, fileSize));
  const files = Array.from({ length: Number(values.files) }, (_, i) => join(root, `part-${i}.bin`));
  files.forEach((file, i) => writeData(file, fileSize, i + 1, block));
  files.forEach(warm);
  console.log(`cores: ${availableParallelism()}, repeat: ${repeat} (best kept), data in ${root}`);

  const total = 1024 * MiB;
  const chunk = randomBytes(BLOCK);
  const wasm = await createBLAKE3();
  warmupSimd();
  const libraries: [string, () => Hashing][] = [
    ['node:crypto sha256 (reference)', () => {
      const h = createHash('sha256');
      return { update: (b) => h.update(b), hex: () => h.digest('hex') };
    }],
    ['hash-wasm blake3', () => {
      wasm.init();
      return { update: (b) => wasm.update(b), hex: () => wasm.digest('hex') };
    }],
    ['blake3-jit blake3', () => {
      const h = jitHasher();
      return { update: (b) => h.update(b), hex: () => Buffer.from(h.finalize()).toString('hex') };
    }],
  ]; // prettier-ignore
  const rows = [['library (1 thread, 256 KiB blocks)', 'MiB/s', 'vs sha256']];
  const rates = new Map<string, number>();
  const digests = new Set<string>();
  for (const [name, make] of libraries) {
    const [rate, digest] = throughput(make, chunk, total, repeat);
    rates.set(name, rate);
    if (name.includes('blake3')) digests.add(digest);
  }
  if (digests.size !== 1) throw new Error('the two BLAKE3 packages disagree on the same bytes');
  const sha256Rate = rates.get('node:crypto sha256 (reference)')!;
  for (const [name, rate] of rates) rows.push([name, rate.toFixed(0), (sha256Rate / rate).toFixed(2)]);
  const [pythonRate] = await pythonBlake3(files[0]!, repeat);
  rows.push([
    'python blake3 (Rust; what model_signing uses)',
    pythonRate.toFixed(0),
    (sha256Rate / pythonRate).toFixed(2),
  ]);
  table(rows);

  const sha256 = await digestSeconds(root, 'sha256', repeat);
  const blake3 = await digestSeconds(root, 'blake3', repeat);
  const ratio = blake3 / sha256;
  console.log('');
  table([
    ['digestModel, files', 'sha256 s', 'blake3 s', 'ratio', 'target', 'ok'],
    [
      `${files.length} x ${values['file-mib']} MiB`,
      sha256.toFixed(2),
      blake3.toFixed(2),
      ratio.toFixed(2),
      '<= 1.2',
      ratio <= 1.2 ? 'yes' : 'NO',
    ],
  ]);
  if (ratio > 1.2) process.exitCode = 1;
}

await main();
