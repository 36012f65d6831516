import { describe, expect, it } from '@jest/globals';
import type { RemoteFile } from './download-cache.js';
import { heldToSize, listSigned, readSignatureBytes } from './signed-download.js';

/** A listed file whose server gives `served` bytes (from `start` when asked for a range). */
function served(path: string, size: number | undefined, bytes: Buffer): RemoteFile {
  const stream = (start: number) =>
    (async function* () {
      for (let at = start; at < bytes.byteLength; at += 1000) yield bytes.subarray(at, at + 1000);
    })();
  return {
    path,
    ...(size !== undefined && { size }),
    open: async () => stream(0),
    openFrom: async (start) => stream(start),
  };
}

async function read(stream: Promise<AsyncIterable<Uint8Array>>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of await stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

const LABEL = 'big v1 from http://mlflow.test';

describe("heldToSize (a listed file streamed: its size is the listing's)", () => {
  const bytes = Buffer.alloc(5000, 7);

  it('passes a file of its listed size through, whole and from an offset', async () => {
    const file = heldToSize(served('w.bin', 5000, bytes), LABEL);
    expect((await read(file.open())).equals(bytes)).toBe(true);
    expect((await read(file.openFrom!(1234))).equals(bytes.subarray(1234))).toBe(true);
  });

  it.each([
    {
      name: 'fewer bytes than listed',
      listed: 6000,
      message: /served only 5000 bytes of w\.bin, which it lists with 6000/,
    },
    {
      name: 'more bytes than listed',
      listed: 4000,
      message: /served more than 4000 bytes of w\.bin, which it lists with 4000/,
    },
  ])('ends the stream with an error naming the registry and the file: $name', async ({ listed, message }) => {
    const file = heldToSize(served('w.bin', listed, bytes), LABEL);
    await expect(read(file.open())).rejects.toMatchObject({
      code: 'download-size-mismatch',
      message: expect.stringMatching(message),
    });
    await expect(read(file.openFrom!(100))).rejects.toMatchObject({ code: 'download-size-mismatch' });
  });

  it('refuses a file listed without a size: a tar header needs it first', () => {
    expect(() => heldToSize(served('w.bin', undefined, bytes), LABEL)).toThrow(
      expect.objectContaining({
        code: 'download-size-mismatch',
        message: expect.stringMatching(/lists w\.bin without its size/),
      }),
    );
  });
});

describe('listSigned', () => {
  it('reads the signature whole and leaves it out of the files', async () => {
    const signature = served('model.sig', 3, Buffer.from('sig'));
    const weights = served('w.bin', 10, Buffer.alloc(10));
    const listed = await listSigned([signature, weights], signature, LABEL);
    expect(Buffer.from(listed.signature).toString()).toBe('sig');
    expect(listed.files.map((f) => f.path)).toEqual(['w.bin']);
  });

  it('refuses a signature over 16 MiB', async () => {
    const huge = served('model.sig', undefined, Buffer.alloc(16 * 1024 * 1024 + 1));
    await expect(readSignatureBytes(huge, LABEL)).rejects.toMatchObject({
      code: 'download-size-mismatch',
      kind: 'refused',
    });
  });
});
