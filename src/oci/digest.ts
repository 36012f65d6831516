import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { OciError } from './oci-error.js';

/** A content digest, `sha256:<64 lower-case hex>` (the only algorithm this project writes or reads). */
export type Digest = `sha256:${string}`;

const SHA256 = /^sha256:([a-f0-9]{64})$/;

export function isDigest(value: string): value is Digest {
  return SHA256.test(value);
}

/** The hex part of a digest; throws OciError `digest-invalid` for anything but sha256. */
export function digestHex(digest: string): string {
  const match = SHA256.exec(digest);
  if (!match?.[1]) {
    throw new OciError('failed', 'digest-invalid', `digest ${JSON.stringify(digest)} is not sha256:<64 hex>`);
  }
  return match[1];
}

export function sha256Digest(bytes: Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Where a blob lives in an OCI image layout: `ROOT/blobs/sha256/<hex>`. */
export function blobPath(root: string, digest: string): string {
  return join(root, 'blobs', 'sha256', digestHex(digest));
}

/** Counts and hashes bytes as they pass, for streams whose digest is known only at the end. */
export class DigestCounter {
  private readonly hash = createHash('sha256');
  size = 0;

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.size += chunk.byteLength;
  }

  digest(): Digest {
    return `sha256:${this.hash.digest('hex')}`;
  }
}
