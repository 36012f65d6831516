import { describe, expect, it } from '@jest/globals';
import { poolSchema } from '../environments/catalog-schema.js';
import { baseReferenceFor, parseBaseReference } from './base-reference.js';

describe('parseBaseReference', () => {
  it.each([
    { text: 'scratch', parsed: { kind: 'scratch' } },
    { text: 'oci-layout:./bases/serving', parsed: { kind: 'oci-layout', path: './bases/serving' } },
    {
      text: 'oci-layout:./bases/serving:1.2',
      parsed: { kind: 'oci-layout', path: './bases/serving', tag: '1.2' },
    },
    { text: 'oci-layout:/abs/dir:latest', parsed: { kind: 'oci-layout', path: '/abs/dir', tag: 'latest' } },
    {
      text: 'oci-layout:dir:with:colons:v1',
      parsed: { kind: 'oci-layout', path: 'dir:with:colons', tag: 'v1' },
    },
    { text: 'ghcr.io/org/serving:1.2', parsed: { kind: 'registry', reference: 'ghcr.io/org/serving:1.2' } },
    { text: 'localhost:5000/serving', parsed: { kind: 'registry', reference: 'localhost:5000/serving' } },
    { text: 'python:3.12-slim', parsed: { kind: 'registry', reference: 'python:3.12-slim' } },
  ])('$text', ({ text, parsed }) => {
    expect(parseBaseReference(text)).toEqual(parsed);
  });

  it.each([
    { text: 'oci-layout:', problem: 'no layout path' },
    { text: 'oci-layout::v1', problem: 'no layout path' },
    { text: 'oci-layout:dir:', problem: 'empty tag' },
    { text: 'oci:dir:tag', problem: 'transport "oci:"' },
    { text: 'docker://ghcr.io/x', problem: 'transport "docker:"' },
    { text: 'Not An Image', problem: 'neither scratch' },
    { text: '', problem: 'neither scratch' },
  ])('refuses "$text" ($problem)', ({ text, problem }) => {
    expect(() => parseBaseReference(text)).toThrow(
      expect.objectContaining({
        kind: 'usage',
        code: 'base-reference-invalid',
        message: expect.stringContaining(problem),
      }),
    );
  });
});

describe('baseReferenceFor', () => {
  const pool = poolSchema.parse({
    name: 'gpu',
    image: { base: { default: 'scratch', vllm: 'oci-layout:bases/vllm:0.6' } },
  });

  it.each([
    { runtime: 'vllm', base: 'oci-layout:bases/vllm:0.6' },
    { runtime: 'onnx', base: 'scratch' },
    { runtime: undefined, base: 'scratch' },
  ])('runtime $runtime -> $base', ({ runtime, base }) => {
    expect(baseReferenceFor(pool, runtime)).toBe(base);
  });

  it('refuses a runtime with no base and no default', () => {
    const noDefault = poolSchema.parse({ name: 'gpu', image: { base: { vllm: 'scratch' } } });
    expect(() => baseReferenceFor(noDefault, 'onnx')).toThrow(
      expect.objectContaining({
        code: 'base-not-configured',
        message: expect.stringContaining('(it has vllm)'),
      }),
    );
  });
});
