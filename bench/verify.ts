/**
 * Benchmark: hashing a model with digestModel (worker pool) against `openssl dgst -sha256`.
 *
 *   npx tsx bench/verify.ts                      # 8 x 256 MiB and 1 x 2 GiB (4 GiB on disk)
 *   npx tsx bench/verify.ts --file-mib 16 --single-mib 128 --repeat 1   # small, for a quick look
 *
 * Each case runs `--repeat` times (best kept), one after another. Our side runs in a child process
 * that only runs digestModel, so its peak RSS (process.resourceUsage().maxRSS, workers included)
 * is the cost of hashing alone. Files are read once before timing, so both sides hash from the
 * page cache. Scratch data lives in .bench/verify (gitignored) and is reused when present.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { warm, writeData } from './scratch-files.js';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { digestModel } from '../src/signing/serialize.js';
import type { Serialization } from '../src/signing/statement.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;

interface ChildResult {
  seconds: number;
  /** User + system CPU seconds: what the work cost, whatever else the machine is doing. */
  cpu: number;
  maxRssMiB: number;
  digests: Record<string, string>;
}

/** The child: digestModel only, then its time and peak RSS as JSON on stdout. */
async function child(directory: string, serialization: Serialization): Promise<void> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const resources = await digestModel(directory, serialization);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const result: ChildResult = {
    seconds,
    cpu: (cpu.user + cpu.system) / 1e6,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    digests: Object.fromEntries(resources.map((r) => [r.name, r.digest])),
  };
  process.stdout.write(JSON.stringify(result));
}

async function ours(directory: string, serialization: Serialization): Promise<ChildResult> {
  const self = fileURLToPath(import.meta.url);
  const { stdout } = await run(
    process.execPath,
    [...process.execArgv, self, '--child', directory, '--serialization', JSON.stringify(serialization)],
    { maxBuffer: 64 * MiB },
  );
  return JSON.parse(stdout) as ChildResult;
}

/** openssl under /usr/bin/time when present, for its CPU time (`%U %S`). */
async function openssl(
  files: string[],
): Promise<{ seconds: number; cpu: number; digests: Record<string, string> }> {
  const timed = existsSync('/usr/bin/time');
  const argv = ['dgst', '-sha256', ...files];
  const started = performance.now();
  const { stdout, stderr } = timed
    ? await run('/usr/bin/time', ['-f', 'cpu %U %S', 'openssl', ...argv], { maxBuffer: 64 * MiB })
    : await run('openssl', argv, { maxBuffer: 64 * MiB });
  const seconds = (performance.now() - started) / 1000;
  const times = /cpu ([0-9.]+) ([0-9.]+)/.exec(stderr);
  const cpu = times ? Number(times[1]) + Number(times[2]) : NaN;
  const digests: Record<string, string> = {};
  for (const line of stdout.trim().split('\n')) {
    const match = /^SHA2?-?256\((.*)\)= ([0-9a-f]{64})$/.exec(line);
    if (match) digests[match[1]!] = match[2]!;
  }
  return { seconds, cpu, digests };
}

interface Case {
  label: string;
  directory: string;
  files: string[];
  serialization: Serialization;
  target: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      serialization: { type: 'string' },
      files: { type: 'string', default: '8' },
      'file-mib': { type: 'string', default: '256' },
      'single-mib': { type: 'string', default: '2048' },
      repeat: { type: 'string', default: '3' },
      dir: { type: 'string', default: '.bench/verify' },
    },
  });
  if (values.child) return child(values.child, JSON.parse(values.serialization!) as Serialization);

  const count = Number(values.files);
  const fileSize = Number(values['file-mib']) * MiB;
  const singleSize = Number(values['single-mib']) * MiB;
  const repeat = Math.max(1, Number(values.repeat));
  const root = resolve(values.dir);
  const many = join(root, `many-${count}x${values['file-mib']}`);
  const single = join(root, `single-${values['single-mib']}`);
  mkdirSync(many, { recursive: true });
  mkdirSync(single, { recursive: true });

  const block = randomBytes(Math.min(64 * MiB, Math.max(fileSize, singleSize)));
  const manyFiles = Array.from({ length: count }, (_, i) => join(many, `part-${i}.bin`));
  manyFiles.forEach((path, i) => writeData(path, fileSize, i + 1, block));
  const singleFile = join(single, 'weights.bin');
  writeData(singleFile, singleSize, 1000, block);
  [...manyFiles, singleFile].forEach(warm);

  const base = { hashType: 'sha256', allowSymlinks: false, ignorePaths: [] as string[] };
  const cases: Case[] = [
    {
      label: `${count} x ${values['file-mib']} MiB, files`,
      directory: many,
      files: manyFiles,
      serialization: { ...base, method: 'files' },
      target: 0.6,
    },
    {
      label: `1 x ${values['single-mib']} MiB, files`,
      directory: single,
      files: [singleFile],
      serialization: { ...base, method: 'files' },
      target: 1.1,
    },
    {
      label: `1 x ${values['single-mib']} MiB, shards 1e9`,
      directory: single,
      files: [singleFile],
      serialization: { ...base, method: 'shards', shardSize: 1_000_000_000 },
      target: 0.6,
    },
    {
      label: `1 x ${values['single-mib']} MiB, shards 256 MiB`,
      directory: single,
      files: [singleFile],
      serialization: { ...base, method: 'shards', shardSize: 256 * MiB },
      target: 0.6,
    },
  ];

  console.log(`cores: ${availableParallelism()}, repeat: ${repeat} (best kept), data in ${root}`);
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const rows: string[][] = [
    ['case', 'ours s', 'openssl s', 'ratio', 'target', 'peak RSS MiB', 'ok', 'cpu s ours/openssl'],
  ];
  let failed = false;
  for (const c of cases) {
    let best: ChildResult | undefined;
    let reference: Awaited<ReturnType<typeof openssl>> | undefined;
    for (let i = 0; i < repeat; i++) {
      const r = await openssl(c.files);
      if (!reference || r.seconds < reference.seconds) reference = r;
      const o = await ours(c.directory, c.serialization);
      if (!best || o.seconds < best.seconds)
        best = { ...o, maxRssMiB: Math.max(o.maxRssMiB, best?.maxRssMiB ?? 0) };
      else best.maxRssMiB = Math.max(best.maxRssMiB, o.maxRssMiB);
    }
    if (c.serialization.method === 'files') {
      for (const file of c.files) {
        const name = file.slice(c.directory.length + 1);
        if (best!.digests[name] !== reference!.digests[file])
          throw new Error(`${c.label}: digest of ${name} differs from openssl`);
      }
    }
    const ratio = best!.seconds / reference!.seconds;
    const ok = ratio <= c.target && best!.maxRssMiB <= 200;
    failed ||= !ok;
    rows.push([
      c.label,
      best!.seconds.toFixed(2),
      reference!.seconds.toFixed(2),
      ratio.toFixed(2),
      `<= ${c.target}`,
      best!.maxRssMiB.toFixed(0),
      ok ? 'yes' : 'NO',
      `${best!.cpu.toFixed(2)} / ${reference!.cpu.toFixed(2)}`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | '));
  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  process.exitCode = failed ? 1 : 0;
}

await main();
