import { describe, expect, it } from '@jest/globals';
import { parseBaseImage, withLayoutPath } from './base-image.js';

describe('parseBaseImage', () => {
  it.each([
    { ref: 'scratch', expected: { kind: 'scratch', ref: 'scratch' } },
    {
      ref: 'oci-layout:layouts/onnx',
      expected: { kind: 'oci-layout', ref: 'oci-layout:layouts/onnx', path: 'layouts/onnx' },
    },
    {
      ref: 'oci-layout:../layouts/onnx:1.18',
      expected: {
        kind: 'oci-layout',
        ref: 'oci-layout:../layouts/onnx:1.18',
        path: '../layouts/onnx',
        tag: '1.18',
      },
    },
    { ref: 'oci-layout:/a:b/c', expected: { kind: 'oci-layout', ref: 'oci-layout:/a:b/c', path: '/a:b/c' } },
    {
      ref: 'oci-layout:base:v1',
      expected: { kind: 'oci-layout', ref: 'oci-layout:base:v1', path: 'base', tag: 'v1' },
    },
    {
      ref: 'nvcr.io/nvidia/tritonserver:24.05-py3',
      expected: {
        kind: 'registry',
        ref: 'nvcr.io/nvidia/tritonserver:24.05-py3',
        reference: 'nvcr.io/nvidia/tritonserver:24.05-py3',
      },
    },
  ])('$ref', ({ ref, expected }) => {
    expect(parseBaseImage(ref)).toEqual(expected);
  });

  it('rewrites only layout paths, keeping the tag', () => {
    expect(withLayoutPath('oci-layout:l:1', (p) => `/abs/${p}`)).toBe('oci-layout:/abs/l:1');
    expect(withLayoutPath('oci-layout:l', (p) => `/abs/${p}`)).toBe('oci-layout:/abs/l');
    expect(withLayoutPath('scratch', (p) => `/abs/${p}`)).toBe('scratch');
  });
});
