import { describe, expect, it } from '@jest/globals';
import { formatImageLocation, parseImageLocation } from './image-location.js';

describe('parseImageLocation', () => {
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
    expect(parseImageLocation(text)).toEqual(parsed);
    expect(formatImageLocation(parseImageLocation(text))).toBe(text);
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
    expect(() => parseImageLocation(text)).toThrow(
      expect.objectContaining({
        kind: 'usage',
        code: 'location-invalid',
        message: expect.stringContaining(problem),
      }),
    );
  });
});
