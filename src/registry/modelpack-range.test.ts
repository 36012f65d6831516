import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import tar from 'tar-stream';
import { tarFileData } from './modelpack-range.js';

interface Entry {
  readonly name: string;
  readonly type: 'file' | 'directory' | 'symlink';
  readonly bytes?: Buffer;
  readonly pax?: Record<string, string>;
}

/** A tar of the entries, as tar-stream packs it (PAX headers for long names and extra records). */
async function packed(entries: readonly Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  for (const entry of entries) {
    await new Promise<void>((resolve, reject) => {
      const header = {
        name: entry.name,
        type: entry.type,
        ...(entry.type === 'symlink' && { linkname: 'elsewhere' }),
        ...(entry.pax && { pax: entry.pax }),
      };
      pack.entry(header, entry.bytes ?? Buffer.alloc(0), (error) => (error ? reject(error) : resolve()));
    });
  }
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

async function* pieces(bytes: Buffer, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size);
}

describe('tarFileData (where a one-file tar layer holds its file)', () => {
  const data = randomBytes(5000);
  const longName = `weights/${'a'.repeat(150)}/model.safetensors`;
  it.each([
    {
      name: 'the file alone',
      entries: [{ name: 'model.bin', type: 'file' as const, bytes: data }],
      path: 'model.bin',
      headers: 512,
    },
    {
      name: 'folder entries first',
      entries: [
        { name: 'weights/', type: 'directory' as const },
        { name: './weights/sub/', type: 'directory' as const },
        { name: './weights/sub/model.bin', type: 'file' as const, bytes: data },
      ],
      path: 'weights/sub/model.bin',
      headers: 3 * 512,
    },
    {
      name: 'a name past 100 bytes (a PAX header before the file header)',
      entries: [{ name: longName, type: 'file' as const, bytes: data }],
      path: longName,
      headers: 3 * 512,
    },
    {
      name: 'extra PAX records',
      entries: [{ name: 'model.bin', type: 'file' as const, bytes: data, pax: { comment: 'x'.repeat(700) } }],
      path: 'model.bin',
      headers: 4 * 512,
    },
  ])('$name: the offset is where the file bytes start', async ({ entries, path, headers }) => {
    const bytes = await packed(entries);
    const found = await tarFileData(pieces(bytes.subarray(0, 4096 + 1024), 700), path, 'layer');
    expect(found.size).toBe(data.byteLength);
    expect(found.offset).toBe(headers);
    expect(bytes.subarray(found.offset, found.offset + found.size).equals(data)).toBe(true);
  });

  it.each([
    {
      name: 'another file first',
      entries: [
        { name: 'other.bin', type: 'file' as const, bytes: data },
        { name: 'model.bin', type: 'file' as const, bytes: data },
      ],
      message: /reading model\.bin from an offset, its tar layer holds file "other\.bin"/,
    },
    {
      name: 'a symlink',
      entries: [{ name: 'model.bin', type: 'symlink' as const }],
      message: /holds symlink "model\.bin"/,
    },
    {
      name: 'folders only',
      entries: [{ name: 'weights/', type: 'directory' as const }],
      message: /no file at all/,
    },
  ])('refuses $name', async ({ entries, message }) => {
    const bytes = await packed(entries);
    await expect(tarFileData(pieces(bytes, 512), 'model.bin', 'layer')).rejects.toMatchObject({
      code: 'layer-unsupported',
      message,
    });
  });

  it('says so when the head ends before the file header', async () => {
    const bytes = await packed([
      { name: `${'d'.repeat(90)}/`, type: 'directory' },
      { name: 'model.bin', type: 'file', bytes: data },
    ]);
    await expect(
      tarFileData(pieces(bytes.subarray(0, 700), 512), 'model.bin', 'layer'),
    ).rejects.toMatchObject({
      code: 'layer-unsupported',
      message: /no file header in its first \d+ bytes/,
    });
  });
});
