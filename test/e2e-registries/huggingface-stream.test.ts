/**
 * Streamed promotion (issue 15) from the Hugging Face Hub double (test/doubles: it stands in for the
 * Hub, which no test can reach) to a real docker-registry 2.8: the image pushed without the download
 * cache has the digest of the one built from the cache; no cache folder is written; a revision with
 * one byte of an LFS file changed after signing is refused with nothing tagged, and the record lists
 * the blobs it uploaded that nothing references. A file opened from an offset is a Range request.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EXAMPLE_PRIVATE_KEY, EXAMPLES, errorLines, promoteArgs, runCli, TempDirs } from '../e2e/helpers.js';
import { HuggingFaceDouble, type FileSource } from '../doubles/huggingface-double.js';
import { startRecordingProxy } from '../e2e-registry/recording-proxy.js';
import { startRegistry, type TestRegistry } from '../registry/registry-server.js';
import { MemoryLogger } from '../../src/logger.js';
import { DownloadCache } from '../../src/registry/download-cache.js';
import { openHuggingFaceRegistry } from '../../src/registry/huggingface-registry.js';
import { signModel } from '../../src/signing/sign-model.js';
import { HF_TOKEN, setRegistryEnv } from './helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the record is read back as plain JSON */
const temp = new TempDirs();
const MiB = 1024 * 1024;
const SENTIMENT = path.join(EXAMPLES, 'registry/sentiment');
let hub: HuggingFaceDouble;
let registry: TestRegistry;
let cacheHome: string;
let good: string;
let tampered: string;
const restoreEnv = setRegistryEnv({
  HF_TOKEN,
  HUGGING_FACE_HUB_TOKEN: undefined,
  HF_ENDPOINT: undefined,
  RUNNER_TEMP: undefined,
  XDG_CACHE_HOME: undefined,
  MODEL_PROMOTE_REGISTRY_PASSWORD: undefined,
});

/**
 * Example version 2 plus a weight file of 65 MiB (a layer of its own, LFS on the Hub) and a small
 * one (in the shared layer), signed with the example key. `tamper` changes one byte after signing.
 */
async function signedModel(tamper?: string): Promise<Map<string, FileSource>> {
  const dir = path.join(await temp.make(), 'model');
  await cp(path.join(SENTIMENT, '2'), dir, { recursive: true });
  await rm(path.join(dir, 'model.sig'));
  await mkdir(path.join(dir, 'shards'));
  await writeFile(path.join(dir, 'shards/part-1.bin'), randomBytes(65 * MiB));
  await writeFile(path.join(dir, 'shards/part-2.bin'), randomBytes(2 * MiB));
  await signModel(dir, { privateKeyPath: EXAMPLE_PRIVATE_KEY });
  if (tamper) {
    const file = path.join(dir, tamper);
    const bytes = await readFile(file);
    bytes[bytes.length - 1000]! ^= 0xff;
    await writeFile(file, bytes);
  }
  const files = new Map<string, FileSource>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, full).split(path.sep).join('/'), { file: full });
  }
  return files;
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
  [hub, registry] = await Promise.all([new HuggingFaceDouble({ token: HF_TOKEN }).start(), startRegistry()]);
  cacheHome = await temp.make('cache-home-');
  process.env.XDG_CACHE_HOME = cacheHome;
  process.env.DOCKER_CONFIG = await temp.make('docker-config-');
  const card = {
    cardData: { labels: { workload: 'online-inference', runtime: 'onnx', 'gpu-memory': '40Gi' } },
    tags: ['safetensors', 'accelerator:nvidia', 'framework:safetensors'],
  };
  hub.addRepo('acme/streamed');
  hub.addRepo('acme/tampered');
  good = await hub.commit('acme/streamed', await signedModel(), card);
  tampered = await hub.commit('acme/tampered', await signedModel('shards/part-1.bin'), card);
}, 300_000);
afterAll(async () => {
  restoreEnv();
  delete process.env.DOCKER_CONFIG;
  await Promise.all([hub?.stop(), registry?.stop()]);
  await temp.cleanup();
});

async function promote(model: string, version: string, repository: string, ...extra: string[]) {
  const output = path.join(await temp.make(), 'out');
  const run = await runCli(
    promoteArgs(
      { registry: hub.uri('acme'), output, model, version },
      '--image-repository',
      `${registry.host}/${repository}`,
      '--json',
      ...extra,
    ),
  );
  return { run, record: JSON.parse(run.stdout) };
}

describe('streamed promotion from the Hugging Face Hub double to docker-registry', () => {
  it('streams without the cache, and pushes the image the cached path builds, digest for digest', async () => {
    const streamed = await promote('streamed', good, 'hf-streamed');
    expect(errorLines(streamed.run.stderr)).toEqual([]);
    expect(streamed.run.code).toBe(0);
    expect(streamed.record.status).toBe('succeeded');
    const stage = (name: string) => streamed.record.stages.find((s: any) => s.name === name)?.detail;
    expect(stage('fetch')).toMatch(/6 files listed, to stream/);
    expect(stage('verify')).toMatch(/checked as they stream/);
    expect(await listTree(cacheHome)).toEqual([]);
    // The 65 MiB file was read whole once: the stream is the only copy, never read back.
    const whole = (r: { path: string; range?: string }) =>
      r.path.endsWith('/acme/streamed/resolve/' + good + '/shards/part-1.bin') && r.range === undefined;
    expect(hub.requests.filter(whole)).toHaveLength(1);
    const cacheDir = path.join(await temp.make(), 'cache');
    const cached = await promote('streamed', good, 'hf-cached', '--cache-dir', cacheDir);
    expect(cached.run.code).toBe(0);
    expect(cached.record.stages.find((s: any) => s.name === 'fetch')?.detail).not.toMatch(/to stream/);
    expect(streamed.record.image.digest).toBe(cached.record.image.digest);
    expect(streamed.record.image.layers).toEqual(cached.record.image.layers);
    expect(streamed.record.image.layers).toHaveLength(2);
  }, 300_000);

  it('refuses a revision with one changed byte: nothing tagged, the uploaded blobs listed', async () => {
    const { run, record } = await promote('tampered', tampered, 'hf-tampered');
    expect(run.code).toBe(1);
    expect(record.status).toBe('refused');
    expect(record.error).toMatchObject({ code: 'model-mismatch' });
    expect(record.error.message).toMatch(/shards\/part-1\.bin.*does not match its signature/);
    expect(record.image).toBeUndefined();
    expect(await tags('hf-tampered')).toEqual([]);
    expect(record.unreferencedBlobs.repository).toBe(`${registry.host}/hf-tampered`);
    expect(record.unreferencedBlobs.blobs.length).toBeGreaterThan(0);
    for (const digest of record.unreferencedBlobs.blobs) {
      const head = await fetch(`http://${registry.host}/v2/hf-tampered/blobs/${digest}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
    }
  }, 300_000);

  it('reads a file from an offset with a Range request', async () => {
    const hf = openHuggingFaceRegistry(hub.uri('acme'), {
      env: { HF_TOKEN },
      logger: new MemoryLogger(),
      cache: new DownloadCache(await temp.make()),
    });
    const listed = await hf.resolveListed('streamed', good);
    expect(listed.version).toBe(good);
    expect(listed.files.map((f) => f.path)).not.toContain('model.sig');
    const file = listed.files.find((f) => f.path === 'shards/part-1.bin')!;
    const whole: Buffer[] = [];
    for await (const chunk of await file.open()) whole.push(Buffer.from(chunk));
    const before = hub.requests.length;
    const tail: Buffer[] = [];
    for await (const chunk of await file.openFrom!(40 * MiB + 1)) tail.push(Buffer.from(chunk));
    expect(Buffer.concat(tail).equals(Buffer.concat(whole).subarray(40 * MiB + 1))).toBe(true);
    expect(hub.requests.slice(before).map((r) => r.range)).toEqual([`bytes=${40 * MiB + 1}-`]);
  }, 60_000);
});

describe('a registry that refuses a blob mid-stream', () => {
  it('ends with the cause named: nothing tagged, the blobs it took listed', async () => {
    const proxy = await startRecordingProxy(registry.port, {
      refuseUpload: { afterBytes: 32 * MiB, status: 413 },
    });
    try {
      const output = path.join(await temp.make(), 'out');
      const run = await runCli(
        promoteArgs(
          { registry: hub.uri('acme'), output, model: 'streamed', version: good },
          '--image-repository',
          `${proxy.host}/hf-refused`,
          '--json',
        ),
      );
      const record = JSON.parse(run.stdout);
      expect(run.code).toBe(1);
      expect(record.status).toBe('failed');
      // The 413 to the streamed PATCH sends the layer in chunks; the session's limit refuses them too.
      expect(run.stderr).toMatch(/refused a streamed upload \(413.*sending 6 MiB chunks/);
      expect(record.error.message).toMatch(/pushing a blob to .*hf-refused: 413 .*exceeds the size limit/);
      expect(record.error.code).toBe('blob-too-large');
      expect(record.error.hint).toMatch(/body-size limit/);
      expect(record.image).toBeUndefined();
      expect(await tags('hf-refused')).toEqual([]);
      expect(proxy.requests.filter((r) => r.method === 'PUT' && r.url.includes('/manifests/'))).toEqual([]);
      expect(record.unreferencedBlobs.repository).toBe(`${proxy.host}/hf-refused`);
      // Exactly the blobs whose upload was completed (a PUT with their digest) are listed.
      const completed = proxy.requests
        .filter((r) => r.method === 'PUT' && r.url.includes('/blobs/uploads/'))
        .map((r) => new URL(r.url, 'http://proxy').searchParams.get('digest'));
      expect(completed.length).toBeGreaterThan(0);
      expect([...record.unreferencedBlobs.blobs].sort()).toEqual([...completed].sort());
      for (const digest of record.unreferencedBlobs.blobs) {
        const head = await fetch(`http://${registry.host}/v2/hf-refused/blobs/${digest}`, { method: 'HEAD' });
        expect(head.status).toBe(200);
      }
    } finally {
      await proxy.stop();
    }
  }, 300_000);
});
