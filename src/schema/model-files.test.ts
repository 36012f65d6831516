import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { extractInterface } from './extract-interface.js';
import { type ListedFile, listedFiles, PrefixReader } from './model-files.js';

const MiB = 1024 * 1024;
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function scratch(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'model-files-'));
  dirs.push(dir);
  return dir;
}

/** A listed file whose stream is `head` then `tailChunks` chunks of 1 MiB, counting what is pulled. */
function lazyFile(file: string, head: Buffer, tailChunks: number) {
  const seen = { chunks: 0, closed: false };
  const listed: ListedFile = {
    path: file,
    open: async () =>
      (async function* () {
        try {
          seen.chunks++;
          yield head;
          for (let i = 0; i < tailChunks; i++) {
            seen.chunks++;
            yield Buffer.alloc(MiB);
          }
        } finally {
          seen.closed = true;
        }
      })(),
  };
  return { listed, seen };
}

function safetensorsHead(header: object): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json]);
}

describe('PrefixReader', () => {
  /** Chunks of the given sizes holding 0, 1, 2, ...; `pulled` counts the bytes handed out. */
  function pieces(...sizes: number[]) {
    const seen = { pulled: 0 };
    const stream = (async function* () {
      let n = 0;
      for (const size of sizes) {
        seen.pulled += size;
        yield Buffer.from(Array.from({ length: size }, () => n++ % 256));
      }
    })();
    return { stream, seen };
  }

  it('takes exact amounts across chunk boundaries and stops pulling once it has them', async () => {
    const { stream, seen } = pieces(3, 3, 3, 100);
    const reader = new PrefixReader(stream);
    expect([...(await reader.take(4))]).toEqual([0, 1, 2, 3]);
    expect([...(await reader.take(4))]).toEqual([4, 5, 6, 7]);
    expect(seen.pulled).toBe(9);
    await reader.close();
  });

  it('returns fewer bytes when the stream ends first', async () => {
    const reader = new PrefixReader(pieces(2, 2).stream);
    expect((await reader.take(10)).byteLength).toBe(4);
    expect((await reader.take(10)).byteLength).toBe(0);
  });
});

describe('extractInterface over listed (remote) files', () => {
  it('reads a safetensors header and stops the stream: the weights are never pulled', async () => {
    const head = safetensorsHead({ w: { dtype: 'F16', shape: [4, 8], data_offsets: [0, 64] } });
    const big = lazyFile('model.safetensors', head, 10_000);
    const found = await extractInterface(listedFiles('test', [big.listed], 'model.sig', await scratch()));
    expect(found).toMatchObject({ source: 'safetensors', tensors: [{ name: 'w', dtype: 'float16' }] });
    expect(big.seen.chunks).toBe(1);
    expect(big.seen.closed).toBe(true);
  });

  it('prefers a declaration and reads no weights at all', async () => {
    const declared = lazyFile(
      'config.json',
      Buffer.from(JSON.stringify({ inputs: [{ name: 'text', dtype: 'string' }], outputs: [] })),
      0,
    );
    const weights = lazyFile('model.safetensors', safetensorsHead({}), 10_000);
    const found = await extractInterface(
      listedFiles('test', [weights.listed, declared.listed], 'model.sig', await scratch()),
    );
    expect(found).toMatchObject({ source: 'config.json', inputs: [{ name: 'text' }] });
    expect(weights.seen.chunks).toBe(0);
  });

  it('refuses a declaration over 16 MiB after reading just past the cap', async () => {
    const huge = lazyFile('model-schema.json', Buffer.from('{'), 100);
    await expect(
      extractInterface(listedFiles('test', [huge.listed], 'model.sig', await scratch())),
    ).rejects.toMatchObject({ code: 'invalid-schema' });
    expect(huge.seen.chunks).toBeLessThanOrEqual(18);
    expect(huge.seen.closed).toBe(true);
  });

  it('downloads an ONNX file whole into scratch for random access, and removes it after', async () => {
    const { onnx } = onnxProto;
    const tensor = (name: string) => ({
      name,
      type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 2 }] } } },
    });
    const bytes = Buffer.from(
      onnx.ModelProto.encode({
        irVersion: 3,
        graph: { name: 'g', input: [tensor('x')], output: [tensor('y')] },
      }).finish(),
    );
    const file = lazyFile('model.onnx', bytes, 0);
    const dir = await scratch();
    const found = await extractInterface(listedFiles('test', [file.listed], 'model.sig', dir));
    expect(found).toMatchObject({ source: 'onnx', inputs: [{ name: 'x' }], outputs: [{ name: 'y' }] });
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves the signature out of the files', () => {
    const sig = lazyFile('model.sig', Buffer.from('{}'), 0);
    expect(listedFiles('test', [sig.listed], 'model.sig', tmpdir()).paths).toEqual([]);
  });
});
