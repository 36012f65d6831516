/** A tiny two-layer OCI image written into a layout with OciLayoutSink, for push tests. */
import { createHash, randomBytes } from 'node:crypto';
import tar from 'tar-stream';
import { sha256Digest } from '../../src/oci/digest.js';
import { stableJson } from '../../src/oci/json.js';
import { OciLayout } from '../../src/oci/layout.js';
import { OciLayoutSink } from '../../src/oci/layout-sink.js';
import { MediaType } from '../../src/oci/media-types.js';
import type { Descriptor } from '../../src/oci/types.js';

export interface TinyImage {
  readonly layout: OciLayout;
  readonly manifest: Descriptor;
  readonly files: Readonly<Record<string, Buffer>>;
  readonly blobs: readonly Descriptor[];
}

async function tarOf(files: Record<string, Buffer>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) {
    pack.entry({ name, size: content.byteLength, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 }, content);
  }
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** `small` goes in a monolithic PUT; `big` (bigBytes of random data) in chunks. */
export async function writeTinyImage(
  root: string,
  tag: string,
  bigBytes = 3 * 1024 * 1024,
): Promise<TinyImage> {
  const sink = await OciLayoutSink.open(root);
  const files = {
    'model/hello.txt': Buffer.from('hello from model-promote\n'),
    'model/weights.bin': randomBytes(bigBytes),
  };
  const layerTars = [
    await tarOf({ 'model/hello.txt': files['model/hello.txt'] }),
    await tarOf({ 'model/weights.bin': files['model/weights.bin'] }),
  ];
  const layers: Descriptor[] = [];
  for (const bytes of layerTars) {
    layers.push(
      await sink.writeBlob(
        { mediaType: MediaType.Layer, digest: sha256Digest(bytes), size: bytes.byteLength },
        () => once(bytes),
      ),
    );
  }
  const config = stableJson({
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['/bin/true'] },
    rootfs: {
      type: 'layers',
      diff_ids: layerTars.map((b) => `sha256:${createHash('sha256').update(b).digest('hex')}`),
    },
  });
  const configDescriptor = await sink.writeBlob(
    { mediaType: MediaType.ImageConfig, digest: sha256Digest(config), size: config.byteLength },
    () => once(config),
  );
  const manifestBytes = stableJson({
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    config: configDescriptor,
    layers,
  });
  const manifest = await sink.writeManifest(manifestBytes, MediaType.ImageManifest, [tag]);
  return { layout: await OciLayout.open(root), manifest, files, blobs: [configDescriptor, ...layers] };
}
