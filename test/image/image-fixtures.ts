/** Helpers for the image tests: model folders, tool runs, reading layers back. Not shipped code. */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import tar from 'tar-stream';
import { poolSchema, type Pool } from '../../src/environments/catalog-schema.js';
import { blobPath } from '../../src/oci/digest.js';
import type { ModelFile } from '../../src/image/layer-plan.js';

export const MiB = 1024 * 1024;
const run = promisify(execFile);

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `model-promote-${prefix}-`));
}

/** Runs a tool with an argv array; returns stdout. */
export async function tool(command: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run(command, [...args], { maxBuffer: 16 * MiB });
  return stdout;
}

/** Writes files: a string is content, a number is a sparse file of that many zero bytes. */
export async function writeModel(dir: string, files: Record<string, string | number>): Promise<ModelFile[]> {
  const listed: ModelFile[] = [];
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    await mkdir(dirname(full), { recursive: true });
    if (typeof content === 'number') {
      await writeFile(full, '');
      await truncate(full, content);
      listed.push({ path, size: content });
    } else {
      await writeFile(full, content);
      listed.push({ path, size: Buffer.byteLength(content) });
    }
  }
  return listed;
}

export function testPool(image: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Pool {
  return poolSchema.parse({
    name: 'gpu-a100',
    accelerator: { vendor: 'nvidia', product: 'A100-SXM4-80GB' },
    driver: { version: '550.54', cuda: '12.4' },
    image: { base: { default: 'scratch' }, ...image },
    ...extra,
  });
}

export const testModel = { name: 'sentiment', version: '1.4.0', digest: `sha256:${'5'.repeat(64)}` };

export interface TarEntrySeen {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  uname: string;
  gname: string;
  size: number;
  sha256: string;
}

/** Reads an uncompressed layer blob back with tar-stream. */
export async function readLayer(layout: string, digest: string): Promise<TarEntrySeen[]> {
  const extract = tar.extract();
  const seen: TarEntrySeen[] = [];
  const reading = (async () => {
    for await (const entry of extract) {
      const hash = createHash('sha256');
      for await (const chunk of entry) hash.update(chunk as Buffer);
      const h = entry.header;
      seen.push({
        name: h.name,
        type: String(h.type),
        mode: h.mode ?? -1,
        uid: h.uid ?? -1,
        gid: h.gid ?? -1,
        mtime: (h.mtime?.getTime() ?? -1) / 1000,
        uname: h.uname ?? '',
        gname: h.gname ?? '',
        size: h.size ?? -1,
        sha256: hash.digest('hex'),
      });
    }
  })();
  createReadStream(blobPath(layout, digest)).pipe(extract);
  await reading;
  return seen;
}

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
