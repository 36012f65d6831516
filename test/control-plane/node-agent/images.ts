/**
 * Unpacks an image kept in an OCI image layout (`oci-layout:PATH@sha256:...`, as the build writes
 * it) into a folder: the manifest's layers applied in order (tar, gzip or not; whiteouts honoured).
 * What a container runtime would do before starting the image; test code.
 */
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Writable } from 'node:stream';
import tar from 'tar-stream';

export function parseLayoutReference(
  reference: string,
  cwd = process.cwd(),
): { layout: string; digest: string } {
  const match = /^oci-layout:(.+)@(sha256:[a-f0-9]{64})$/.exec(reference);
  if (!match) throw new Error(`${reference}: the test cluster runs only oci-layout:PATH@sha256:... images`);
  return { layout: resolve(cwd, match[1] ?? ''), digest: match[2] ?? '' };
}

const blob = (layout: string, digest: string) => join(layout, 'blobs', ...digest.split(':'));

async function isGzip(path: string): Promise<boolean> {
  const handle = createReadStream(path, { start: 0, end: 1 });
  const chunks: Buffer[] = [];
  for await (const c of handle) chunks.push(c as Buffer);
  const head = Buffer.concat(chunks);
  return head[0] === 0x1f && head[1] === 0x8b;
}

async function applyLayer(path: string, root: string): Promise<void> {
  const extract = tar.extract();
  const done = (async () => {
    for await (const entry of extract) {
      const name = normalize(entry.header.name).replace(/^(\.\/|\/)+/, '');
      const target = join(root, name);
      if (!target.startsWith(root)) {
        entry.resume();
        continue;
      }
      const base = name.split('/').pop() ?? '';
      if (base.startsWith('.wh.')) {
        await rm(join(dirname(target), base.slice(4)), { recursive: true, force: true });
        entry.resume();
      } else if (entry.header.type === 'directory') {
        await mkdir(target, { recursive: true });
        entry.resume();
      } else if (entry.header.type === 'file') {
        await mkdir(dirname(target), { recursive: true });
        const chunks: Buffer[] = [];
        for await (const c of entry) chunks.push(c as Buffer);
        await writeFile(target, Buffer.concat(chunks));
      } else {
        entry.resume();
      }
    }
  })();
  const source = createReadStream(path);
  const sink = extract as unknown as Writable;
  await Promise.all([
    (await isGzip(path)) ? pipeline(source, createGunzip(), sink) : pipeline(source, sink),
    done,
  ]);
}

/** Unpacks `reference` into a new temporary folder (its root filesystem) and returns the folder. */
export async function unpackImage(reference: string, cwd?: string): Promise<string> {
  const { layout, digest } = parseLayoutReference(reference, cwd);
  const manifest = JSON.parse(await readFile(blob(layout, digest), 'utf8')) as {
    layers?: Array<{ digest: string }>;
  };
  const root = await mkdtemp(join(tmpdir(), 'model-server-rootfs-'));
  for (const layer of manifest.layers ?? []) await applyLayer(blob(layout, layer.digest), root);
  return root;
}
