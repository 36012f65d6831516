import { describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { createContentCheck } from './serialize-content-check.js';
import type { ModelManifest, Resource, Serialization } from './serialize-types.js';

const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const bytes = randomBytes(100_000);
const other = Buffer.from('config');

function manifest(serialization: Serialization): ModelManifest {
  const resources: Resource[] = [];
  for (const [path, data] of [
    ['c.json', other],
    ['w.bin', bytes],
  ] as const) {
    if (serialization.method === 'files')
      resources.push({ name: path, algorithm: 'sha256', digest: sha(data) });
    else {
      const size = serialization.shardSize!;
      for (let start = 0; start < data.length; start += size) {
        const end = Math.min(start + size, data.length);
        resources.push({
          name: `${path}:${start}:${end}`,
          algorithm: `sha256-sharded-${size}`,
          digest: sha(data.subarray(start, end)),
        });
      }
    }
  }
  return {
    subjectName: 'm',
    subjectDigest: '',
    predicateType: 'https://model_signing/signature/v1.0',
    serialization,
    resources,
  };
}

const files = manifest({ method: 'files', hashType: 'sha256', allowSymlinks: false, ignorePaths: [] });
const shards = manifest({
  method: 'shards',
  hashType: 'sha256',
  shardSize: 30_000,
  allowSymlinks: false,
  ignorePaths: [],
});

/** Streams `data` in chunks of `chunk` bytes. */
function stream(
  check: { update(c: Uint8Array): void; finish(): void },
  data: Uint8Array,
  chunk: number,
): void {
  for (let i = 0; i < data.length; i += chunk) check.update(data.subarray(i, i + chunk));
  check.finish();
}

describe('createContentCheck', () => {
  it.each([
    { label: 'files, 1 chunk', m: files, chunk: bytes.length },
    { label: 'files, 7777-byte chunks', m: files, chunk: 7777 },
    { label: 'shards, 1-byte chunks near boundaries', m: shards, chunk: 29_999 },
    { label: 'shards, chunks spanning shards', m: shards, chunk: 65_536 },
    { label: 'shards, chunk = shard', m: shards, chunk: 30_000 },
  ])('passes the verified bytes ($label)', async ({ m, chunk }) => {
    const check = await createContentCheck(m, 'w.bin', bytes.length);
    expect(() => stream(check, bytes, chunk)).not.toThrow();
  });

  it.each([
    { label: 'files', m: files, at: 99_999 },
    { label: 'files', m: files, at: 0 },
    { label: 'shards', m: shards, at: 0 },
    { label: 'shards', m: shards, at: 45_000 },
    { label: 'shards', m: shards, at: 99_999 },
  ])('catches one changed byte at $at ($label)', async ({ m, at }) => {
    const changed = Buffer.from(bytes);
    changed[at] = changed[at]! ^ 1;
    const check = await createContentCheck(m, 'w.bin', changed.length);
    expect(() => stream(check, changed, 10_000)).toThrow(
      expect.objectContaining({ code: 'model-changed', message: expect.stringContaining('w.bin') }),
    );
  });

  it('with shards, fails on the shard that changed, before the file ends', async () => {
    const changed = Buffer.from(bytes);
    changed[5] = changed[5]! ^ 1;
    const check = await createContentCheck(shards, 'w.bin', changed.length);
    expect(() => check.update(changed.subarray(0, 30_000))).toThrow(
      expect.objectContaining({ message: expect.stringContaining('w.bin:0:30000') }),
    );
  });

  it.each([
    { label: 'shards: another size', m: shards, path: 'w.bin', size: bytes.length + 1 },
    { label: 'shards: a file not in the manifest', m: shards, path: 'evil.py', size: 10 },
    { label: 'files: a file not in the manifest', m: files, path: 'evil.py', size: 10 },
  ])('refuses up front: $label', async ({ m, path, size }) => {
    await expect(createContentCheck(m, path, size)).rejects.toThrow(
      expect.objectContaining({ code: 'model-changed' }),
    );
  });

  it.each([
    { label: 'files', m: files },
    { label: 'shards', m: shards },
  ])('refuses more or fewer bytes than announced ($label)', async ({ m }) => {
    const more = await createContentCheck(m, 'w.bin', bytes.length);
    more.update(bytes);
    expect(() => more.update(Buffer.from('x'))).toThrow(expect.objectContaining({ code: 'model-changed' }));
    const fewer = await createContentCheck(m, 'w.bin', bytes.length);
    fewer.update(bytes.subarray(0, 1000));
    expect(() => fewer.finish()).toThrow(expect.objectContaining({ code: 'model-changed' }));
  });

  it('an empty file: its digest in files mode, no shard in shards mode', async () => {
    const empty: ModelManifest = {
      ...files,
      resources: [{ name: 'e', algorithm: 'sha256', digest: sha(Buffer.alloc(0)) }],
    };
    const emptyFile = await createContentCheck(empty, 'e', 0);
    expect(() => emptyFile.finish()).not.toThrow();
    const noShard = await createContentCheck(shards, 'e', 0);
    expect(() => noShard.finish()).not.toThrow();
  });
});
