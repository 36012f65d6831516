import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { createHasher } from './hasher.js';

// BLAKE3's published test vectors (BLAKE3-team/BLAKE3, test_vectors.json): input byte i is i % 251.
const vectorInput = (length: number): Buffer => Buffer.from(Array.from({ length }, (_, i) => i % 251));
const BLAKE3_VECTORS: [length: number, digest: string][] = [
  [0, 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262'],
  [1, '2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213'],
  [1024, '42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7'],
  [1025, 'd00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444'],
  [102400, 'bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085'],
];

describe('createHasher', () => {
  it.each(BLAKE3_VECTORS)('blake3 of %i bytes matches the published vector', async (length, digest) => {
    const hasher = await createHasher('blake3');
    const input = vectorInput(length);
    for (let i = 0; i < input.length; i += 4000) hasher.update(input.subarray(i, i + 4000));
    expect(hasher.digest()).toBe(digest);
  });

  it.each(['blake3', 'sha256', 'blake2b512'])('%s starts over after each digest', async (algorithm) => {
    const hasher = await createHasher(algorithm);
    hasher.update(Buffer.from('first'));
    const first = hasher.digest();
    hasher.update(Buffer.from('second'));
    const second = hasher.digest();
    const fresh = await createHasher(algorithm);
    fresh.update(Buffer.from('second'));
    expect(second).toBe(fresh.digest());
    expect(first).not.toBe(second);
    if (algorithm !== 'blake3') expect(first).toBe(createHash(algorithm).update('first').digest('hex'));
  });
});
