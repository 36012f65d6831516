/**
 * The OCI registry as a model registry, end to end against Debian's docker-registry 2.8 on loopback
 * (no referrers API: signatures and promotion history go through the tag-schema fallback):
 * publish the example versions as ModelPack artifacts, check them with skopeo, then promote from
 * `oci://` through the CLI — first downloading, then from the cache, then refusing a tampered cache
 * and an artifact that is not a model.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MemoryLogger } from '../../src/logger.js';
import { DownloadCache } from '../../src/registry/download-cache.js';
import { expectedDigests } from '../../src/signing/listed-digests.js';
import { OciModelRegistry } from '../../src/registry/oci-model-registry.js';
import {
  EXAMPLE_CATALOG,
  EXAMPLES,
  errorLines,
  execFileAsync,
  promoteArgs,
  readJson,
  runCli,
  signatureSubject,
  TempDirs,
} from '../e2e/helpers.js';
import { startRegistry, type TestRegistry } from '../registry/registry-server.js';
import { pushPlainImage, runPublish } from './helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- records and manifests are read back as plain JSON */
const temp = new TempDirs();
let registry: TestRegistry;
let uri: string;
let cacheDir: string;
const savedEnv = { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, RUNNER_TEMP: process.env.RUNNER_TEMP };
const V2 = path.join(EXAMPLES, 'registry/sentiment/2');

const common = [
  '--label',
  'workload=online-inference',
  '--label',
  'runtime=onnx',
  '--label',
  'accelerator=nvidia',
  '--label',
  'framework=safetensors',
];

beforeAll(async () => {
  registry = await startRegistry();
  uri = `oci://${registry.host}/models/sentiment`;
  // Until the pipeline passes `cache-dir` to openRegistry, the default root is used: point it here.
  const xdg = await temp.make('mp-xdg-');
  process.env.XDG_CACHE_HOME = xdg;
  delete process.env.RUNNER_TEMP;
  cacheDir = path.join(xdg, 'model-promote');
});
afterAll(async () => {
  await registry?.stop();
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await makeWritable(cacheDir);
  await temp.cleanup();
});

async function makeWritable(dir: string): Promise<void> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const e of entries)
    if (e.isFile()) await chmod(path.join(e.parentPath, e.name), 0o644).catch(() => undefined);
}

async function blobInodes(): Promise<Map<string, number>> {
  const dir = path.join(cacheDir, 'blobs/sha256');
  const inodes = new Map<string, number>();
  for (const name of await readdir(dir)) inodes.set(name, (await stat(path.join(dir, name))).ino);
  return inodes;
}

const promote = async (extra: { model?: string; version?: string } = {}) => {
  const output = path.join(await temp.make(), 'out');
  const run = await runCli(
    promoteArgs({ registry: uri, output, catalog: EXAMPLE_CATALOG, ...extra }, '--cache-dir', cacheDir),
  );
  return { run, output };
};

describe('oci:// model registry (ModelPack on docker-registry 2.8)', () => {
  it('publishes both example versions, champion -> 2', async () => {
    for (const [version, memory, alias] of [
      ['1', '16Gi', 'stable'],
      ['2', '40Gi', 'champion'],
    ] as const) {
      const run = await runPublish([
        path.join(EXAMPLES, 'registry/sentiment', version),
        '--registry',
        uri,
        '--model',
        'sentiment',
        '--version',
        version,
        '--alias',
        alias,
        ...common,
        '--label',
        `gpu-memory=${memory}`,
        '--format',
        'safetensors',
      ]);
      expect(run).toMatchObject({ code: 0 });
      expect(run.stdout).toMatch(
        new RegExp(
          `^published sentiment v${version} \\(4 files\\): ${registry.host}/models/sentiment@sha256:[0-9a-f]{64} tags ${version}, ${alias}\\n$`,
        ),
      );
    }
  });

  it('publishing again gives the same digest and uploads no blob', async () => {
    const run = await runPublish([
      V2,
      '--registry',
      uri,
      '--model',
      'sentiment',
      '--version',
      '2',
      '--alias',
      'champion',
      ...common,
      '--label',
      'gpu-memory=40Gi',
      '--format',
      'safetensors',
      '--json',
    ]);
    const published = JSON.parse(run.stdout);
    const { stdout } = await execFileAsync('skopeo', [
      'inspect',
      '--tls-verify=false',
      '--raw',
      `docker://${registry.host}/models/sentiment:champion`,
    ]);
    expect(published.reference).toBe(
      `${registry.host}/models/sentiment@${(await import('../../src/oci/digest.js')).sha256Digest(Buffer.from(stdout))}`,
    );
    expect(published.stats).toMatchObject({ blobsUploaded: 0 });
  });

  it('is a ModelPack artifact to skopeo: artifactType, config, one tar layer per file', async () => {
    const { stdout } = await execFileAsync('skopeo', [
      'inspect',
      '--tls-verify=false',
      '--raw',
      `docker://${registry.host}/models/sentiment:2`,
    ]);
    const manifest = JSON.parse(stdout);
    expect(manifest.artifactType).toBe('application/vnd.cncf.model.manifest.v1+json');
    expect(manifest.config.mediaType).toBe('application/vnd.cncf.model.config.v1+json');
    expect(manifest.layers.map((l: any) => [l.mediaType, l.annotations['org.cncf.model.filepath']])).toEqual([
      ['application/vnd.cncf.model.weight.config.v1.tar', 'config.json'],
      ['application/vnd.cncf.model.weight.config.v1.tar', 'input_example.json'],
      ['application/vnd.cncf.model.weight.config.v1.tar', 'vocab.txt'],
      ['application/vnd.cncf.model.weight.v1.tar', 'weights.safetensors'],
    ]);
    // The signature is a referrer, listed under the tag-schema fallback tag.
    const tags = JSON.parse(
      (
        await execFileAsync('skopeo', [
          'list-tags',
          '--tls-verify=false',
          `docker://${registry.host}/models/sentiment`,
        ])
      ).stdout,
    ).Tags;
    expect(tags).toEqual(expect.arrayContaining(['1', '2', 'champion', 'stable']));
    expect(tags.filter((t: string) => t.startsWith('sha256-'))).toHaveLength(2);
  });

  it('resolves an alias to its version, with labels, aliases and the files streamed into the cache', async () => {
    const root = await temp.make('mp-cache-');
    const logger = new MemoryLogger();
    const models = new OciModelRegistry(uri, { cache: new DownloadCache(root), logger });
    const version = await models.resolve('sentiment', 'champion');
    expect(version).toMatchObject({
      model: 'sentiment',
      version: '2',
      requested: 'champion',
      aliases: ['champion'],
      labels: {
        accelerator: 'nvidia',
        'gpu-memory': '40Gi',
        format: 'safetensors',
        framework: 'safetensors',
        runtime: 'onnx',
        workload: 'online-inference',
      },
      signatureName: 'model.sig',
    });
    expect((await readdir(version.directory)).sort()).toEqual((await readdir(V2)).sort());
    for (const name of await readdir(V2))
      expect(await readFile(path.join(version.directory, name))).toEqual(await readFile(path.join(V2, name)));
    expect([...version.knownDigests!.keys()].sort()).toEqual([
      'config.json',
      'input_example.json',
      'model.sig',
      'vocab.txt',
      'weights.safetensors',
    ]);
    const again = await models.resolve('sentiment', '2');
    expect(again.knownDigests!.size).toBe(0);
    expect(logger.lines.at(-1)).toMatch(
      /5 file\(s\) in .* \(5 from the cache, re-verified; 0 bytes downloaded\)/,
    );
    expect((await models.resolve('sentiment', 'latest')).version).toBe('2');
    await expect(models.resolve('sentiment', 'nope')).rejects.toThrow(/has no version or alias "nope".*/);
    await expect(models.resolve('other', '1')).rejects.toMatchObject({ code: 'unknown-model' });
  });

  it('promotes oci://.../sentiment champion into production, and records it in the registry', async () => {
    const { run, output } = await promote();
    expect(errorLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    const record = await readJson<any>(path.join(output, 'promotion.json'));
    expect(record).toMatchObject({
      status: 'succeeded',
      model: { name: 'sentiment', version: '2', requested: 'champion' },
      environment: { name: 'production', pool: 'gpu-a100-80g' },
      signature: { method: 'key' },
    });
    expect(record.model.digest).toBe(await signatureSubject(path.join(V2, 'model.sig')));

    const history = await runCli(['history', '--registry', uri, '--model', 'sentiment', '--json']);
    expect(history.code).toBe(0);
    const { entries, stats } = JSON.parse(history.stdout);
    expect(entries).toEqual([
      expect.objectContaining({
        environment: 'production',
        version: '2',
        status: 'succeeded',
        durationSeconds: expect.any(Number),
      }),
    ]);
    expect(stats.environments).toEqual([
      expect.objectContaining({ environment: 'production', attempts: 1, successRate: 1 }),
    ]);
  });

  it('a second promotion downloads nothing (same blobs in the cache) and still verifies', async () => {
    const before = await blobInodes();
    const { run, output } = await promote();
    expect(run.code).toBe(0);
    expect(await blobInodes()).toEqual(before);
    expect(
      (await readJson<any>(path.join(output, 'promotion.json'))).stages.find((s: any) => s.name === 'verify')
        .outcome,
    ).toBe('ok');
  });

  it('refuses a tampered file in the cache: the verifier hashes it, naming the file', async () => {
    const hex = expectedDigests(await readFile(path.join(V2, 'model.sig'))).get('vocab.txt')!;
    const blob = path.join(cacheDir, 'blobs/sha256', hex);
    const original = await readFile(blob);
    const tampered = Buffer.from(original);
    tampered[3] = tampered[3]! ^ 0x20;
    await chmod(blob, 0o644);
    await writeFile(blob, tampered);
    try {
      const { run, output } = await promote();
      expect(run.code).toBe(1);
      const record = await readJson<any>(path.join(output, 'promotion.json')).catch(() => undefined);
      if (record) expect(record.status).toBe('refused');
      expect(errorLines(run.stderr).join('\n')).toMatch(/vocab\.txt/);
    } finally {
      await writeFile(blob, original);
    }
  });

  it('refuses an artifact that is not a ModelPack model, saying so', async () => {
    await pushPlainImage(registry.host, 'models/plain', '1');
    const output = path.join(await temp.make(), 'out');
    const run = await runCli(
      promoteArgs(
        { registry: `oci://${registry.host}/models`, output, model: 'plain', version: '1' },
        '--cache-dir',
        cacheDir,
      ),
    );
    expect(run.code).toBe(2);
    expect(errorLines(run.stderr).join('\n')).toMatch(
      new RegExp(
        `${registry.host}/models/plain:1 is not a ModelPack model artifact: its artifact type is application/vnd.oci.image.config.v1\\+json`,
      ),
    );
  });

  it('refuses a publish without a signature', async () => {
    const dir = await temp.make();
    await writeFile(path.join(dir, 'weights.bin'), 'x');
    const run = await runPublish([dir, '--registry', uri, '--model', 'sentiment', '--version', '9']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/sentiment version 9 has no signature/);
  });

  it('streams a version to an image repository without the cache: the image the cached path builds', async () => {
    const before = await blobInodes();
    const push = async (repository: string, ...extra: string[]) => {
      const output = path.join(await temp.make(), 'out');
      const run = await runCli(
        promoteArgs(
          { registry: uri, output, catalog: EXAMPLE_CATALOG },
          '--image-repository',
          `${registry.host}/${repository}`,
          '--json',
          ...extra,
        ),
      );
      expect(errorLines(run.stderr)).toEqual([]);
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout);
    };
    const streamed = await push('images/streamed');
    expect(streamed.stages.find((s: any) => s.name === 'fetch').detail).toMatch(/4 files listed, to stream/);
    // The cache (the default root) neither grew nor changed.
    expect(await blobInodes()).toEqual(before);
    const cached = await push('images/cached', '--cache-dir', cacheDir);
    expect(cached.stages.find((s: any) => s.name === 'fetch').detail).not.toMatch(/to stream/);
    expect(streamed.image.digest).toBe(cached.image.digest);
  });
});
