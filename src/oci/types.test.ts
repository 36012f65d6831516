import { describe, expect, it } from '@jest/globals';
import { parseImageConfig, parseIndex, parseManifest } from './types.js';

const digest = `sha256:${'a'.repeat(64)}`;
const descriptor = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size: 3 };
const json = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('parseManifest', () => {
  it('keeps what it does not check', () => {
    const manifest = { schemaVersion: 2, config: descriptor, layers: [descriptor], subject: descriptor };
    expect(parseManifest(json(manifest), 'm')).toEqual(manifest);
  });

  it.each([
    { name: 'not JSON', value: '{', problem: /^m is not valid: not JSON/ },
    { name: 'not an object', value: '[]', problem: /^m is not valid: .*object/ },
    {
      name: 'schema version 1',
      value: { schemaVersion: 1, config: descriptor, layers: [] },
      problem: /schemaVersion/,
    },
    {
      name: 'no layers',
      value: { schemaVersion: 2, config: descriptor },
      problem: /^m is not valid: layers: /,
    },
    {
      name: 'a digest that is not sha256',
      value: { schemaVersion: 2, config: { ...descriptor, digest: 'md5:00' }, layers: [] },
      problem: /^m is not valid: config\.digest: is not sha256:<64 hex>$/,
    },
    {
      name: 'a negative size',
      value: { schemaVersion: 2, config: descriptor, layers: [{ ...descriptor, size: -1 }] },
      problem: /^m is not valid: layers\.0\.size: /,
    },
    {
      name: 'a fractional size',
      value: { schemaVersion: 2, config: descriptor, layers: [{ ...descriptor, size: 1.5 }] },
      problem: /^m is not valid: layers\.0\.size: /,
    },
    {
      name: 'an annotation that is not a string',
      value: { schemaVersion: 2, config: descriptor, layers: [], annotations: { a: 1 } },
      problem: /^m is not valid: annotations\.a: /,
    },
  ])('refuses $name', ({ value, problem }) => {
    let thrown: unknown;
    try {
      parseManifest(json(value), 'm');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'manifest-invalid', message: expect.stringMatching(problem) });
  });
});

describe('parseIndex', () => {
  it('reads the platform of each entry', () => {
    const platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };
    const index = parseIndex(json({ schemaVersion: 2, manifests: [{ ...descriptor, platform }] }), 'i');
    expect(index.manifests[0]?.platform).toEqual(platform);
  });

  it('refuses an entry without a media type', () => {
    const value = { schemaVersion: 2, manifests: [{ digest, size: 1 }] };
    expect(() => parseIndex(json(value), 'i')).toThrow(/^i is not valid: manifests\.0\.mediaType: /);
  });
});

describe('parseImageConfig', () => {
  const config = { os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [digest] } };

  it('keeps the runtime config and history as they are', () => {
    const full = { ...config, config: { Env: ['A=1'], Custom: true }, history: [{ created_by: 'x' }] };
    expect(parseImageConfig(json(full), 'c')).toEqual(full);
  });

  it.each([
    { name: 'no os', value: { ...config, os: undefined }, problem: /^c is not valid: os: / },
    {
      name: 'rootfs of another type',
      value: { ...config, rootfs: { type: 'x', diff_ids: [] } },
      problem: /rootfs\.type/,
    },
  ])('refuses $name', ({ value, problem }) => {
    expect(() => parseImageConfig(json(value), 'c')).toThrow(problem);
  });
});
