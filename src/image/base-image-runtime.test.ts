/** What runtime a base image's config declares (runtimeOfImageConfig), and reading it from a layout. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stableJson } from '../oci/json.js';
import { OciLayoutSink } from '../oci/layout-sink.js';
import { MediaType } from '../oci/media-types.js';
import type { ImageConfig } from '../oci/types.js';
import { tempDir } from '../../test/image/image-fixtures.js';
import { readBaseRuntimes, runtimeOfImageConfig } from './base-image.js';
import { ImageError } from './image-error.js';

function config(settings: { Env?: string[]; Labels?: Record<string, string> }): ImageConfig {
  return {
    architecture: 'amd64',
    os: 'linux',
    config: settings,
    rootfs: { type: 'layers', diff_ids: [] },
  };
}

interface Case {
  readonly name: string;
  readonly settings: { Env?: string[]; Labels?: Record<string, string> };
  readonly runtime: Record<string, string>;
}

describe('runtimeOfImageConfig', () => {
  it.each<Case>([
    {
      name: "NVIDIA's CUDA images: Env CUDA_VERSION",
      settings: { Env: ['PATH=/usr/bin', 'CUDA_VERSION=12.4.1', 'NV_CUDA_LIB_VERSION=12.4.1-1'] },
      runtime: { cuda: '12.4.1', source: 'image env CUDA_VERSION' },
    },
    {
      name: 'the documented label wins over the env',
      settings: { Env: ['CUDA_VERSION=12.4.1'], Labels: { 'dev.model-promote.cuda': '12.2' } },
      runtime: { cuda: '12.2', source: 'image label dev.model-promote.cuda' },
    },
    {
      name: 'a ROCm label',
      settings: { Labels: { 'dev.model-promote.rocm': '6.2.4' } },
      runtime: { rocm: '6.2.4', source: 'image label dev.model-promote.rocm' },
    },
    { name: 'nothing declared', settings: { Env: ['LANG=C'] }, runtime: { source: 'none' } },
    { name: 'no config section', settings: {}, runtime: { source: 'none' } },
  ])('$name', ({ settings, runtime }) => {
    expect(runtimeOfImageConfig(config(settings), 'oci-layout:/b:1')).toEqual(runtime);
  });

  it('refuses a declared runtime that is not a version, naming the image and the fix', () => {
    const read = () => runtimeOfImageConfig(config({ Env: ['CUDA_VERSION=12.4-rc'] }), 'oci-layout:/b:1');
    expect(read).toThrow(ImageError);
    expect(read).toThrow(
      'base image oci-layout:/b:1 declares cuda "12.4-rc" (image env CUDA_VERSION), which is not a version',
    );
  });
});

describe('readBaseRuntimes', () => {
  let work: string;
  beforeAll(async () => {
    work = await tempDir('runtime');
    const sink = await OciLayoutSink.open(join(work, 'layout'));
    for (const [tag, cuda] of [
      ['cu124', '12.4.1'],
      ['cu118', '11.8.0'],
    ] as const) {
      const bytes = stableJson(config({ Env: [`CUDA_VERSION=${cuda}`] }));
      const configDescriptor = await sink.writeBlob({ mediaType: MediaType.ImageConfig }, async function* () {
        yield bytes;
      });
      const manifest = stableJson({
        schemaVersion: 2,
        mediaType: MediaType.ImageManifest,
        config: configDescriptor,
        layers: [],
      });
      await sink.writeManifest(manifest, MediaType.ImageManifest, [tag]);
    }
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('reads each base once per platform, by key, and keeps the image for the plan', async () => {
    const ref = `oci-layout:${join(work, 'layout')}:cu124`;
    const { runtimes, images } = await readBaseRuntimes([
      { ref, platform: 'linux/amd64' },
      { ref, platform: 'linux/amd64' },
      { ref: `oci-layout:${join(work, 'layout')}:cu118`, platform: 'linux/amd64' },
    ]);
    expect([...runtimes.values()]).toEqual([
      { cuda: '12.4.1', source: 'image env CUDA_VERSION' },
      { cuda: '11.8.0', source: 'image env CUDA_VERSION' },
    ]);
    expect(images.get(`linux/amd64 ${ref}`)?.digest).toMatch(/^sha256:/);
  });
});
