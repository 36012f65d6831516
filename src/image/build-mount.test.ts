/**
 * The build's mount path against a real docker-registry 2.8: a layer whose file's source blob is
 * that very layer is mounted once the blob was read and the file checked; a registry that will not
 * mount (202: the named repository lacks the blob) gets it uploaded, read and checked again; a
 * refused file leaves nothing mounted.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testModel, testPool, writeModel } from '../../test/image/image-fixtures.js';
import { startRegistry, type TestRegistry } from '../../test/registry/registry-server.js';
import { OciError } from '../oci/oci-error.js';
import type { LayerBlob } from '../oci/layer-blob.js';
import { RegistryClient } from '../oci/remote/client.js';
import { RegistrySink } from '../oci/remote/registry-sink.js';
import type { ContentCheckHook } from '../oci/tar-layer.js';
import { writeTarLayer } from '../oci/tar-layer.js';
import { scratchImage } from './base-image.js';
import { type BuildHooks, type BuildInput, buildImage, type LayerEvent } from './build.js';
import { fileLayer, OWN_LAYER_THRESHOLD } from './layer-plan.js';
import type { ModelFile } from './layer-plan.js';

const BIG = { path: 'weights/big.bin', size: OWN_LAYER_THRESHOLD + 1000 };
let registry: TestRegistry;
let work: string;
let files: ModelFile[];
let published: { digest: string; size: number };

const client = () => new RegistryClient({ registry: registry.host });

beforeAll(async () => {
  registry = await startRegistry();
  work = await mkdtemp(join(tmpdir(), 'mp-mount-'));
  files = await writeModel(work, { [BIG.path]: BIG.size, 'config.json': '{"a":1}' });
  // The big file's layer in another repository, as `model-promote publish` writes it.
  published = await writeTarLayer(
    fileLayer(BIG, '/models'),
    { directory: work, sourceDateEpoch: 0 },
    new RegistrySink(client(), 'models/m'),
  );
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

/** The published layer as its source describes it, said to be in `repository`. */
function source(repository: string): LayerBlob {
  return {
    registry: registry.host,
    repository,
    digest: published.digest,
    size: published.size,
    uncompressedTar: true,
    prefix: 'models',
    sourceDateEpoch: 0,
    open: () => client().openBlob('models/m', published.digest),
  };
}

function input(repository: string): BuildInput {
  return {
    directory: work,
    files,
    pool: testPool(),
    base: scratchImage({ os: 'linux', architecture: 'amd64' }),
    model: testModel,
    tags: ['1'],
    mount: {
      registry: registry.host,
      blobOf: (file) => (file.path === BIG.path ? source(repository) : undefined),
    },
  };
}

/** Counts the bytes of the big file checked; `refuse` fails its check at the end. */
function checked(refuse = false) {
  const seen = { bytes: 0 };
  const hook: ContentCheckHook = async (path) => ({
    update: (chunk) => void (path === BIG.path && (seen.bytes += chunk.byteLength)),
    finish: () => {
      if (refuse && path === BIG.path)
        throw new OciError('refused', 'model-file-changed', `${path} does not match its signature`);
    },
  });
  return { seen, hook };
}

/** What the build tells of the big file's layer. */
function bigLayerEvents() {
  const events: LayerEvent[] = [];
  const onLayer: BuildHooks['onLayer'] = (layer, event) => {
    if (layer.files[0]?.path === BIG.path) events.push(event);
  };
  return { events, onLayer };
}

describe('buildImage with a mountable source layer', () => {
  it('mounts the layer after reading it once: its bytes checked, none uploaded', async () => {
    const sink = new RegistrySink(client(), 'images/mounted', { hashBeforeUpload: false });
    const { seen, hook } = checked();
    const told = bigLayerEvents();
    const built = await buildImage(input('models/m'), sink, { check: hook, onLayer: told.onLayer });
    expect(built.modelLayers[1]).toMatchObject(published);
    expect(seen.bytes).toBe(BIG.size);
    expect(told.events).toEqual([
      { kind: 'proving', from: 'models/m' },
      { kind: 'mounted', from: 'models/m' },
      { kind: 'stored' },
    ]);
    expect(sink.stats).toMatchObject({ blobsMounted: 1 });
    expect(sink.stats.bytesUploaded).toBeLessThan(64 * 1024);
  });

  it('uploads the layer, read and checked again, when the registry does not mount it', async () => {
    const sink = new RegistrySink(client(), 'images/uploaded', { hashBeforeUpload: false });
    const { seen, hook } = checked();
    const told = bigLayerEvents();
    const built = await buildImage(input('models/nowhere'), sink, { check: hook, onLayer: told.onLayer });
    expect(built.modelLayers[1]).toMatchObject(published);
    expect(seen.bytes).toBe(2 * BIG.size);
    const kinds = told.events.map((e) => e.kind);
    expect(kinds[0]).toBe('proving');
    expect(kinds.at(-1)).toBe('stored');
    expect(new Set(kinds.slice(1, -1))).toEqual(new Set(['sent']));
    expect(told.events.reduce((sum, e) => sum + (e.kind === 'sent' ? e.bytes : 0), 0)).toBe(published.size);
    expect(sink.stats).toMatchObject({ blobsMounted: 0 });
    expect(sink.stats.bytesUploaded).toBeGreaterThan(BIG.size);
  });

  it('mounts nothing of a file its check refuses, and writes no manifest', async () => {
    const sink = new RegistrySink(client(), 'images/refused', { hashBeforeUpload: false });
    await expect(buildImage(input('models/m'), sink, { check: checked(true).hook })).rejects.toThrow(
      /weights\/big\.bin does not match its signature/,
    );
    expect(sink.written).not.toContain(published.digest);
    expect(await client().headBlob('images/refused', published.digest, true)).toBeUndefined();
    expect(await client().headManifest('images/refused', '1')).toBeUndefined();
  });
});
