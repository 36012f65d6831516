/**
 * Benchmark: pushing a model image with our daemonless build + RegistrySink, against skopeo copy of
 * the same image and against buildah bud + buildah push of the equivalent Containerfile, to a fresh
 * registry on loopback started by this script: Debian's docker-registry, then olareg (an OCI 1.1
 * registry with the Referrers API, from scripts/test-tools.sh). Ratios are measured in the same run.
 *
 *   npx tsx bench/push.ts                               # 2 GiB model in 4 files, both registries
 *   npx tsx bench/push.ts --total-mib 256               # quick look
 *   npx tsx bench/push.ts --registry olareg             # one of docker-registry, olareg
 *
 * Our pushes run in a child process that does nothing else, so its peak RSS
 * (process.resourceUsage().maxRSS) is the cost of building and pushing alone; a child that only
 * loads the same modules gives the baseline (node + tsx + our code). The pushes share one layer-key
 * cache (LayerKeyCache in a folder emptied before the first push), fed with the files' sha256 as the
 * pipeline feeds it from the verified signature. Scratch data lives in
 * .bench/push (gitignored); the model files are reused when their sizes match.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import {
  startReferrersRegistry,
  startRegistry,
  type TestRegistry,
} from '../test/registry/registry-server.js';
import { poolSchema } from '../src/environments/catalog-schema.js';
import { scratchImage } from '../src/image/base-image.js';
import { buildImage, type BuildInput } from '../src/image/build.js';
import { LayerKeyCache } from '../src/image/layer-key-cache.js';
import { CONTEXT_MODEL_DIR, renderContainerfile } from '../src/image/containerfile.js';
import { planImage } from '../src/image/plan.js';
import { OciLayoutSink } from '../src/oci/layout-sink.js';
import { RegistryClient } from '../src/oci/remote/client.js';
import { type PushStats, RegistrySink } from '../src/oci/remote/registry-sink.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const FILES = 4;
const AMD64 = { os: 'linux', architecture: 'amd64' };

interface PushJob {
  /** Model folder and its files. */
  readonly directory: string;
  readonly files: readonly { path: string; size: number }[];
  /** Path -> sha256 hex, as the verified signature gives them. */
  readonly sha256: Readonly<Record<string, string>>;
  /** The layer-key cache folder. */
  readonly cacheDir: string;
  readonly registry: string;
  readonly repository: string;
  readonly pool: string;
  readonly version: string;
}

interface ChildResult {
  seconds: number;
  maxRssMiB: number;
  digest: string;
  stats: PushStats;
  /** Model layers skipped unread by their layer key. */
  reusedLayers: number;
}

function buildInput(job: Pick<PushJob, 'directory' | 'files' | 'pool' | 'version'>): BuildInput {
  return {
    directory: job.directory,
    files: job.files,
    pool: poolSchema.parse({ name: job.pool, image: { base: { default: 'scratch' } } }),
    base: scratchImage(AMD64),
    model: { name: 'bench', version: job.version, digest: `sha256:${'0'.repeat(64)}` },
    sourceDateEpoch: 0,
    tags: [job.version, `${job.version}-${job.pool}`],
  };
}

/** In the child: the pipeline's build straight into a RegistrySink. */
async function childPush(job: PushJob): Promise<void> {
  const started = performance.now();
  // As the pipeline wires it: layer keys known, so blobs of unknown digest go up in one pass.
  const sink = new RegistrySink(new RegistryClient({ registry: job.registry }), job.repository, {
    hashBeforeUpload: false,
  });
  const built = await buildImage(buildInput(job), sink, {
    layerDigests: new LayerKeyCache(job.cacheDir),
    fileSha256: new Map(Object.entries(job.sha256)),
  });
  const result: ChildResult = {
    seconds: (performance.now() - started) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    digest: built.manifestDigest,
    stats: sink.stats,
    reusedLayers: built.reusedLayers,
  };
  process.stdout.write(JSON.stringify(result));
}

/** In the child, for the baseline: load what a push loads, push nothing. */
async function childBaseline(): Promise<void> {
  await import('../src/oci/remote/registry-sink.js');
  await import('../src/image/build.js');
  process.stdout.write(JSON.stringify({ maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
}

async function inChild<T>(args: string[]): Promise<T> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...process.execArgv, self, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  if (code !== 0) throw new Error(`our push exited ${code}: ${out}`);
  return JSON.parse(out) as T;
}

function ourPush(job: PushJob): Promise<ChildResult> {
  return inChild<ChildResult>(['--child', JSON.stringify(job)]);
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * MiB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function timed(what: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await what();
  return (performance.now() - started) / 1000;
}

/** Files of random 64 MiB blocks (varied per file and per `seed`), written unless the sizes match. */
function writeModel(dir: string, fileMiB: number): { path: string; size: number }[] {
  mkdirSync(dir, { recursive: true });
  const block = randomBytes(64 * MiB);
  return Array.from({ length: FILES }, (_, i) => {
    const path = `weights-${i}.safetensors`;
    const full = join(dir, path);
    const size = fileMiB * MiB;
    if (!existsSync(full) || statSync(full).size !== size) writeRandom(full, size, block, i);
    return { path, size };
  });
}

function writeRandom(file: string, size: number, block: Buffer, seed: number): void {
  const fd = openSync(file, 'w');
  try {
    for (let offset = 0, n = 0; offset < size; n++) {
      const chunk = block.subarray(0, Math.min(block.byteLength, size - offset));
      chunk.writeUInt32BE(seed * 1_000_003 + n, 0); // every block of every file differs
      offset += writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
}

function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'total-mib': { type: 'string', default: '2048' },
      dir: { type: 'string', default: '.bench/push' },
      child: { type: 'string' },
      baseline: { type: 'boolean', default: false },
      registry: { type: 'string', multiple: true },
    },
  });
  if (values.child) return childPush(JSON.parse(values.child) as PushJob);
  if (values.baseline) return childBaseline();

  const totalMiB = Number(values['total-mib']);
  const fileMiB = Math.max(1, Math.floor(totalMiB / FILES));
  const dir = resolve(values.dir);
  const modelDir = join(dir, `model-${fileMiB}`);
  console.log(`writing/reusing ${FILES} x ${fileMiB} MiB in ${modelDir}`);
  const files = writeModel(modelDir, fileMiB);
  const modelBytes = files.reduce((sum, f) => sum + f.size, 0);

  // v2: one file changed, the other three the same files (hard links).
  const v2Dir = join(dir, `model-${fileMiB}-v2`);
  rmSync(v2Dir, { recursive: true, force: true });
  mkdirSync(v2Dir, { recursive: true });
  for (const [i, file] of files.entries()) {
    if (i === 2) writeRandom(join(v2Dir, file.path), file.size, randomBytes(64 * MiB), 99);
    else linkSync(join(modelDir, file.path), join(v2Dir, file.path));
  }
  // The verifier's work in the pipeline (hashing against the signature), done here untimed; it
  // also reads every file once, so every side starts from the page cache.
  const sha256: Record<string, string> = {};
  const sha256v2: Record<string, string> = {};
  for (const file of files) {
    sha256[file.path] = await sha256File(join(modelDir, file.path));
    sha256v2[file.path] = await sha256File(join(v2Dir, file.path));
  }

  const registries = { 'docker-registry': () => startRegistry(), olareg: () => startReferrersRegistry() };
  const chosen = values.registry ?? Object.keys(registries);
  for (const name of chosen) {
    const start = registries[name as keyof typeof registries];
    if (!start) throw new Error(`--registry ${name}: one of ${Object.keys(registries).join(', ')}`);
    await benchOn(name, start, { modelDir, v2Dir, files, sha256, sha256v2, modelBytes, dir });
  }
  rmSync(v2Dir, { recursive: true, force: true });
}

interface Model {
  readonly modelDir: string;
  readonly v2Dir: string;
  readonly files: readonly { path: string; size: number }[];
  readonly sha256: Record<string, string>;
  readonly sha256v2: Record<string, string>;
  readonly modelBytes: number;
  readonly dir: string;
}

async function benchOn(name: string, start: () => Promise<TestRegistry>, model: Model): Promise<void> {
  const { modelDir, v2Dir, files, sha256, sha256v2, modelBytes, dir } = model;
  const fileMiB = Math.round((files[0]?.size ?? 0) / MiB);
  let registry: TestRegistry | undefined;
  const work = join(dir, 'work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    registry = await start();
    const host = registry.host;
    const cacheDir = join(work, 'cache'); // fresh: `work` was emptied above
    const base = { directory: modelDir, files, sha256, cacheDir, registry: host, version: '1' };
    console.log(`\n${name} on ${host}`);

    // (a) the same image: built into a layout by our builder, copied by skopeo; pushed by us.
    const layout = join(work, 'layout');
    const layoutSink = await OciLayoutSink.open(layout);
    const built = await buildImage(buildInput({ ...base, pool: 'gpu-a' }), layoutSink);
    const skopeoSeconds = await timed(() =>
      run('skopeo', ['copy', '--dest-tls-verify=false', `oci:${layout}:1`, `docker://${host}/skopeo:1`], {
        maxBuffer: 16 * MiB,
      }),
    );
    const first = await ourPush({ ...base, repository: 'ours', pool: 'gpu-a' });
    if (first.digest !== built.manifestDigest)
      throw new Error(`digests differ: ${first.digest} vs ${built.manifestDigest}`);

    // (b) buildah bud + buildah push of the equivalent Containerfile (FROM scratch, COPY model).
    const context = join(work, 'context');
    mkdirSync(join(context, CONTEXT_MODEL_DIR), { recursive: true });
    for (const file of files)
      linkSync(join(modelDir, file.path), join(context, CONTEXT_MODEL_DIR, file.path));
    const containerfile = join(work, 'Containerfile');
    const plan = planImage(buildInput({ ...base, pool: 'gpu-a' }));
    await writeFile(containerfile, renderContainerfile({ base: { kind: 'scratch' }, plan, steps: [] }));
    const s = [
      '--root',
      join(work, 'buildah-root'),
      '--runroot',
      join(work, 'buildah-runroot'),
      '--storage-driver',
      'vfs',
    ];
    const buildahSeconds = await timed(async () => {
      await run(
        'buildah',
        [
          ...s,
          'bud',
          '--isolation',
          'chroot',
          '--timestamp',
          '0',
          '--identity-label=false',
          '-f',
          containerfile,
          '-t',
          'localhost/bench:1',
          context,
        ],
        { maxBuffer: 64 * MiB },
      );
      await run(
        'buildah',
        [...s, 'push', '--tls-verify=false', 'localhost/bench:1', `docker://${host}/buildah:1`],
        { maxBuffer: 64 * MiB },
      );
    });

    // (c) the same model for another pool: shared layers, nothing of the model sent.
    const second = await ourPush({ ...base, repository: 'ours', pool: 'gpu-b' });
    // (d) a new version with one file changed.
    const v2 = await ourPush({
      ...base,
      directory: v2Dir,
      sha256: sha256v2,
      version: '2',
      repository: 'ours',
      pool: 'gpu-a',
    });
    const baseline = await inChild<{ maxRssMiB: number }>(['--baseline']);
    const changed = files[2]!.size;

    const rows: [string, string, string, string][] = [
      [
        '(a) first push / skopeo copy of the same layout',
        `${first.seconds.toFixed(2)} s / ${skopeoSeconds.toFixed(2)} s`,
        (first.seconds / skopeoSeconds).toFixed(2),
        '<= 1.0',
      ],
      [
        '(b) first push / buildah bud + push',
        `${first.seconds.toFixed(2)} s / ${buildahSeconds.toFixed(2)} s`,
        (first.seconds / buildahSeconds).toFixed(2),
        '<= 0.3',
      ],
      [
        '(c) second pool: blob bytes uploaded',
        `${second.stats.bytesUploaded} B (${second.reusedLayers} model layers reused unread, ${second.stats.blobsSkipped} skipped by HEAD, ${second.stats.blobsUploaded} uploaded: config)`,
        `${second.seconds.toFixed(2)} s`,
        '0 model bytes, <= 3 s',
      ],
      [
        '(d) one file changed: blob bytes uploaded',
        `${mib(v2.stats.bytesUploaded)} of ${mib(modelBytes)} (changed file ${mib(changed)})`,
        (v2.stats.bytesUploaded / changed).toFixed(3),
        '~1.0 x the file',
      ],
      [
        '(e) peak RSS of our push',
        `${first.maxRssMiB.toFixed(0)} MiB (second ${second.maxRssMiB.toFixed(0)}, v2 ${v2.maxRssMiB.toFixed(0)})`,
        `baseline ${baseline.maxRssMiB.toFixed(0)} MiB (modules loaded, no push)`,
        '<= 200 MiB',
      ],
    ];
    console.log(
      `\n${name}: model ${FILES} x ${fileMiB} MiB = ${mib(modelBytes)}; image ${first.digest}; first push uploaded ${mib(first.stats.bytesUploaded)}\n`,
    );
    console.log('| case | measured | ratio / time | target |\n|---|---|---|---|');
    for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  } finally {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
