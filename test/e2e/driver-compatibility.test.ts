/**
 * Issue 16 §1 through the CLI, in-process: a pool whose NVIDIA driver cannot run the base image's
 * CUDA runtime is refused before anything is built (promote), and the same check runs in
 * `model-promote resolve` so a catalog can be checked in a PR. The base is a real OCI layout whose
 * config says CUDA_VERSION=12.4.1, as NVIDIA's CUDA images do.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stableJson } from '../../src/oci/json.js';
import { OciLayoutSink } from '../../src/oci/layout-sink.js';
import { MediaType } from '../../src/oci/media-types.js';
import {
  copyExampleRegistry,
  EXAMPLE_CATALOG,
  EXAMPLES,
  errorLines,
  listTop,
  promoteArgs,
  readJson,
  runCli,
  TempDirs,
} from './helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the record is read back as plain JSON */
const temp = new TempDirs();
let registry: string;
let work: string;
let cudaBase: string;

/** An image with no layers whose config declares CUDA 12.4.1 the way nvidia/cuda images do. */
async function writeCudaBase(layout: string): Promise<string> {
  const sink = await OciLayoutSink.open(layout);
  const config = stableJson({
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/local/cuda/bin:/usr/bin:/bin', 'CUDA_VERSION=12.4.1'] },
    rootfs: { type: 'layers', diff_ids: [] },
  });
  const descriptor = await sink.writeBlob({ mediaType: MediaType.ImageConfig }, async function* () {
    yield config;
  });
  const manifest = stableJson({
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    config: descriptor,
    layers: [],
  });
  await sink.writeManifest(manifest, MediaType.ImageManifest, ['cu124']);
  return `oci-layout:${layout}:cu124`;
}

/**
 * The example catalog with production/gpu-a100-80g (the pool the demo's champion selects) given
 * the CUDA base for the model's runtime (onnx) and the driver `driver`.
 */
async function catalogWithDriver(driver: string): Promise<string> {
  const dir = await temp.make();
  await cp(path.join(EXAMPLES, 'keys'), path.join(dir, 'keys'), { recursive: true });
  const text = (await readFile(EXAMPLE_CATALOG, 'utf8'))
    .replace(
      "        driver:\n          version: 550.90.07\n          cuda: '12.4'\n",
      `        driver:\n          version: '${driver}'\n`,
    )
    .replace(
      '            default: scratch\n            # onnx: nvcr.io/nvidia/tritonserver:24.05-py3\n            # pytorch:',
      `            default: scratch\n            onnx: ${cudaBase}\n            # pytorch:`,
    );
  expect(text).toContain(`version: '${driver}'`);
  expect(text).toContain(`onnx: ${cudaBase}`);
  const catalog = path.join(dir, 'catalog.yaml');
  await writeFile(catalog, text);
  return catalog;
}

/** The labels of the demo's champion (version 2), as --label flags. */
const championLabels = [
  'workload=online-inference',
  'runtime=onnx',
  'accelerator=nvidia',
  'gpu-memory=40Gi',
].flatMap((label) => ['--label', label]);

beforeAll(async () => {
  registry = await copyExampleRegistry(await temp.make());
  work = await temp.make();
  cudaBase = await writeCudaBase(path.join(work, 'cuda-base'));
});
afterAll(() => temp.cleanup());

describe('promote: an incompatible driver is refused before the build', () => {
  it('exit 1, kind refused, naming the driver, the runtime and the fix; nothing built', async () => {
    const output = path.join(await temp.make(), 'out');
    const catalog = await catalogWithDriver('470.82.01');
    const run = await runCli(promoteArgs({ registry, output, catalog }));

    expect(run.code).toBe(1);
    const errors = errorLines(run.stderr);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /driver 470\.82\.01 cannot run CUDA 12\.4\.1 \(image env CUDA_VERSION\): needs driver >= 550\.54\.15.*Fix: pool gpu-a100-80g: add a base variant with CUDA 11\.x up to 11\.4\.4 .*or upgrade the driver to >= 550\.54\.15/,
    );

    const record = await readJson<any>(path.join(output, 'promotion.json'));
    expect(record.status).toBe('refused');
    expect(record.error.code).toBe('no-compatible-runtime');
    expect(record.image).toBeUndefined();
    expect(record.stages.map((s: any) => s.name)).not.toContain('build');
    expect(record.environment.explanation).toContainEqual(
      expect.objectContaining({ pool: 'gpu-a100-80g', matched: false }),
    );
    expect(await listTop(output)).toEqual(['promotion.json', 'summary.md']);
  });

  it('the same catalog with a driver that runs CUDA 12.4.1 promotes on that base', async () => {
    const output = path.join(await temp.make(), 'out');
    const catalog = await catalogWithDriver('550.90.07');
    const run = await runCli(promoteArgs({ registry, output, catalog }));
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/resolve.*driver 550\.90\.07 runs CUDA 12\.4\.1 \(image env CUDA_VERSION\)/);
    const record = await readJson<any>(path.join(output, 'promotion.json'));
    expect(record).toMatchObject({ status: 'succeeded', environment: { pool: 'gpu-a100-80g' } });
    expect(record.image.base).toBe(cudaBase);
  });
});

describe('resolve: the same check, for a catalog in a PR', () => {
  const resolveArgs = (catalog: string, ...extra: string[]) => [
    'resolve',
    '--catalog',
    catalog,
    '--environment',
    'production',
    ...championLabels,
    ...extra,
  ];

  it('refuses the incompatible driver with exit 1 and the table', async () => {
    const run = await runCli(resolveArgs(await catalogWithDriver('470.82.01')));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/error: no pool of environment production can run the model's base image/);
    expect(run.stderr).toMatch(/POOL +PRIORITY +MATCH +RUNTIME +REASON/);
  });

  it('explains the driver and runtime that decided when it fits', async () => {
    const run = await runCli(resolveArgs(await catalogWithDriver('535.104.05'), '--json'));
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed).toMatchObject({ pool: 'gpu-a100-80g', base: cudaBase });
    expect(printed.runtime).toMatch(
      /^driver 535\.104\.05 runs CUDA 12\.4\.1 \(image env CUDA_VERSION\) through minor-version compatibility/,
    );
  });

  it('a cuda label that is not a range: exit 2 naming the label', async () => {
    const run = await runCli(resolveArgs(await catalogWithDriver('550.90.07'), '--label', 'cuda=newest'));
    expect(run.code).toBe(2);
    expect(errorLines(run.stderr).join('\n')).toMatch(
      /model label cuda="newest" is not a version range.*Fix:/,
    );
  });

  it('a driver that is not a version: exit 2 at file:line:column', async () => {
    const catalog = await catalogWithDriver('550.90.07');
    const text = await readFile(catalog, 'utf8');
    await writeFile(catalog, text.replace("version: '550.90.07'", 'version: latest'));
    const line = text.split('\n').findIndex((l) => l.includes("version: '550.90.07'")) + 1;
    const run = await runCli(resolveArgs(catalog));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${catalog}:${line}:11: environments.production.pools[0].driver.version: must be a version such as 535.104.05`,
    );
  });
});
