/**
 * The node agent's image pull: what a container runtime does before it starts a container, for
 * the two places model-promote puts images. An `oci-layout:PATH@sha256:...` reference is read
 * from the layout on this machine; a registry reference is copied by the real skopeo into a
 * layout first. Then the manifest's layers are applied in order (tar, gzip or not; whiteouts
 * honoured) into a root folder, and the config's Env is read, as a runtime merges it under the
 * container's env. Test code.
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import tar from 'tar-stream';

const run = promisify(execFile);

export function parseLayoutReference(
  reference: string,
  cwd = process.cwd(),
): { layout: string; digest: string } | undefined {
  const match = /^oci-layout:(.+)@(sha256:[a-f0-9]{64})$/.exec(reference);
  return match ? { layout: resolve(cwd, match[1] ?? ''), digest: match[2] ?? '' } : undefined;
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

export interface PulledImage {
  /** The unpacked root filesystem. */
  readonly root: string;
  /** What the pod status reports as imageID: the reference resolved to its manifest digest. */
  readonly imageID: string;
  /** The image config's Env, as NAME -> value. */
  readonly env: Record<string, string>;
  /** Removes the root (and the copy of a registry image). */
  remove(): Promise<void>;
}

/** `host:port/repo@sha256:..` or `host/repo:tag` -> `host/repo`. */
function repositoryOf(reference: string): string {
  const noDigest = reference.split('@')[0] ?? reference;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/**
 * Pulls and unpacks `reference`. Registry images come over plain HTTP or unverified TLS: the test
 * registries run on loopback with no certificate a runtime would trust.
 */
export async function pullImage(reference: string, cwd?: string): Promise<PulledImage> {
  const scratch = await mkdtemp(join(tmpdir(), 'node-agent-image-'));
  try {
    let layout: string;
    let digest: string;
    let imageID: string;
    const local = parseLayoutReference(reference, cwd);
    if (local) {
      ({ layout, digest } = local);
      imageID = reference;
    } else {
      layout = join(scratch, 'layout');
      await run(
        'skopeo',
        ['copy', '--quiet', '--src-tls-verify=false', `docker://${reference}`, `oci:${layout}:pulled`],
        {
          timeout: 300_000,
        },
      ).catch((error: { stderr?: string; message: string }) => {
        throw new Error((error.stderr ?? error.message).trim().split('\n').pop() ?? error.message);
      });
      const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as {
        manifests?: Array<{ digest: string }>;
      };
      digest = index.manifests?.[0]?.digest ?? '';
      imageID = `${repositoryOf(reference)}@${digest}`;
    }
    const manifest = JSON.parse(await readFile(blob(layout, digest), 'utf8')) as {
      config?: { digest: string };
      layers?: Array<{ digest: string }>;
    };
    const config = manifest.config
      ? (JSON.parse(await readFile(blob(layout, manifest.config.digest), 'utf8')) as {
          config?: { Env?: string[] };
        })
      : {};
    const env: Record<string, string> = {};
    for (const entry of config.config?.Env ?? []) {
      const at = entry.indexOf('=');
      if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
    }
    const root = join(scratch, 'rootfs');
    await mkdir(root);
    for (const layer of manifest.layers ?? []) await applyLayer(blob(layout, layer.digest), root);
    return { root, imageID, env, remove: () => rm(scratch, { recursive: true, force: true }) };
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}
