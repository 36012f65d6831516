/** The `layout` sink: writes blobs, manifests and tags into an OCI image layout on disk. */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { blobPath, DigestCounter, sha256Digest } from './digest.js';
import { LAYOUT_VERSION, readLayoutFile } from './layout.js';
import { Annotation, MediaType } from './media-types.js';
import { OciError } from './oci-error.js';
import { stableJson } from './json.js';
import type { BlobSource, BlobToWrite, ImageSink } from './sink.js';
import { type Descriptor, type ImageIndex, parseIndex } from './types.js';

/** A ref.name per the image-layout spec: components of alphanumerics joined by `-._:@+` or `--`, split by `/`. */
const COMPONENT = '[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*';
const REF_NAME = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);

export function checkRefName(tag: string): void {
  if (!REF_NAME.test(tag)) {
    throw new OciError(
      'usage',
      'tag-invalid',
      `tag ${JSON.stringify(tag)} is not a valid OCI ref name`,
      'use letters, digits and . _ - : @ + between them, e.g. 1.4.0 or sentiment-1.4.0',
    );
  }
}

export class OciLayoutSink implements ImageSink {
  readonly name: string;
  /** index.json updates run one after another, so concurrent writeManifest calls lose no tag. */
  private indexQueue: Promise<unknown> = Promise.resolve();

  private constructor(readonly root: string) {
    this.name = `oci-layout:${root}`;
  }

  /** Opens a layout, creating `oci-layout`, `index.json` and `blobs/sha256` when missing. */
  static async open(root: string): Promise<OciLayoutSink> {
    await mkdir(join(root, 'blobs', 'sha256'), { recursive: true });
    if (!(await readLayoutFile(root))) {
      await writeFile(join(root, 'oci-layout'), JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION }));
    }
    const sink = new OciLayoutSink(root);
    try {
      await stat(join(root, 'index.json'));
    } catch {
      await sink.writeIndex({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [] });
    }
    return sink;
  }

  async hasBlob(digest: string): Promise<boolean> {
    try {
      return (await stat(blobPath(this.root, digest))).isFile();
    } catch {
      return false;
    }
  }

  async writeBlob(blob: BlobToWrite, source: BlobSource): Promise<Descriptor> {
    if (blob.digest !== undefined) {
      const existing = await this.existingSize(blob.digest);
      if (existing !== undefined && (blob.size === undefined || blob.size === existing)) {
        return descriptorOf(blob, blob.digest, existing);
      }
    }
    const temp = join(this.root, 'blobs', `.tmp-${randomUUID()}`);
    const file = await open(temp, 'wx');
    const counter = new DigestCounter();
    let renamed = false;
    try {
      for await (const chunk of source()) {
        counter.update(chunk);
        await file.write(chunk);
      }
      await file.close();
      const digest = counter.digest();
      if (
        (blob.digest !== undefined && blob.digest !== digest) ||
        (blob.size !== undefined && blob.size !== counter.size)
      ) {
        throw new OciError(
          'failed',
          'blob-digest-mismatch',
          `writing blob ${blob.digest ?? digest} to ${this.name}: got ${digest} (${counter.size} bytes), expected ${blob.digest ?? digest} (${blob.size ?? counter.size} bytes)`,
          'the source changed or is corrupt: fetch it again',
        );
      }
      await rename(temp, blobPath(this.root, digest));
      renamed = true;
      return descriptorOf(blob, digest, counter.size);
    } finally {
      if (!renamed) {
        await file.close().catch(() => undefined);
        await unlink(temp).catch(() => undefined);
      }
    }
  }

  async writeManifest(bytes: Uint8Array, mediaType: string, tags: readonly string[]): Promise<Descriptor> {
    tags.forEach(checkRefName);
    const stored = await this.writeBlob(
      { mediaType, digest: sha256Digest(bytes), size: bytes.byteLength },
      () => single(bytes),
    );
    const descriptor: Descriptor = { mediaType, digest: stored.digest, size: stored.size };
    const update = this.indexQueue.then(async () => {
      const index = parseIndex(await readFile(join(this.root, 'index.json')), `${this.root}/index.json`);
      const untouched = index.manifests.filter((d) => {
        const ref = d.annotations?.[Annotation.RefName];
        if (ref !== undefined) return !tags.includes(ref);
        return tags.length > 0 || d.digest !== descriptor.digest;
      });
      const added =
        tags.length === 0
          ? [descriptor]
          : tags.map((tag) => ({ ...descriptor, annotations: { [Annotation.RefName]: tag } }));
      await this.writeIndex({ ...index, manifests: [...untouched, ...added] });
    });
    this.indexQueue = update.catch(() => undefined);
    await update;
    return descriptor;
  }

  private async existingSize(digest: string): Promise<number | undefined> {
    try {
      const info = await stat(blobPath(this.root, digest));
      return info.isFile() ? info.size : undefined;
    } catch {
      return undefined;
    }
  }

  private async writeIndex(index: ImageIndex): Promise<void> {
    const temp = join(this.root, `.index-${randomUUID()}.json`);
    await writeFile(temp, stableJson(index));
    await rename(temp, join(this.root, 'index.json'));
  }
}

function descriptorOf(blob: BlobToWrite, digest: string, size: number): Descriptor {
  return blob.annotations
    ? { mediaType: blob.mediaType, digest, size, annotations: blob.annotations }
    : { mediaType: blob.mediaType, digest, size };
}

async function* single(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}
