import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expectedDigests } from './listed-digests.js';

const EXAMPLE = path.join(import.meta.dirname, '..', '..', 'examples/registry/sentiment/2');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('expectedDigests', () => {
  it('reads path -> sha256 from a files/sha256 signature', async () => {
    const expected = expectedDigests(await readFile(path.join(EXAMPLE, 'model.sig')));
    expect([...expected.keys()].sort()).toEqual([
      'config.json',
      'input_example.json',
      'vocab.txt',
      'weights.safetensors',
    ]);
    expect(expected.get('vocab.txt')).toBe(sha256(await readFile(path.join(EXAMPLE, 'vocab.txt'))));
  });

  it.each([
    ['not JSON', Buffer.from('nope')],
    ['not a bundle', Buffer.from('{"mediaType":"x"}')],
  ])('gives no keys for %s', (_name, bytes) => {
    expect(expectedDigests(bytes).size).toBe(0);
  });
});
