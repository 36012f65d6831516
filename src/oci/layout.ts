/** Reading an OCI image layout (image-layout.md): `oci-layout`, `index.json`, `blobs/sha256/`. */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { blobPath, sha256Digest } from './digest.js';
import { OciError } from './oci-error.js';
import { type Descriptor, type ImageIndex, type LayoutFile, parseIndex } from './types.js';

export const LAYOUT_VERSION = '1.0.0';
/** Largest JSON blob (manifest, index, config) read into memory. */
export const MAX_JSON_BLOB = 8 * 1024 * 1024;

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** Reads `oci-layout`; undefined when the folder has none. Throws for another major version. */
export async function readLayoutFile(root: string): Promise<LayoutFile | undefined> {
  let text: string;
  try {
    text = await readFile(join(root, 'oci-layout'), 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  let file: Partial<LayoutFile>;
  try {
    file = JSON.parse(text) as Partial<LayoutFile>;
  } catch {
    throw new OciError('failed', 'layout-invalid', `${join(root, 'oci-layout')} is not JSON`);
  }
  if (typeof file.imageLayoutVersion !== 'string' || !file.imageLayoutVersion.startsWith('1.')) {
    throw new OciError(
      'failed',
      'layout-invalid',
      `${root} has image layout version ${JSON.stringify(file.imageLayoutVersion)}, expected 1.x`,
    );
  }
  return file as LayoutFile;
}

export class OciLayout {
  private constructor(
    readonly root: string,
    readonly index: ImageIndex,
  ) {}

  static async open(root: string): Promise<OciLayout> {
    const layoutFile = await readLayoutFile(root);
    if (!layoutFile) {
      throw new OciError(
        'usage',
        'layout-missing',
        `${root} is not an OCI image layout (no oci-layout file)`,
        'point at a folder written by `umoci init`, `skopeo copy ... oci:DIR` or model-promote',
      );
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(join(root, 'index.json'));
    } catch (error) {
      throw new OciError('failed', 'layout-invalid', `${root} has no readable index.json`, undefined, {
        cause: error,
      });
    }
    return new OciLayout(root, parseIndex(bytes, `${join(root, 'index.json')}`));
  }

  async hasBlob(digest: string): Promise<boolean> {
    try {
      return (await stat(blobPath(this.root, digest))).isFile();
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** A small blob (manifest, index, config), checked against its descriptor's size and digest. */
  async readBlob(descriptor: Descriptor, maxSize = MAX_JSON_BLOB): Promise<Uint8Array> {
    if (descriptor.size > maxSize) {
      throw new OciError(
        'failed',
        'blob-too-large',
        `blob ${descriptor.digest} in ${this.root} is ${descriptor.size} bytes, more than ${maxSize} for a ${descriptor.mediaType}`,
      );
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(blobPath(this.root, descriptor.digest));
    } catch (error) {
      if (isNotFound(error)) throw this.missing(descriptor.digest);
      throw error;
    }
    const actual = sha256Digest(bytes);
    if (bytes.byteLength !== descriptor.size || actual !== descriptor.digest) {
      throw new OciError(
        'failed',
        'blob-digest-mismatch',
        `blob ${descriptor.digest} in ${this.root} has digest ${actual} and ${bytes.byteLength} bytes (descriptor says ${descriptor.size})`,
        'the layout is corrupt: write it again',
      );
    }
    return bytes;
  }

  /** Streams a blob of any size; whoever stores it checks the digest. */
  async *openBlob(digest: string): AsyncIterable<Uint8Array> {
    const path = blobPath(this.root, digest);
    try {
      yield* createReadStream(path, { highWaterMark: 4 * 1024 * 1024 }) as AsyncIterable<Buffer>;
    } catch (error) {
      if (isNotFound(error)) throw this.missing(digest);
      throw error;
    }
  }

  private missing(digest: string): OciError {
    return new OciError('failed', 'blob-missing', `blob ${digest} is missing from ${this.root}`);
  }
}
