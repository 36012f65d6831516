import { describe, expect, it } from '@jest/globals';
import type { LayerBlob } from '../oci/layer-blob.js';
import { mountDecision, type MountTarget } from './layer-mount.js';
import { fileLayer, OWN_LAYER_THRESHOLD, planLayers } from './layer-plan.js';

const big = { path: 'weights/model.safetensors', size: OWN_LAYER_THRESHOLD + 3 };
// Two folder headers, the file's header, its content padded to 512, two end blocks.
const layerSize = 3 * 512 + Math.ceil(big.size / 512) * 512 + 1024;
const blob: LayerBlob = {
  registry: '127.0.0.1:5000',
  repository: 'models/sentiment',
  digest: `sha256:${'a'.repeat(64)}`,
  size: layerSize,
  uncompressedTar: true,
  prefix: 'models',
  sourceDateEpoch: 0,
  open: () => {
    throw new Error('a decision reads nothing');
  },
};
const target: MountTarget = { registry: '127.0.0.1:5000', modelPath: '/models', sourceDateEpoch: 0 };
const [shared, own] = planLayers([big, { path: 'config.json', size: 10 }], '/models');

describe('mountDecision', () => {
  it.each<{
    name: string;
    layer?: typeof own;
    blob?: Partial<LayerBlob> | 'none';
    target?: Partial<MountTarget>;
    reason?: RegExp;
  }>([
    { name: 'a big file published under the pool modelPath, same registry: mounted' },
    { name: 'modelPath written with a trailing slash: same prefix', target: { modelPath: '/models/' } },
    {
      name: 'modelPath / and a layer published under /',
      target: { modelPath: '/' },
      blob: { prefix: '', size: layerSize - 512 },
    },
    { name: 'the shared layer of small files', layer: shared, reason: /not a one-file layer/ },
    {
      name: 'a file that is no registry layer (MLflow, Hugging Face)',
      blob: 'none',
      reason: /not a registry layer/,
    },
    {
      name: 'a source in another registry',
      blob: { registry: 'ghcr.io' },
      reason: /source is in ghcr\.io, not 127\.0\.0\.1:5000/,
    },
    {
      name: 'the same host on another port is another registry',
      target: { registry: '127.0.0.1:5001' },
      reason: /not 127\.0\.0\.1:5001/,
    },
    { name: 'a gzip or zstd layer', blob: { uncompressedTar: false }, reason: /not an uncompressed tar/ },
    {
      name: 'a layer published before --model-path (no prefix annotation)',
      blob: { prefix: undefined },
      reason: /does not say where its file is/,
    },
    {
      name: 'another modelPath',
      target: { modelPath: '/opt/model' },
      reason: /holds it under \/models, the image under \/opt\/model/,
    },
    {
      name: 'another mtime',
      target: { sourceDateEpoch: 1_700_000_000 },
      reason: /mtime is 0, the image's 1700000000/,
    },
    { name: 'no mtime annotated', blob: { sourceDateEpoch: undefined }, reason: /mtime is not given/ },
    { name: 'a size not in tar blocks', blob: { size: layerSize + 1 }, reason: /cannot hold/ },
    { name: 'a size too small for the file', blob: { size: 2048 }, reason: /cannot hold/ },
  ])('$name', ({ layer = own!, blob: change, target: retarget, reason }) => {
    const source = change === 'none' ? undefined : { ...blob, ...change };
    const decision = mountDecision(layer, source, { ...target, ...retarget });
    if (reason) expect(decision).toEqual({ mount: false, reason: expect.stringMatching(reason) });
    else expect(decision).toEqual({ mount: true, from: 'models/sentiment' });
  });
});

describe('fileLayer', () => {
  it('is the layer the image plan gives a big file: what publish writes', () => {
    expect(fileLayer(big, '/models')).toEqual(own);
    expect(fileLayer({ path: 'a.json', size: 1 }, '/').entries.map((e) => e.name)).toEqual(['a.json']);
  });
});
