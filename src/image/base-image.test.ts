import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stableJson } from '../oci/json.js';
import { OciLayoutSink } from '../oci/layout-sink.js';
import { MediaType } from '../oci/media-types.js';
import type { Descriptor, ImageIndex, Platform } from '../oci/types.js';
import { resolveBaseImage } from './base-image.js';
import { buildImage } from './build.js';
import {
  MiB,
  readJson,
  tempDir,
  testModel,
  testPool,
  tool,
  writeModel,
} from '../../test/image/image-fixtures.js';

let work: string;
/** Made by umoci: one layer holding /etc/base.txt, Env BASE_ENV=1 and LANG=C, tag `base`. */
let umociBase: string;
/** Made with the sink: tag `multi` is an index of linux/amd64 and linux/arm64/v8; tag `amd64` one manifest. */
let multi: string;
const digests: Record<string, string> = {};

async function writeJsonBlob(sink: OciLayoutSink, mediaType: string, value: unknown): Promise<Descriptor> {
  const bytes = stableJson(value);
  return sink.writeBlob({ mediaType }, async function* () {
    yield bytes;
  });
}

async function platformImage(sink: OciLayoutSink, platform: Platform, tags: string[]): Promise<Descriptor> {
  const config = await writeJsonBlob(sink, MediaType.ImageConfig, {
    ...platform,
    config: { Env: [`ARCH=${platform.architecture}`] },
    rootfs: { type: 'layers', diff_ids: [] },
  });
  const bytes = stableJson({ schemaVersion: 2, mediaType: MediaType.ImageManifest, config, layers: [] });
  return sink.writeManifest(bytes, MediaType.ImageManifest, tags);
}

beforeAll(async () => {
  work = await tempDir('base');
  umociBase = join(work, 'umoci-base');
  await writeFile(join(work, 'base.txt'), 'from the base\n');
  await tool('umoci', ['init', '--layout', umociBase]);
  await tool('umoci', ['new', '--image', `${umociBase}:base`]);
  await tool('umoci', [
    'insert',
    '--rootless',
    '--image',
    `${umociBase}:base`,
    join(work, 'base.txt'),
    '/etc/base.txt',
  ]);
  await tool('umoci', [
    'config',
    '--image',
    `${umociBase}:base`,
    '--config.env',
    'BASE_ENV=1',
    '--config.env',
    'LANG=C',
  ]);

  multi = join(work, 'multi');
  const sink = await OciLayoutSink.open(multi);
  const amd64 = await platformImage(sink, { os: 'linux', architecture: 'amd64' }, ['amd64']);
  const arm64 = await platformImage(sink, { os: 'linux', architecture: 'arm64', variant: 'v8' }, []);
  digests.amd64 = amd64.digest;
  digests.arm64 = arm64.digest;
  const index = stableJson({
    schemaVersion: 2,
    mediaType: MediaType.ImageIndex,
    manifests: [
      { ...arm64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { ...amd64, platform: { os: 'linux', architecture: 'amd64' } },
    ],
  });
  await sink.writeManifest(index, MediaType.ImageIndex, ['multi']);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('resolveBaseImage from an OCI layout', () => {
  it.each([
    { platform: 'linux/amd64', arch: 'amd64' },
    { platform: 'linux/arm64', arch: 'arm64' },
    { platform: 'linux/arm64/v8', arch: 'arm64' },
  ])('follows an index to $platform', async ({ platform, arch }) => {
    const base = await resolveBaseImage(`oci-layout:${multi}:multi`, { platform });
    expect(base.digest).toBe(digests[arch]);
    expect(base.config.config?.Env).toEqual([`ARCH=${arch}`]);
  });

  it('finds a relative layout path from relativeTo', async () => {
    const base = await resolveBaseImage('oci-layout:multi:amd64', { relativeTo: work });
    expect(base).toMatchObject({ digest: digests.amd64, name: 'oci-layout:multi:amd64' });
  });

  it.each([
    {
      name: 'a registry reference',
      text: 'ghcr.io/acme/serving:1.2',
      code: 'base-registry-unsupported',
      kind: 'usage',
    },
    { name: 'an ill-formed reference', text: 'oci:some/dir', code: 'location-invalid', kind: 'usage' },
    {
      name: 'a missing folder',
      text: 'oci-layout:/nonexistent/layout',
      code: 'base-unreadable',
      kind: 'usage',
    },
    { name: 'a missing tag', text: 'oci-layout:MULTI:nope', code: 'base-tag-not-found', kind: 'usage' },
    {
      name: 'no tag among several images',
      text: 'oci-layout:MULTI',
      code: 'base-tag-required',
      kind: 'usage',
    },
    {
      name: 'a platform the index lacks',
      text: 'oci-layout:MULTI:multi',
      platform: 'linux/s390x',
      code: 'base-platform-not-found',
      kind: 'usage',
    },
    {
      name: 'a single image for another platform',
      text: 'oci-layout:MULTI:amd64',
      platform: 'linux/arm64',
      code: 'base-platform-not-found',
      kind: 'usage',
    },
    { name: 'a bad platform', text: 'scratch', platform: 'linux', code: 'platform-invalid', kind: 'usage' },
  ])('refuses $name', async ({ text, platform, code, kind }) => {
    const resolving = resolveBaseImage(text.replace('MULTI', multi), platform ? { platform } : {});
    await expect(resolving).rejects.toMatchObject({ code, kind, hint: expect.any(String) });
  });

  it('names what is there when a tag is missing', async () => {
    await expect(resolveBaseImage(`oci-layout:${multi}:nope`)).rejects.toMatchObject({
      message: expect.stringContaining('(it has amd64, multi)'),
    });
  });

  it('refuses a blob whose bytes do not match its digest', async () => {
    const broken = join(work, 'broken');
    await tool('cp', ['-r', multi, broken]);
    const index = await readJson<ImageIndex>(join(broken, 'index.json'));
    const amd64 = index.manifests.find(
      (d) => d.annotations?.['org.opencontainers.image.ref.name'] === 'amd64',
    )!;
    const path = join(broken, 'blobs', 'sha256', amd64.digest.slice(7));
    await writeFile(path, (await readFile(path, 'utf8')).replace('"layers":[]', '"layers": []'));
    await expect(resolveBaseImage(`oci-layout:${broken}:amd64`)).rejects.toMatchObject({
      code: 'base-unreadable',
      cause: expect.objectContaining({ code: 'blob-digest-mismatch' }),
    });
  });
});

describe('buildImage on a base made by umoci', () => {
  it('puts the base layers first, keeps its Env merged, and unpacks to base + model files', async () => {
    const base = await resolveBaseImage(`oci-layout:${umociBase}:base`);
    expect(base.layers).toHaveLength(1);
    expect(base.layers[0]!.descriptor.mediaType).toBe(MediaType.LayerGzip);
    const modelDir = join(work, 'model');
    const files = await writeModel(modelDir, { 'model.onnx': 'onnx bytes', 'big.bin': 64 * MiB });
    const pool = testPool({ env: { LANG: 'C.UTF-8' } });
    const out = join(work, 'out');
    const built = await buildImage(
      { files, directory: modelDir, pool, base, model: testModel, tags: ['1.4.0'] },
      await OciLayoutSink.open(out),
    );

    expect(built.baseDigest).toBe(base.digest);
    expect(built.layers.map((l) => l.digest)).toEqual([
      base.layers[0]!.descriptor.digest,
      expect.any(String),
      expect.any(String),
    ]);
    expect(built.config.rootfs.diff_ids[0]).toBe(base.layers[0]!.diffId);
    expect(built.config.config?.Env).toEqual(
      expect.arrayContaining(['BASE_ENV=1', 'LANG=C.UTF-8', 'MODEL_NAME=sentiment']),
    );
    expect(built.config.config?.Labels).toMatchObject({
      'org.opencontainers.image.base.name': `oci-layout:${umociBase}:base`,
      'org.opencontainers.image.base.digest': base.digest,
    });
    expect(built.config.history?.length).toBe((base.config.history?.length ?? 0) + 2);

    const bundle = join(work, 'bundle');
    await tool('umoci', ['unpack', '--rootless', '--image', `${out}:1.4.0`, bundle]);
    expect(await readFile(join(bundle, 'rootfs', 'etc', 'base.txt'), 'utf8')).toBe('from the base\n');
    expect((await readdir(join(bundle, 'rootfs', 'models'))).sort()).toEqual(['big.bin', 'model.onnx']);
    const inspected = JSON.parse(await tool('skopeo', ['inspect', `oci:${out}:1.4.0`])) as { Env: string[] };
    expect(inspected.Env).toContain('BASE_ENV=1');
  });
});
