/**
 * A model larger than the disk for temporary files (issue 15): a 256 MiB tmpfs is TMPDIR and the
 * cache root while a 2 GiB ModelPack version streams from docker-registry into an image in the same
 * registry. The promotion succeeds, and the tmpfs never held more than a few MiB (sampled while it
 * ran). Needs root, for the mount.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { signModel } from '../../src/signing/sign-model.js';
import {
  EXAMPLE_CATALOG,
  EXAMPLE_PRIVATE_KEY,
  EXAMPLES,
  errorLines,
  promoteArgs,
  runCli,
  TempDirs,
} from '../e2e/helpers.js';
import { startRegistry, type TestRegistry } from '../registry/registry-server.js';
import { runPublish } from './helpers.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
/** The model's weight files: four of 512 MiB, each twice the whole temporary disk. */
const WEIGHT_FILES = 4;
const WEIGHT_BYTES = 512 * MiB;
const temp = new TempDirs();
const saved = {
  TMPDIR: process.env.TMPDIR,
  XDG_CACHE_HOME: process.env.XDG_CACHE_HOME,
  RUNNER_TEMP: process.env.RUNNER_TEMP,
};
let registry: TestRegistry;
let small: string;
let mounted = false;

/** Allocated bytes of every file under `dir`. */
async function used(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])) {
    if (entry.isFile())
      total += await stat(path.join(entry.parentPath, entry.name)).then(
        (s) => s.blocks * 512,
        () => 0,
      );
  }
  return total;
}

beforeAll(async () => {
  registry = await startRegistry();
  const model = path.join(await temp.make(), 'model');
  await cp(path.join(EXAMPLES, 'registry/sentiment/2'), model, { recursive: true });
  await rm(path.join(model, 'model.sig'));
  await mkdir(path.join(model, 'weights'));
  const block = randomBytes(16 * MiB);
  for (let i = 0; i < WEIGHT_FILES; i++) {
    const file = await open(path.join(model, `weights/part-${i}.bin`), 'w');
    for (let at = 0; at < WEIGHT_BYTES; at += block.length) {
      block.writeUInt32LE(i * 1000 + at / block.length, 0);
      await file.write(block, 0, block.length, at);
    }
    await file.close();
  }
  await signModel(model, { privateKeyPath: EXAMPLE_PRIVATE_KEY });
  const published = await runPublish([
    model,
    '--registry',
    `oci://${registry.host}/models/big`,
    '--model',
    'big',
    '--version',
    '1',
    ...[
      'workload=online-inference',
      'runtime=onnx',
      'accelerator=nvidia',
      'gpu-memory=40Gi',
      'framework=safetensors',
    ].flatMap((label) => ['--label', label]),
    '--format',
    'safetensors',
  ]);
  expect(published).toMatchObject({ code: 0 });
  small = await temp.make('small-disk-');
  await run('mount', ['-t', 'tmpfs', '-o', 'size=256m', 'tmpfs', small]);
  mounted = true;
}, 600_000);

afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  if (mounted) await run('umount', [small]);
  await registry?.stop();
  await temp.cleanup();
});

describe('a streamed promotion on a small disk', () => {
  it('promotes a 2 GiB model with a 256 MiB tmpfs as TMPDIR and cache root', async () => {
    await mkdir(path.join(small, 'tmp'));
    await mkdir(path.join(small, 'cache'));
    process.env.TMPDIR = path.join(small, 'tmp');
    process.env.XDG_CACHE_HOME = path.join(small, 'cache');
    delete process.env.RUNNER_TEMP;
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await used(small));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    let result;
    try {
      result = await runCli(
        promoteArgs(
          {
            registry: `oci://${registry.host}/models`,
            model: 'big',
            version: '1',
            catalog: EXAMPLE_CATALOG,
            output: path.join(small, 'out'),
          },
          '--image-repository',
          `${registry.host}/images/big`,
          '--json',
        ),
      );
    } finally {
      sampling = false;
      await sampler;
    }
    expect(errorLines(result.stderr)).toEqual([]);
    expect(result.code).toBe(0);
    const record = JSON.parse(result.stdout);
    expect(record.model.bytes).toBeGreaterThan(WEIGHT_FILES * WEIGHT_BYTES);
    expect(record.image.layers).toHaveLength(WEIGHT_FILES + 1);
    expect(peak).toBeLessThan(16 * MiB);
  }, 900_000);
});
