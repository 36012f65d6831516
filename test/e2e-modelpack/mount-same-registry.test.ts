/**
 * ModelPack to image in the same registry (issue 15): a version published with the pool's
 * modelPath streams into an image repository of the same registry (docker-registry 2.8, and olareg,
 * an OCI 1.1 registry) with its big file's layer mounted, not uploaded (bytes counted at a proxy in
 * front of the registry); the image's layer is the ModelPack layer, digest for digest, and skopeo
 * and umoci unpack the right files. Published under another modelPath, the layer is uploaded as
 * before, and the image is the same one. A version whose big file changed after signing is
 * refused: nothing of it mounted, nothing tagged.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { signModel } from '../../src/signing/sign-model.js';
import {
  EXAMPLE_PRIVATE_KEY,
  EXAMPLES,
  errorLines,
  execFileAsync,
  promoteArgs,
  runCli,
  TempDirs,
} from '../e2e/helpers.js';
import { type FaultProxy, startFaultProxy } from '../registry/fault-proxy.js';
import { startReferrersRegistry, startRegistry, type TestRegistry } from '../registry/registry-server.js';
import { runPublish } from './helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- records and manifests are read back as plain JSON */
const MiB = 1024 * 1024;
const BIG = 'weights/big.bin';
const BIG_BYTES = 65 * MiB;
const temp = new TempDirs();
const saved = { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, RUNNER_TEMP: process.env.RUNNER_TEMP };
let registry: TestRegistry;
let proxy: FaultProxy;
let model: string;

/** Example version 2, one 65 MiB weight file (a layer of its own) and two small ones, signed. */
async function signedModel(): Promise<string> {
  const dir = path.join(await temp.make(), 'model');
  await cp(path.join(EXAMPLES, 'registry/sentiment/2'), dir, { recursive: true });
  await rm(path.join(dir, 'model.sig'));
  await mkdir(path.join(dir, 'weights'));
  await writeFile(path.join(dir, BIG), randomBytes(BIG_BYTES));
  await writeFile(path.join(dir, 'weights/small-1.bin'), randomBytes(3000));
  await writeFile(path.join(dir, 'weights/small-2.bin'), randomBytes(5000));
  await signModel(dir, { privateKeyPath: EXAMPLE_PRIVATE_KEY });
  return dir;
}

async function publish(dir: string, name: string, ...extra: string[]): Promise<void> {
  const published = await runPublish([
    dir,
    '--registry',
    `oci://${registry.host}/models/${name}`,
    '--model',
    name,
    '--version',
    '1',
    ...['workload=online-inference', 'runtime=onnx', 'accelerator=nvidia', 'gpu-memory=40Gi'].flatMap(
      (label) => ['--label', label],
    ),
    ...extra,
  ]);
  expect(published).toMatchObject({ code: 0 });
}

/** Promotes `name` v1 from the registry through the proxy into images/TARGET there, bytes counted. */
async function promote(name: string, target: string) {
  const before = proxy.counts.bytesUp;
  const run = await runCli(
    promoteArgs(
      {
        registry: `oci://${proxy.host}/models`,
        model: name,
        version: '1',
        output: path.join(await temp.make(), 'out'),
      },
      '--image-repository',
      `${proxy.host}/images/${target}`,
      '--json',
      '--verbose',
    ),
  );
  return { run, record: JSON.parse(run.stdout), bytesUp: proxy.counts.bytesUp - before };
}

async function manifestOf(repository: string, reference: string): Promise<any> {
  const response = await fetch(`http://${registry.host}/v2/${repository}/manifests/${reference}`, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  expect(response.status).toBe(200);
  return response.json();
}

async function tagsOf(repository: string): Promise<string[]> {
  const listed = await execFileAsync('skopeo', [
    'list-tags',
    '--tls-verify=false',
    `docker://${registry.host}/${repository}`,
  ]).catch((error: { stderr: string }) => ({ stdout: '', stderr: error.stderr }));
  return JSON.parse(listed.stdout || '{"Tags":[]}').Tags ?? [];
}

async function hasBlob(repository: string, digest: string): Promise<boolean> {
  const head = await fetch(`http://${registry.host}/v2/${repository}/blobs/${digest}`, { method: 'HEAD' });
  return head.status === 200;
}

/** The ModelPack layer of `file` in models/NAME:1. */
async function publishedLayer(name: string, file: string): Promise<{ digest: string; size: number }> {
  const manifest = await manifestOf(`models/${name}`, '1');
  return manifest.layers.find((l: any) => l.annotations['org.cncf.model.filepath'] === file);
}

/** The image unpacked by skopeo and umoci: every model file at /models, with the signed bytes. */
async function expectModelFilesIn(reference: string): Promise<void> {
  const work = await temp.make('unpacked-');
  await execFileAsync('skopeo', [
    'copy',
    '--src-tls-verify=false',
    `docker://${reference}`,
    `oci:${work}/oci:x`,
  ]);
  await execFileAsync('umoci', ['unpack', '--rootless', '--image', `${work}/oci:x`, `${work}/bundle`]);
  const sha = async (file: string) =>
    createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  for (const file of [BIG, 'weights/small-1.bin', 'weights/small-2.bin', 'config.json']) {
    expect(await sha(path.join(work, 'bundle/rootfs/models', file))).toBe(await sha(path.join(model, file)));
  }
}

let tampered: string;

beforeAll(async () => {
  process.env.XDG_CACHE_HOME = await temp.make('xdg-');
  delete process.env.RUNNER_TEMP;
  model = await signedModel();
  tampered = path.join(await temp.make(), 'tampered');
  await cp(model, tampered, { recursive: true });
  const bytes = await readFile(path.join(tampered, BIG));
  bytes[BIG_BYTES - 1000]! ^= 0xff;
  await writeFile(path.join(tampered, BIG), bytes);
}, 300_000);

afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await temp.cleanup();
});

describe.each([
  { name: 'docker-registry 2.8', start: startRegistry },
  { name: 'olareg (OCI 1.1)', start: startReferrersRegistry },
])('ModelPack to an image in the same registry: $name', ({ start }) => {
  beforeAll(async () => {
    registry = await start();
    proxy = await startFaultProxy(registry.port);
    await publish(model, 'mounted', '--model-path', '/models');
    await publish(model, 'elsewhere', '--model-path', '/opt/model');
    await publish(tampered, 'tampered');
  }, 300_000);

  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
  });

  it("mounts the big file's layer: none of its bytes uploaded, the same digest, the right files", async () => {
    const { run, record, bytesUp } = await promote('mounted', 'mounted');
    expect(errorLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    const source = await publishedLayer('mounted', BIG);
    // The shared layer (a few KiB), config, signature, manifests and requests: far below 65 MiB.
    expect(bytesUp).toBeLessThan(MiB);
    expect(record.image.push).toMatchObject({ blobsMounted: 1 });
    expect(record.image.push.bytesUploaded).toBeLessThan(MiB);
    expect(record.image.layers).toHaveLength(2);
    expect(record.image.layers[1]).toEqual({ digest: source.digest, size: source.size, files: 1 });
    expect(record.stages.find((s: any) => s.name === 'build').detail).toMatch(
      /1 layer\(s\) mounted, not uploaded/,
    );
    expect(run.stderr).toMatch(
      new RegExp(
        `mounted ${source.digest} \\(65\\.0 MiB\\) into \\S+/images/mounted from models/mounted: nothing uploaded`,
      ),
    );
    const image = await manifestOf('images/mounted', record.image.digest);
    expect(image.layers.map((l: any) => l.digest)).toContain(source.digest);
    await expectModelFilesIn(`${registry.host}/images/mounted@${record.image.digest}`);
  }, 300_000);

  it('uploads the layer as before when the version was published under another modelPath', async () => {
    const { run, record, bytesUp } = await promote('elsewhere', 'elsewhere');
    expect(errorLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /weights\/big\.bin: uploading its layer, not mounting it: .*under \/opt\/model, the image under \/models/,
    );
    expect(record.image.push).toMatchObject({ blobsMounted: 0 });
    expect(bytesUp).toBeGreaterThan(BIG_BYTES);
    expect(record.image.layers[1].digest).not.toBe((await publishedLayer('elsewhere', BIG)).digest);
    // Uploaded or mounted, the image is the same one.
    expect(record.image.layers[1].digest).toBe((await publishedLayer('mounted', BIG)).digest);
    await expectModelFilesIn(`${registry.host}/images/elsewhere@${record.image.digest}`);
  }, 300_000);

  it('refuses a version whose big file changed after signing: nothing of it mounted, nothing tagged', async () => {
    const { run, record } = await promote('tampered', 'tampered');
    expect(run.code).toBe(1);
    expect(record.status).toBe('refused');
    expect(record.error).toMatchObject({ code: 'model-mismatch' });
    expect(record.error.message).toMatch(/weights\/big\.bin.*does not match its signature/);
    expect(record.image).toBeUndefined();
    expect(await tagsOf('images/tampered')).toEqual([]);
    const source = await publishedLayer('tampered', BIG);
    expect(await hasBlob('images/tampered', source.digest)).toBe(false);
    expect(run.stderr).not.toMatch(/mounted sha256/);
    // What was written before the refusal (the small files' layer) is listed, and is all there is.
    for (const digest of record.unreferencedBlobs?.blobs ?? []) {
      expect(digest).not.toBe(source.digest);
      expect(await hasBlob('images/tampered', digest)).toBe(true);
    }
  }, 300_000);
});
