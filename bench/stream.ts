/**
 * Benchmark: a streamed promotion (issue 15) from the real MLflow server to docker-registry with no
 * download cache, against the two-step way it replaces, timed in the same script on the same bytes;
 * then the same model from an `oci://` ModelPack source in the image's registry, whose layers are
 * mounted, against `curl` of its blobs to /dev/null (the target: reading the bytes once)
 * and through one and two OpenSSL SHA-256 passes (two is what a mount that checks what it mounts
 * must hash):
 *
 *   npx tsx bench/stream.ts                 # 8 GiB in 8 files
 *   npx tsx bench/stream.ts --size-mib 1024 # quicker
 *
 * `mlflow server` (scripts/test-tools.sh's virtual environment) runs on 127.0.0.1 with the model
 * registered by the MLflow Python client; two docker-registry 2.8 instances take the images (one
 * per side, so neither finds the other's blobs).
 *   ours: `model-promote promote --image-repository` run as users run it, the committed bundle
 *         (`node dist/cli/index.js`: run `npm run build` first), its peak RSS read by GNU time
 *         (`time -f %M`), with TMPDIR, the cache root (XDG_CACHE_HOME) and the output folder under
 *         one scratch folder whose size this process samples every 100 ms while it runs: the peak
 *         is the extra disk it used.
 *   reference: `curl -o FILE` of every artifact, in parallel, then `skopeo copy` of the finished
 *         image (an OCI layout of the same image, made before timing) to the second registry.
 * Scratch data lives in .bench/stream (gitignored) and is reused when its sizes match.
 */
import { execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
  openSync,
  closeSync,
} from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { signedScratchModel } from './scratch-files.js';
import { startMlflowServer } from '../test/mlflow/mlflow-server.js';
import { startRegistry } from '../test/registry/registry-server.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
/** The labels of the example model's version 2: they select a pool of the example catalog. */
const LABELS = {
  workload: 'online-inference',
  runtime: 'onnx',
  accelerator: 'nvidia',
  'gpu-memory': '40Gi',
  framework: 'safetensors',
};

interface ChildResult {
  seconds: number;
  maxRssMiB: number;
  /** User + system CPU seconds of the child: what the load of a shared machine does not change. */
  cpuSeconds: number;
  code: number;
  digest?: string;
  push?: { blobsMounted: number; blobsUploaded: number; bytesUploaded: number };
  record?: PrintedRecord;
  stderr: string;
}

/**
 * The ModelPack case's references: the blobs read to /dev/null, read through one OpenSSL SHA-256,
 * and through two (what a mount that checks what it mounts must do: the file's pass and the blob's).
 */
interface BlobsRead {
  seconds: number;
  cpuSeconds: number;
  hashedSeconds: number;
  twiceHashedSeconds: number;
}

/** What the bench reads of the promotion record `--json` prints. */
interface PrintedRecord {
  status: string;
  error?: { code: string; message: string };
  image?: { digest: string; push?: ChildResult['push'] };
  unreferencedBlobs?: { repository: string; blobs: string[] };
}

let CLI = resolve('dist/cli/index.js');

/** The promotion through the shipped bundle, under GNU time for its peak RSS. */
async function promoteWithBundle(
  registry: string,
  target: string,
  output: string,
  env: NodeJS.ProcessEnv,
  model = 'big',
): Promise<ChildResult> {
  const { promoteArgs } = await import('../test/e2e/helpers.js');
  const rusage = `${output}.rusage`;
  const args = promoteArgs({ registry, output, model, version: '1' }, '--image-repository', target, '--json');
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', rusage, process.execPath, CLI, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const code = await new Promise<number>((done, fail) => {
    child.on('error', fail);
    child.on('exit', (exitCode) => done(exitCode ?? 1));
  });
  const seconds = (performance.now() - started) / 1000;
  const [maxRssKiB, user, system] = (readFileSync(rusage, 'utf8').trim().split('\n').at(-1) ?? '')
    .split(' ')
    .map(Number);
  // --json prints the record whatever the outcome: a refused promotion's says what it left behind.
  const record = stdout.trim() ? (JSON.parse(stdout) as PrintedRecord) : undefined;
  return {
    seconds,
    maxRssMiB: (maxRssKiB ?? NaN) / 1024,
    cpuSeconds: (user ?? NaN) + (system ?? NaN),
    code,
    ...(record?.image && { digest: record.image.digest }),
    ...(record?.image?.push && { push: record.image.push }),
    ...(record && { record }),
    stderr,
  };
}

/** Bytes under `dir` now (files only; a file vanishing mid-walk counts as gone). */
async function diskUse(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    total += await stat(join(entry.parentPath, entry.name)).then(
      (s) => s.blocks * 512,
      () => 0,
    );
  }
  return total;
}

function exited(child: ReturnType<typeof spawn>, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited ${code}`))));
  });
}

async function artifactBase(url: string, model: string, version: string): Promise<string> {
  const query = new URLSearchParams({ name: model, version });
  const response = await fetch(`${url}/api/2.0/mlflow/model-versions/get-download-uri?${query}`);
  const { artifact_uri: uri } = (await response.json()) as { artifact_uri: string };
  const path = /^mlflow-artifacts:\/(.*)$/.exec(uri)?.[1];
  if (path === undefined) throw new Error(`unexpected artifact URI ${uri}`);
  return `${url}/api/2.0/mlflow-artifacts/artifacts/${path.replace(/^\/+/, '')}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'size-mib': { type: 'string', default: '8192' },
      files: { type: 'string', default: '8' },
      dir: { type: 'string', default: '.bench/stream' },
      // Another bundle than the committed one (e.g. one built from a branch into another folder).
      cli: { type: 'string', default: 'dist/cli/index.js' },
    },
  });
  CLI = resolve(values.cli);
  const sizeMiB = Number(values['size-mib']);
  const count = Math.max(1, Number(values.files));
  const fileSize = Math.floor((sizeMiB * MiB) / count);
  const root = resolve(values.dir);
  const model = join(root, `model-${count}x${fileSize}`);
  const names = Array.from({ length: count }, (_, i) => `part-${i}.bin`);
  await signedScratchModel(model, names, fileSize);

  const scratch = join(root, 'scratch');
  const fresh = () => {
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(join(scratch, 'tmp'), { recursive: true });
    mkdirSync(join(scratch, 'cache'), { recursive: true });
  };
  const [server, ours, theirs] = await Promise.all([startMlflowServer(), startRegistry(), startRegistry()]);
  let child: ChildResult;
  let fromModelPack: ChildResult;
  let peakDisk = 0;
  let reference: { curl: number; skopeo: number };
  let blobsCurl: BlobsRead;
  let tampered: TamperedResult;
  try {
    const version = await server.register('big', model, LABELS);
    const base = await artifactBase(server.url, 'big', version);

    fresh();
    const env = {
      ...process.env,
      TMPDIR: join(scratch, 'tmp'),
      XDG_CACHE_HOME: join(scratch, 'cache'),
      RUNNER_TEMP: '',
      KUBECONFIG: '',
      DOCKER_CONFIG: join(scratch, 'docker'),
    };
    delete (env as Record<string, string | undefined>).RUNNER_TEMP;
    delete (env as Record<string, string | undefined>).KUBECONFIG;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakDisk = Math.max(peakDisk, await diskUse(scratch));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      child = await promoteWithBundle(server.registry, `${ours.host}/big`, join(scratch, 'out'), env);
    } finally {
      sampling = false;
      await sampler;
    }
    if (child.code !== 0) throw new Error(`the promotion failed: ${child.stderr}`);

    // The finished image, as a layout, for the reference's second step (not timed).
    const layout = join(root, 'layout');
    rmSync(layout, { recursive: true, force: true });
    await run('skopeo', [
      'copy',
      '--src-tls-verify=false',
      `docker://${ours.host}/big:1`,
      `oci:${layout}:big`,
    ]);

    fresh();
    const started = performance.now();
    await Promise.all(
      names.map((name) =>
        exited(
          spawn('curl', ['-sSf', '-o', join(scratch, name), `${base}/${name}`], {
            stdio: ['ignore', 'ignore', 'inherit'],
          }),
          'curl',
        ),
      ),
    );
    const curled = performance.now();
    await run('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      `oci:${layout}:big`,
      `docker://${theirs.host}/big:1`,
    ]);
    reference = { curl: (curled - started) / 1000, skopeo: (performance.now() - curled) / 1000 };
    // Their copies are done with: at 8 GiB the disk the next cases need is worth more.
    rmSync(layout, { recursive: true, force: true });
    await theirs.stop();

    ({ fromModelPack, blobsCurl } = await modelPackCase(model, ours.host, scratch, env, fresh));
    tampered = await tamperedCase(server, model, names, root, ours.host, scratch, env, fresh);
  } finally {
    await Promise.all([server.stop(), ours.stop(), theirs.stop()]);
    rmSync(scratch, { recursive: true, force: true });
  }

  const twoStep = reference.curl + reference.skopeo;
  const ratio = child.seconds / twoStep;
  const diskMiB = peakDisk / MiB;
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const lines = [
    `${count} x ${(fileSize / MiB).toFixed(0)} MiB (${sizeMiB} MiB), ${availableParallelism()} CPUs, node ${process.version}`,
    '',
    row(['side', 'wall s', 'peak RSS MiB', 'peak extra disk MiB', 'ours / side']),
    row(['---', '---:', '---:', '---:', '---:']),
    row([
      'ours: `promote --image-repository` from MLflow, streamed, no cache',
      `${child.seconds.toFixed(2)} (cpu ${child.cpuSeconds.toFixed(2)})`,
      `${child.maxRssMiB.toFixed(0)} (<= 200 ${child.maxRssMiB <= 200 ? 'ok' : 'MISSED'})`,
      `${diskMiB.toFixed(1)} (< 64 ${diskMiB < 64 ? 'ok' : 'MISSED'})`,
      '1.00',
    ]),
    row([
      '`curl -o FILE` per file in parallel, then `skopeo copy` of the finished image (target: ours <= 1.0 x this)',
      `${twoStep.toFixed(2)} (${reference.curl.toFixed(2)} + ${reference.skopeo.toFixed(2)})`,
      '',
      sizeMiB.toFixed(0),
      `${ratio.toFixed(2)} (${ratio <= 1.0 ? 'ok' : 'MISSED'})`,
    ]),
    row([
      'ours: `promote --image-repository` from `oci://` ModelPack in the same registry (layers mounted)',
      `${fromModelPack.seconds.toFixed(2)} (cpu ${fromModelPack.cpuSeconds.toFixed(2)})`,
      fromModelPack.maxRssMiB.toFixed(0),
      '',
      '1.00',
    ]),
    row([
      '`curl -o /dev/null` of every ModelPack layer blob in parallel (target: ours <= 1.2 x this)',
      `${blobsCurl.seconds.toFixed(2)} (cpu ${blobsCurl.cpuSeconds.toFixed(2)})`,
      '',
      '',
      `${(fromModelPack.seconds / blobsCurl.seconds).toFixed(2)} (${fromModelPack.seconds / blobsCurl.seconds <= 1.2 ? 'ok' : 'MISSED'})`,
    ]),
    row([
      '`curl | openssl dgst -sha256` of every ModelPack layer blob in parallel (a reader that checks what it reads)',
      blobsCurl.hashedSeconds.toFixed(2),
      '',
      '',
      (fromModelPack.seconds / blobsCurl.hashedSeconds).toFixed(2),
    ]),
    row([
      '`curl | tee | 2 x openssl dgst -sha256` of every ModelPack layer blob in parallel (the two passes a checked mount needs)',
      blobsCurl.twiceHashedSeconds.toFixed(2),
      '',
      '',
      (fromModelPack.seconds / blobsCurl.twiceHashedSeconds).toFixed(2),
    ]),
    row([
      `ours: the same model with one byte changed in file ${tampered.file} (${Math.max(1, names.length - 1)} of ${names.length})`,
      tampered.result.seconds.toFixed(2),
      tampered.result.maxRssMiB.toFixed(0),
      '',
      `exit ${tampered.result.code}, ${tampered.result.record?.status ?? 'no record'} (${tampered.ok ? 'ok' : 'MISSED'})`,
    ]),
    '',
    `image ${child.digest}`,
    `tampered: ${tampered.result.record?.error?.code ?? 'no error'}; tags in ${tampered.repository}: ` +
      `${tampered.tags.length ? tampered.tags.join(', ') : 'none'} (skopeo list-tags); ` +
      `unreferenced blobs listed in the record: ${tampered.result.record?.unreferencedBlobs?.blobs.length ?? 0}`,
    `from ModelPack: image ${fromModelPack.digest} (${fromModelPack.digest === child.digest ? 'the same' : 'ANOTHER'}); ` +
      `${fromModelPack.push?.blobsMounted ?? 0} layer(s) mounted, ${fromModelPack.push?.blobsUploaded ?? 0} blob(s) ` +
      `uploaded, ${fromModelPack.push?.bytesUploaded ?? 0} blob bytes sent (the config and the signature's layer)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * The model published as ModelPack into the registry (not timed), promoted from there into another
 * repository of it (timed), and the reference: every layer blob read once with curl to /dev/null.
 */
async function modelPackCase(
  model: string,
  host: string,
  scratch: string,
  env: NodeJS.ProcessEnv,
  fresh: () => void,
): Promise<{ fromModelPack: ChildResult; blobsCurl: BlobsRead }> {
  const labels = Object.entries(LABELS).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  await run(
    process.execPath,
    [CLI, 'publish', model, '--registry', `oci://${host}/models/big`, '--model', 'big', '--version', '1']
      .concat(labels)
      .concat(['--model-path', '/models']),
    { env },
  );
  fresh();
  const fromModelPack = await promoteWithBundle(
    `oci://${host}/models`,
    `${host}/big-from-modelpack`,
    join(scratch, 'out'),
    env,
  );
  if (fromModelPack.code !== 0) throw new Error(`the ModelPack promotion failed: ${fromModelPack.stderr}`);
  const response = await fetch(`http://${host}/v2/models/big/manifests/1`, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  const { layers } = (await response.json()) as { layers: { digest: string }[] };
  const rusage = (i: number) => join(scratch, `curl-${i}.rusage`);
  const started = performance.now();
  await Promise.all(
    layers.map(({ digest }, i) =>
      exited(
        spawn(
          '/usr/bin/time',
          [
            '-f',
            '%U %S',
            '-o',
            rusage(i),
            'curl',
            '-sSfL',
            '-o',
            '/dev/null',
            `http://${host}/v2/models/big/blobs/${digest}`,
          ],
          { stdio: ['ignore', 'ignore', 'inherit'] },
        ),
        'curl',
      ),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  // Every blob through `passes` OpenSSL SHA-256s at once, this process the tee (as our promotion's
  // own process is for its passes). OpenSSL's, as bench/verify.ts: coreutils' sha256sum uses no SHA
  // instructions, ~5x slower here.
  const hashedRead = async (passes: number): Promise<number> => {
    const start = performance.now();
    await Promise.all(
      layers.map(({ digest }) => {
        const curl = spawn('curl', ['-sSfL', `http://${host}/v2/models/big/blobs/${digest}`], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        const sums = Array.from({ length: passes }, () =>
          spawn('openssl', ['dgst', '-sha256'], { stdio: ['pipe', 'ignore', 'inherit'] }),
        );
        for (const sum of sums) curl.stdout.pipe(sum.stdin);
        return Promise.all([exited(curl, 'curl'), ...sums.map((sum) => exited(sum, 'openssl'))]);
      }),
    );
    return (performance.now() - start) / 1000;
  };
  // The least a reader that checks what it reads must do: one pass.
  const hashedSeconds = await hashedRead(1);
  // The floor for a mount that checks what it mounts: the file's pass and the blob's.
  const twiceHashedSeconds = await hashedRead(2);
  const cpuSeconds = layers
    .map((_, i) => readFileSync(rusage(i), 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number))
    .reduce((sum, [user, system]) => sum + (user ?? NaN) + (system ?? NaN), 0);
  return { fromModelPack, blobsCurl: { seconds, cpuSeconds, hashedSeconds, twiceHashedSeconds } };
}

interface TamperedResult {
  file: string;
  repository: string;
  result: ChildResult;
  tags: string[];
  ok: boolean;
}

/**
 * The refusal case: the model with one byte changed in its second-to-last file after
 * signing (file 7 of 8 by default), registered as another model; the promotion must refuse it with
 * no manifest or tag in the target repository (skopeo says) and list in its record the blobs it left.
 */
async function tamperedCase(
  server: Awaited<ReturnType<typeof startMlflowServer>>,
  model: string,
  names: readonly string[],
  root: string,
  host: string,
  scratch: string,
  env: NodeJS.ProcessEnv,
  fresh: () => void,
): Promise<TamperedResult> {
  const file = names[Math.max(0, names.length - 2)]!;
  const dir = join(root, 'tampered');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  // Links to the signed files (no second copy of the model), and a changed copy of one.
  for (const name of readdirSync(model)) {
    if (name === file) copyFileSync(join(model, name), join(dir, name));
    else linkSync(join(model, name), join(dir, name));
  }
  const fd = openSync(join(dir, file), 'r+');
  try {
    writeSync(fd, Buffer.from('tampered'), 0, 8, 4096);
  } finally {
    closeSync(fd);
  }
  try {
    await server.register('big-tampered', dir, LABELS);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  fresh();
  const repository = `${host}/big-tampered`;
  const result = await promoteWithBundle(
    server.registry,
    repository,
    join(scratch, 'out'),
    env,
    'big-tampered',
  );
  const listed = await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${repository}`]).catch(
    (error: { stderr?: string }) => {
      // A repository nothing was ever tagged in is unknown to the registry: no tags.
      if (/name unknown|not found/i.test(error.stderr ?? '')) return { stdout: '{"Tags":[]}' };
      throw error;
    },
  );
  const tags = (JSON.parse(listed.stdout) as { Tags?: string[] | null }).Tags ?? [];
  const ok =
    result.code === 1 &&
    result.record?.status === 'refused' &&
    result.record.image === undefined &&
    tags.length === 0 &&
    (result.record.unreferencedBlobs?.blobs.length ?? 0) > 0;
  return { file, repository, result, tags, ok };
}

await main();
