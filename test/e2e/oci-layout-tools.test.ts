/**
 * The promoted image, read by tools nobody here wrote: skopeo inspects the OCI layout and umoci
 * unpacks it; the unpacked model folder must hold exactly the verified files, byte for byte.
 * Needs skopeo and umoci on PATH (.ci/run installs them). Slow-ish: spawns both tools.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  copyExampleRegistry,
  execFileAsync,
  listFiles,
  promoteArgs,
  readJson,
  runCli,
  sha256File,
  TempDirs,
} from './helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tool output is read as plain JSON */
const temp = new TempDirs();
let registry: string;

beforeAll(async () => {
  registry = await copyExampleRegistry(await temp.make());
});
afterAll(() => temp.cleanup());

const cases = [
  { name: 'champion on gpu-a100-80g', version: 'champion', modelVersion: '2', pool: 'gpu-a100-80g' },
  { name: 'v1 on gpu-l4-24g', version: '1', modelVersion: '1', pool: 'gpu-l4-24g' },
];

describe.each(cases)('the OCI layout of $name', ({ version, modelVersion, pool }) => {
  let output: string;
  let record: any;
  let layout: string;

  beforeAll(async () => {
    output = path.join(await temp.make(), 'out');
    const run = await runCli(promoteArgs({ registry, output, version }));
    if (run.code !== 0) throw new Error(`promotion failed: ${run.stderr}`);
    record = await readJson(path.join(output, 'promotion.json'));
    layout = path.join(output, 'image');
  });

  it.each([{ tag: modelVersion }, { tag: `${modelVersion}-${pool}` }])(
    'skopeo inspect oci:…:$tag names the built digest, the model and the pool',
    async ({ tag }) => {
      const { stdout } = await execFileAsync('skopeo', ['inspect', `oci:${layout}:${tag}`]);
      const inspected = JSON.parse(stdout);
      expect(inspected.Digest).toBe(record.image.digest);
      expect(inspected.Os).toBe('linux');
      // The model layers, then the signature's own.
      expect(inspected.Layers).toEqual(
        [...record.image.layers, record.image.signature].map((l: any) => l.digest),
      );
      expect(record.image.signature.path).toBe('/models/model.sig');
      expect(inspected.Labels).toMatchObject({
        'dev.model-promote.model.digest': record.model.digest,
        'dev.model-promote.model.name': 'sentiment',
        'dev.model-promote.model.version': modelVersion,
        'dev.model-promote.pool': pool,
      });
    },
  );

  it('skopeo inspect --raw returns a manifest whose blobs are all in the layout', async () => {
    const { stdout } = await execFileAsync('skopeo', ['inspect', '--raw', `oci:${layout}:${modelVersion}`]);
    const manifest = JSON.parse(stdout);
    expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    const blobs = await listFiles(path.join(layout, 'blobs'));
    for (const descriptor of [manifest.config, ...manifest.layers]) {
      const file = path.join(layout, 'blobs', descriptor.digest.replace(':', '/'));
      expect(blobs).toContain(descriptor.digest.replace(':', '/'));
      expect((await stat(file)).size).toBe(descriptor.size);
      expect(`sha256:${await sha256File(file)}`).toBe(descriptor.digest);
    }
  });

  it('umoci unpack gives exactly the verified model files and their signature, byte for byte, and nothing else', async () => {
    const bundle = path.join(await temp.make(), 'bundle');
    await execFileAsync('umoci', ['unpack', '--rootless', '--image', `${layout}:${modelVersion}`, bundle]);
    const rootfs = path.join(bundle, 'rootfs');
    expect(await readdir(rootfs)).toEqual(['models']);
    const modelDir = path.join(registry, 'sentiment', modelVersion);
    const signed = (await listFiles(modelDir)).filter((f) => f !== 'model.sig');
    expect(signed.length).toBe(record.model.files);
    expect(await listFiles(rootfs)).toEqual([...signed, 'model.sig'].sort().map((f) => `models/${f}`));
    for (const file of [...signed, 'model.sig']) {
      expect(await sha256File(path.join(rootfs, 'models', file))).toBe(
        await sha256File(path.join(modelDir, file)),
      );
    }
  });
});
