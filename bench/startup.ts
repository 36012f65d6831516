/**
 * Benchmark: what a user waits for before the CLI does anything, and what a whole process costs,
 * against reference commands run in the same script, interleaved, on the same machine.
 *
 *   npx tsx bench/startup.ts                  # 15 runs of each start-up case; verify on 8 x 96 MiB; promote 2 GiB
 *   npx tsx bench/startup.ts --runs 5 --file-mib 16 --promote-mib 256   # quicker
 *
 * Every case runs the committed bundle (`node dist/cli/index.js`, as `npx model-promote` does)
 * on the Node that runs the Action (node@24), one process per run:
 *   start-up: `--version` and `verify --help`, each against `node -e 0` (median of the runs,
 *             the reference run right before each case's run so both see the same machine load);
 *             target <= 2.5x bare node;
 *   verify:   `model-promote verify` of 8 files (the whole process: start-up, signature, hashing
 *             on every core) against `openssl dgst -sha256` over the same files one after another;
 *             target <= 0.6x;
 *   promote:  `model-promote promote` of a 2 GiB model from a registry folder to an OCI layout
 *             (the embedded default: fetch, verify, build, manifests), its peak RSS from
 *             /usr/bin/time; target <= 150 MiB.
 * Files are read once before timing, so every side reads from the page cache. Scratch data lives
 * in .bench/startup (gitignored) and is reused when its sizes match.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { signedScratchModel } from './scratch-files.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const NODE = resolve('node_modules/node/bin/node');
const CLI = resolve('dist/cli/index.js');

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    'file-mib': { type: 'string', default: '96' },
    'promote-mib': { type: 'string', default: '2048' },
    dir: { type: 'string', default: '.bench/startup' },
  },
});
const runs = Number(values.runs);
const root = resolve(values.dir);

async function seconds(file: string, args: readonly string[]): Promise<number> {
  const started = performance.now();
  await run(file, [...args], { maxBuffer: 16 * MiB });
  return (performance.now() - started) / 1000;
}

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs the case and its reference alternately, `runs` times each; medians. */
async function paired(
  ours: readonly string[],
  reference: readonly [string, readonly string[]],
  times = runs,
): Promise<{ ours: number; reference: number }> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < times; i++) {
    b.push(await seconds(reference[0], reference[1]));
    a.push(await seconds(NODE, ours));
  }
  return { ours: median(a), reference: median(b) };
}

/** A registry folder holding `big` v1 (the model) with the example model's labels. */
function registryWith(model: string): string {
  const registry = join(root, 'registry');
  rmSync(registry, { recursive: true, force: true });
  mkdirSync(join(registry, 'big'), { recursive: true });
  cpSync(model, join(registry, 'big', '1'), { recursive: true });
  const labels = readFileSync('examples/registry/sentiment/model.yaml', 'utf8').replace(
    /^aliases:[\s\S]*$/m,
    '',
  );
  writeFileSync(join(registry, 'big', 'model.yaml'), labels);
  cpSync('examples/registry/sentiment/2.yaml', join(registry, 'big', '1.yaml'));
  return registry;
}

interface Row {
  readonly case: string;
  readonly ours: string;
  readonly reference: string;
  readonly ratio: number | undefined;
  readonly target: string;
  readonly met: boolean;
}

const shards = (count: number) => Array.from({ length: count }, (_, i) => `shard-${i + 1}.bin`);
const rows: Row[] = [];
const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;

for (const [name, args] of [
  ['--version', [CLI, '--version']],
  ['verify --help', [CLI, 'verify', '--help']],
] as const) {
  const timed = await paired(args, [NODE, ['-e', '0']]);
  const ratio = timed.ours / timed.reference;
  rows.push({
    case: `start-up: ${name}`,
    ours: ms(timed.ours),
    reference: `node -e 0: ${ms(timed.reference)}`,
    ratio,
    target: '<= 2.5',
    met: ratio <= 2.5,
  });
}

const fileMiB = Number(values['file-mib']);
const verifyDir = join(root, `verify-8x${fileMiB}`);
const files = await signedScratchModel(verifyDir, shards(8), fileMiB * MiB);
const verified = await paired(
  [CLI, 'verify', verifyDir, '--public-key', resolve('examples/keys/example-signing.pub.pem')],
  ['openssl', ['dgst', '-sha256', ...files]],
  Math.min(runs, 5),
);
rows.push({
  case: `verify: 8 x ${fileMiB} MiB, whole process`,
  ours: `${verified.ours.toFixed(2)} s`,
  reference: `openssl dgst -sha256: ${verified.reference.toFixed(2)} s`,
  ratio: verified.ours / verified.reference,
  target: '<= 0.6',
  met: verified.ours / verified.reference <= 0.6,
});

const promoteMiB = Number(values['promote-mib']);
const promoteModel = join(root, `promote-${promoteMiB}`);
await signedScratchModel(promoteModel, shards(8), (promoteMiB / 8) * MiB);
const registry = registryWith(promoteModel);
const output = join(root, 'out');
rmSync(output, { recursive: true, force: true });
// GNU time prints the peak resident set (KiB) of the process, its threads (the hash workers) included.
const timed = await run(
  '/usr/bin/time',
  [
    '-f',
    'maxrss-kib=%M',
    NODE,
    CLI,
    'promote',
    '--registry',
    registry,
    '--model',
    'big',
    '--version',
    '1',
    '--environment',
    'production',
    '--catalog',
    resolve('examples/catalog.yaml'),
    '--output',
    output,
    '--source-date-epoch',
    '0',
  ],
  { maxBuffer: 16 * MiB },
);
const rssMiB = Number(/maxrss-kib=(\d+)/.exec(timed.stderr)![1]) / 1024;
rows.push({
  case: `promote: ${promoteMiB} MiB to an OCI layout, peak RSS`,
  ours: `${rssMiB.toFixed(0)} MiB`,
  reference: '',
  ratio: undefined,
  target: '<= 150 MiB',
  met: rssMiB <= 150,
});
rmSync(output, { recursive: true, force: true });

console.log(`node ${process.versions.node}, ${runs} runs per start-up case (medians)\n`);
console.log('| case | ours | reference | ours / reference | target | met |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) {
  console.log(
    `| ${row.case} | ${row.ours} | ${row.reference} | ${row.ratio?.toFixed(2) ?? ''} | ${row.target} | ${row.met ? 'yes' : 'NO'} |`,
  );
}
