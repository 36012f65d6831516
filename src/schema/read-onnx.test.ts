import { afterAll, describe, expect, it } from '@jest/globals';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { readOnnxInterface } from './read-onnx.js';
import { readSafetensorsHeader } from './read-safetensors.js';

const { onnx } = onnxProto;
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('readOnnxInterface', () => {
  it('reads graph inputs and outputs, skipping weights and initializer inputs', async () => {
    const tensor = (
      name: string,
      elemType: number,
      dims: ({ dimValue: number } | { dimParam: string })[],
    ) => ({ name, type: { tensorType: { elemType, shape: { dim: dims } } } });
    const model = onnx.ModelProto.encode({
      irVersion: 3,
      graph: {
        name: 'g',
        initializer: [{ name: 'w', dataType: 1, dims: [1024], rawData: new Uint8Array(4096) }],
        input: [
          tensor('x', 1, [{ dimParam: 'batch' }, { dimValue: 4 }]),
          tensor('w', 1, [{ dimValue: 1024 }]),
        ],
        output: [tensor('y', 7, [{ dimParam: 'batch' }])],
      },
    }).finish();
    const dir = await mkdtemp(path.join(tmpdir(), 'onnx-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'model.onnx'), model);
    expect(await readOnnxInterface(path.join(dir, 'model.onnx'), 'model.onnx')).toEqual({
      inputs: [{ name: 'x', dtype: 'float32', shape: [null, 4] }],
      outputs: [{ name: 'y', dtype: 'int64', shape: [null] }],
    });
  });
});

describe('readSafetensorsHeader', () => {
  it('reads the example weights header only', async () => {
    expect(
      await readSafetensorsHeader(
        createReadStream(path.resolve('examples/registry/sentiment/2/weights.safetensors')),
        'weights.safetensors',
      ),
    ).toEqual([
      { name: 'bias', dtype: 'float32', shape: [1] },
      { name: 'weight', dtype: 'float32', shape: [23] },
    ]);
  });
});
