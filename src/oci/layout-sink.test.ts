import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Digest } from './digest.js';
import { stableJson } from './json.js';
import { OciLayout } from './layout.js';
import { checkRefName, OciLayoutSink } from './layout-sink.js';
import { MediaType } from './media-types.js';
import type { ImageIndex } from './types.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'model-promote-oci-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

async function tagsIn(dir: string): Promise<[string, string | undefined][]> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as ImageIndex;
  return index.manifests.map((d) => [d.digest, d.annotations?.['org.opencontainers.image.ref.name']]);
}

describe('OciLayoutSink', () => {
  it('creates a layout with oci-layout, an empty index and blobs/sha256', async () => {
    const dir = join(work, 'fresh');
    await OciLayoutSink.open(dir);
    expect(JSON.parse(await readFile(join(dir, 'oci-layout'), 'utf8'))).toEqual({
      imageLayoutVersion: '1.0.0',
    });
    expect(JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'))).toEqual({
      schemaVersion: 2,
      mediaType: MediaType.ImageIndex,
      manifests: [],
    });
    expect(await readdir(join(dir, 'blobs'))).toEqual(['sha256']);
  });

  it('streams a blob in, hashing as it goes, and skips one it has', async () => {
    const sink = await OciLayoutSink.open(join(work, 'blobs'));
    const written = await sink.writeBlob({ mediaType: 'text/plain' }, () => chunks('hello ', 'world'));
    expect(written).toEqual({
      mediaType: 'text/plain',
      digest: sha256Digest(Buffer.from('hello world')),
      size: 11,
    });
    expect(await sink.hasBlob(written.digest)).toBe(true);
    let read = false;
    const again = await sink.writeBlob(written, () => {
      read = true;
      return chunks('hello world');
    });
    expect(again).toEqual(written);
    expect(read).toBe(false);
  });

  it.each([
    { name: 'digest', blob: { digest: `sha256:${'0'.repeat(64)}` } },
    { name: 'size', blob: { size: 3 } },
  ])('refuses bytes that do not match the expected $name, leaving no file', async ({ blob }) => {
    const dir = join(work, `mismatch-${Object.keys(blob)[0]}`);
    const sink = await OciLayoutSink.open(dir);
    await expect(
      sink.writeBlob({ mediaType: 'text/plain', ...blob }, () => chunks('other')),
    ).rejects.toMatchObject({
      code: 'blob-digest-mismatch',
    });
    expect(await readdir(join(dir, 'blobs'))).toEqual(['sha256']);
    expect(await readdir(join(dir, 'blobs', 'sha256'))).toEqual([]);
  });

  it('removes the partial file when the source fails', async () => {
    const dir = join(work, 'source-fails');
    const sink = await OciLayoutSink.open(dir);
    const failing = async function* () {
      yield Buffer.from('partial');
      throw new Error('disk on fire');
    };
    await expect(sink.writeBlob({ mediaType: 'text/plain' }, failing)).rejects.toThrow('disk on fire');
    expect(await readdir(join(dir, 'blobs'))).toEqual(['sha256']);
  });

  it('moves tags, keeps others, and adds an untagged manifest once', async () => {
    const dir = join(work, 'tags');
    const sink = await OciLayoutSink.open(dir);
    const one = await sink.writeManifest(stableJson({ n: 1 }), MediaType.ImageManifest, ['a', 'b']);
    const two = await sink.writeManifest(stableJson({ n: 2 }), MediaType.ImageManifest, ['b']);
    await sink.writeManifest(stableJson({ n: 3 }), MediaType.ImageManifest, []);
    const three = await sink.writeManifest(stableJson({ n: 3 }), MediaType.ImageManifest, []);
    expect(await tagsIn(dir)).toEqual([
      [one.digest, 'a'],
      [two.digest, 'b'],
      [three.digest, undefined],
    ]);
    const reopened = await OciLayoutSink.open(dir);
    await reopened.writeManifest(stableJson({ n: 4 }), MediaType.ImageManifest, ['c']);
    expect(await tagsIn(dir)).toHaveLength(4);
  });

  it('loses no tag when manifests are written at the same time', async () => {
    const dir = join(work, 'concurrent');
    const sink = await OciLayoutSink.open(dir);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        sink.writeManifest(stableJson({ i }), MediaType.ImageManifest, [`t${i}`]),
      ),
    );
    expect((await tagsIn(dir)).map(([, tag]) => tag).sort()).toEqual([
      't0',
      't1',
      't2',
      't3',
      't4',
      't5',
      't6',
      't7',
    ]);
  });

  it('is read back by OciLayout', async () => {
    const dir = join(work, 'read-back');
    const sink = await OciLayoutSink.open(dir);
    const written = await sink.writeManifest(stableJson({ x: 1 }), MediaType.ImageManifest, ['v1']);
    const layout = await OciLayout.open(dir);
    expect(layout.index.manifests[0]?.digest).toBe(written.digest);
    expect(Buffer.from(await layout.readBlob(written)).toString()).toBe('{"x":1}');
    await expect(layout.readBlob({ ...written, size: written.size + 1 })).rejects.toMatchObject({
      code: 'blob-digest-mismatch',
    });
    await expect(layout.readBlob({ ...written, digest: `sha256:${'1'.repeat(64)}` })).rejects.toMatchObject({
      code: 'blob-missing',
    });
  });
});

describe('checkRefName', () => {
  it.each([
    { tag: 'latest', valid: true },
    { tag: '1.4.0', valid: true },
    { tag: 'sentiment-1.4.0_rc1', valid: true },
    { tag: 'ghcr.io/acme/model:1.0', valid: true },
    { tag: 'a--b', valid: true },
    { tag: '', valid: false },
    { tag: 'with space', valid: false },
    { tag: '-leading', valid: false },
    { tag: 'trailing.', valid: false },
    { tag: 'a//b', valid: false },
  ])('"$tag" valid: $valid', ({ tag, valid }) => {
    if (valid) expect(() => checkRefName(tag)).not.toThrow();
    else
      expect(() => checkRefName(tag)).toThrow(
        expect.objectContaining({ code: 'tag-invalid', kind: 'usage' }),
      );
  });
});

describe('OciLayout.open', () => {
  it('refuses a folder that is not a layout', async () => {
    await expect(OciLayout.open(work)).rejects.toMatchObject({ code: 'layout-missing', kind: 'usage' });
  });
});
