/**
 * Streamed promotion (issue 15) from the real MLflow tracking server to a real docker-registry 2.8:
 * the image pushed without the download cache has the digest of the one built from the cache; no
 * cache folder is written; a version with one byte changed in one of its files after signing is
 * refused with nothing tagged in the target repository, and the record lists the blobs it uploaded
 * that nothing references; a broken download reads on with a Range request. And to a real olareg
 * (which keeps the bytes of a broken PATCH; docker-registry cancels such a session): an upload cut
 * near the end of a weight's layer, after the file was read and checked, resumes at the registry's
 * offset with MLflow serving only the rest of the file (stream-resume.test.ts has the other sources).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  EXAMPLE_PRIVATE_KEY,
  EXAMPLES,
  errorLines,
  execFileAsync,
  promoteArgs,
  runCli,
  TempDirs,
} from '../e2e/helpers.js';
import { startMlflowServer, type MlflowServer } from '../mlflow/mlflow-server.js';
import { startFaultProxy } from '../registry/fault-proxy.js';
import { startReferrersRegistry, startRegistry, type TestRegistry } from '../registry/registry-server.js';
import { startRewritingProxy } from '../registry/rewriting-proxy.js';
import { MemoryLogger } from '../../src/logger.js';
import { DownloadCache } from '../../src/registry/download-cache.js';
import { openMlflowRegistry } from '../../src/registry/mlflow-registry.js';
import { signModel } from '../../src/signing/sign-model.js';
import { resumedAt, setRegistryEnv } from './helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the record is read back as plain JSON */
const temp = new TempDirs();
const KiB = 1024;
const MiB = 1024 * KiB;
const SENTIMENT = path.join(EXAMPLES, 'registry/sentiment');
/** Two weight files of 65 MiB (a layer each) and a small one (in the shared layer). */
const SHARDS = { 'shards/part-1.bin': 65 * MiB, 'shards/part-2.bin': 2 * MiB, 'shards/part-3.bin': 65 * MiB };
/**
 * The resumed upload's model: one weight file of its own layer and the example's small files only,
 * so any connection's earlier requests move a cut by a few KiB at most (part-2.bin would move it 2
 * MiB, before the file was read whole).
 */
const WEIGHT = 'weights/big.bin';
const WEIGHT_BYTES = 65 * MiB;
/** Where the cut lands: this many bytes before the weight's end (as in stream-resume.test.ts). */
const CUT_BEFORE_END = 32 * KiB;
let server: MlflowServer;
let registry: TestRegistry;
/** olareg: keeps the bytes of a broken PATCH, so an upload resumes at its offset. */
let resumable: TestRegistry;
let cacheHome: string;
const restoreEnv = setRegistryEnv({
  MLFLOW_TRACKING_TOKEN: undefined,
  MLFLOW_TRACKING_USERNAME: undefined,
  MLFLOW_TRACKING_PASSWORD: undefined,
  RUNNER_TEMP: undefined,
  XDG_CACHE_HOME: undefined,
  MODEL_PROMOTE_REGISTRY_PASSWORD: undefined,
});

async function labels(): Promise<Record<string, string>> {
  const read = async (file: string) =>
    (parseYaml(await readFile(path.join(SENTIMENT, file), 'utf8')) as { labels: Record<string, string> })
      .labels;
  return { ...(await read('model.yaml')), ...(await read('2.yaml')) };
}

/**
 * Example version 2 plus `files` (path to size) of random bytes, signed with the example key.
 * `tamper` changes one byte of that file after signing.
 */
async function signedModel(files: Record<string, number>, tamper?: string): Promise<string> {
  const dir = path.join(await temp.make(), 'model');
  await cp(path.join(SENTIMENT, '2'), dir, { recursive: true });
  await rm(path.join(dir, 'model.sig'));
  for (const [file, size] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), randomBytes(size));
  }
  await signModel(dir, { privateKeyPath: EXAMPLE_PRIVATE_KEY });
  if (tamper) {
    const file = path.join(dir, tamper);
    const bytes = await readFile(file);
    bytes[bytes.length - 1000]! ^= 0xff;
    await writeFile(file, bytes);
  }
  return dir;
}

async function tags(repository: string): Promise<string[]> {
  const response = await fetch(`http://${registry.host}/v2/${repository}/tags/list`);
  if (response.status === 404) return [];
  return ((await response.json()) as { tags?: string[] | null }).tags ?? [];
}

async function listTree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true }).catch(() => [])).map(String);
}

beforeAll(async () => {
  [server, registry, resumable] = await Promise.all([
    startMlflowServer(),
    startRegistry(),
    startReferrersRegistry(),
  ]);
  cacheHome = await temp.make('cache-home-');
  process.env.XDG_CACHE_HOME = cacheHome;
  process.env.DOCKER_CONFIG = await temp.make('docker-config-');
  const [good, tampered, single] = await Promise.all([
    signedModel(SHARDS),
    signedModel(SHARDS, 'shards/part-3.bin'),
    signedModel({ [WEIGHT]: WEIGHT_BYTES }),
  ]);
  await server.register('streamed', good, await labels());
  await server.register('tampered', tampered, await labels());
  await server.register('resumed', single, await labels());
}, 300_000);
afterAll(async () => {
  restoreEnv();
  delete process.env.DOCKER_CONFIG;
  await Promise.all([server?.stop(), registry?.stop(), resumable?.stop()]);
  await temp.cleanup();
});

async function promote(model: string, repository: string, ...extra: string[]) {
  return promoteTo(registry.host, model, repository, ...extra);
}

async function promoteTo(
  host: string,
  model: string,
  repository: string,
  ...extra: string[]
): Promise<{ run: Awaited<ReturnType<typeof runCli>>; record: any }> {
  return promoteFrom(server.registry, host, model, repository, ...extra);
}

async function promoteFrom(
  source: string,
  host: string,
  model: string,
  repository: string,
  ...extra: string[]
) {
  const output = path.join(await temp.make(), 'out');
  const run = await runCli(
    promoteArgs(
      { registry: source, output, model, version: '1' },
      '--image-repository',
      `${host}/${repository}`,
      '--json',
      ...extra,
    ),
  );
  return { run, record: JSON.parse(run.stdout) };
}

describe('streamed promotion from the real MLflow server to docker-registry', () => {
  it('streams without the cache, and pushes the image the cached path builds, digest for digest', async () => {
    const streamed = await promote('streamed', 'streamed');
    expect(errorLines(streamed.run.stderr)).toEqual([]);
    expect(streamed.run.code).toBe(0);
    expect(streamed.record.status).toBe('succeeded');
    const stage = (name: string) => streamed.record.stages.find((s: any) => s.name === name)?.detail;
    expect(stage('fetch')).toMatch(/7 files listed, to stream/);
    expect(stage('verify')).toMatch(/checked as they stream/);
    // Nothing went through the download cache (the default root is under XDG_CACHE_HOME).
    expect(await listTree(cacheHome)).toEqual([]);

    const cacheDir = path.join(await temp.make(), 'cache');
    const cached = await promote('streamed', 'cached', '--cache-dir', cacheDir);
    expect(cached.run.code).toBe(0);
    expect(cached.record.stages.find((s: any) => s.name === 'fetch')?.detail).not.toMatch(/to stream/);
    expect((await listTree(path.join(cacheDir, 'blobs'))).length).toBeGreaterThan(0);
    expect(streamed.record.image.digest).toBe(cached.record.image.digest);
    expect(streamed.record.image.layers).toEqual(cached.record.image.layers);
    expect(streamed.record.image.layers).toHaveLength(3);
  }, 300_000);

  it('refuses a version with one changed byte: nothing tagged, the uploaded blobs listed', async () => {
    const { run, record } = await promote('tampered', 'tampered');
    expect(run.code).toBe(1);
    expect(record.status).toBe('refused');
    expect(record.error).toMatchObject({ code: 'model-mismatch' });
    expect(record.error.message).toMatch(/shards\/part-3\.bin.*does not match its signature/);
    expect(record.image).toBeUndefined();
    expect(await tags('tampered')).toEqual([]);
    const listed = await execFileAsync('skopeo', [
      'list-tags',
      '--tls-verify=false',
      `docker://${registry.host}/tampered`,
    ]).catch((error: { stderr: string }) => ({ stdout: '', stderr: error.stderr }));
    expect(JSON.parse(listed.stdout || '{"Tags":[]}').Tags ?? []).toEqual([]);
    expect(record.unreferencedBlobs.repository).toBe(`${registry.host}/tampered`);
    expect(record.unreferencedBlobs.blobs.length).toBeGreaterThan(0);
    for (const digest of record.unreferencedBlobs.blobs) {
      const head = await fetch(`http://${registry.host}/v2/tampered/blobs/${digest}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
    }
  }, 300_000);

  it('restarts a layer whose upload broke mid-file, never the promotion: same image', async () => {
    const proxy = await startFaultProxy(registry.port, { dropEveryBytes: 30 * MiB, maxDrops: 2 });
    try {
      const { run, record } = await promoteTo(proxy.host, 'streamed', 'streamed-dropped');
      expect(errorLines(run.stderr)).toEqual([]);
      expect(run.code).toBe(0);
      expect(proxy.counts.drops).toBe(2);
      const reference = await promote('streamed', 'streamed-again');
      expect(record.image.digest).toBe(reference.record.image.digest);
    } finally {
      await proxy.stop();
    }
  }, 300_000);

  it('reads on where a download broke, with a Range request: no byte of the file read twice', async () => {
    const port = Number(new URL(server.url).port);
    // Each cut lands inside a 65 MiB weight file, whatever order the files come in.
    const proxy = await startFaultProxy(port, { dropDownConnectionAtBytes: 40 * MiB, maxDrops: 2 });
    try {
      const { run, record } = await promoteFrom(
        `mlflow+http://${proxy.host}`,
        registry.host,
        'streamed',
        'streamed-source-dropped',
      );
      expect(errorLines(run.stderr)).toEqual([]);
      expect(run.code).toBe(0);
      expect(proxy.counts.drops).toBe(2);
      expect(run.stderr.match(/the connection broke at byte \d+ of shards\/part-[13]\.bin/g)).toHaveLength(2);
      const reference = await promote('streamed', 'streamed-again-2');
      expect(record.image.digest).toBe(reference.record.image.digest);
      // The model once (132 MiB of weights and the example's small files), plus HTTP heads and the
      // API's JSON: reading a broken file again from its start would add 40 MiB or more.
      expect(proxy.counts.bytesDown).toBeGreaterThan(132 * MiB);
      expect(proxy.counts.bytesDown).toBeLessThan(136 * MiB);
    } finally {
      await proxy.stop();
    }
  }, 300_000);

  it('reads an artifact from an offset: the real server answers a Range request with the rest', async () => {
    const mlflow = openMlflowRegistry(server.registry, {
      env: {},
      logger: new MemoryLogger(),
      cache: new DownloadCache(await temp.make()),
    });
    const listed = await mlflow.resolveListed('streamed', '1');
    const file = listed.files.find((f) => f.path === 'shards/part-2.bin')!;
    const whole: Buffer[] = [];
    for await (const chunk of await file.open()) whole.push(Buffer.from(chunk));
    const tail: Buffer[] = [];
    for await (const chunk of await file.openFrom!(1_000_001)) tail.push(Buffer.from(chunk));
    expect(Buffer.concat(tail).equals(Buffer.concat(whole).subarray(1_000_001))).toBe(true);
  });
});

describe('a streamed upload from MLflow to olareg that breaks after the file was checked', () => {
  it("resumes at the registry's offset: the rest of the file is one Range request on its artifact", async () => {
    // The CLI -> a proxy that keeps the Range headers -> a proxy that counts bytes -> MLflow.
    const counted = await startFaultProxy(Number(new URL(server.url).port));
    const watched = await startRewritingProxy(counted.port, {});
    // Cuts the weight layer's connection once, by which point the client has read the whole layer
    // from the source into its socket (the earlier requests on that connection move the cut a few
    // KiB earlier, still in the file).
    const cutting = await startFaultProxy(resumable.port, {
      dropConnectionAtBytes: WEIGHT_BYTES - CUT_BEFORE_END,
      maxDrops: 1,
    });
    try {
      const source = `mlflow+http://${watched.host}`;
      const reference = await promoteFrom(source, resumable.host, 'resumed', 'mlflow-reference');
      expect(reference.run.code).toBe(0);
      expect(watched.ranges).toEqual([]);
      // The uncut promotion read the model once: the weight, the example's small files, the API's JSON.
      const once = counted.counts.bytesDown;
      expect(once).toBeGreaterThan(WEIGHT_BYTES);
      expect(once).toBeLessThan(WEIGHT_BYTES + MiB);
      const { run, record } = await promoteFrom(source, cutting.host, 'resumed', 'mlflow-resumed');
      expect(errorLines(run.stderr)).toEqual([]);
      expect(run.code).toBe(0);
      expect(cutting.counts.drops).toBe(1);
      expect(record.image.digest).toBe(reference.record.image.digest);
      const { offset, size } = resumedAt(run.stderr);
      expect(size - offset).toBeGreaterThan(CUT_BEFORE_END);
      expect(size - offset).toBeLessThan(CUT_BEFORE_END + 64 * KiB);
      // One Range request, from the registry's offset: the layer ends with the file (no padding: its
      // size is a multiple of 512), then two zero blocks.
      const rest = size - offset - 1024;
      expect(watched.ranges).toEqual([`bytes=${WEIGHT_BYTES - rest}-`]);
      // MLflow served the model again and that rest, not a second copy of the file. The slack is the
      // 206's head and the labels the first promotion recorded on the version, which the API's
      // answers now carry.
      const again = counted.counts.bytesDown - once;
      expect(again - once).toBeGreaterThanOrEqual(rest);
      expect(again - once).toBeLessThan(rest + 16 * KiB);
    } finally {
      await Promise.all([watched.stop(), counted.stop(), cutting.stop()]);
    }
  }, 300_000);
});
