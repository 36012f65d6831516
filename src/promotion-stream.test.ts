import { describe, expect, it } from '@jest/globals';
import { fetchMode, type FetchModeInput } from './promotion-stream.js';

const streaming: FetchModeInput = {
  registryStreams: true,
  imageRepository: true,
  cacheDir: false,
  containerfileBuilder: false,
};

describe('fetchMode', () => {
  it.each<{ name: string; change: Partial<FetchModeInput>; mode: string }>([
    { name: 'a remote registry to an image repository', change: {}, mode: 'stream' },
    { name: 'the folder registry (nothing to stream)', change: { registryStreams: false }, mode: 'folder' },
    {
      name: 'an OCI layout output (no image repository)',
      change: { imageRepository: false },
      mode: 'folder',
    },
    { name: 'cache-dir given', change: { cacheDir: true }, mode: 'folder' },
    {
      name: 'a pool that builds from a Containerfile',
      change: { containerfileBuilder: true },
      mode: 'folder',
    },
  ])('$name: $mode', ({ change, mode }) => {
    expect(fetchMode({ ...streaming, ...change })).toBe(mode);
  });
});
