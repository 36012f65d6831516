import { describe, expect, it } from '@jest/globals';
import { stableJson } from './json.js';
import { formatPlatform, parsePlatform, platformMatches } from './platform.js';

describe('parsePlatform', () => {
  it.each([
    { text: 'linux/amd64', platform: { os: 'linux', architecture: 'amd64' } },
    { text: 'linux/arm64/v8', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
  ])('$text', ({ text, platform }) => {
    expect(parsePlatform(text)).toEqual(platform);
    expect(formatPlatform(platform)).toBe(text);
  });

  it.each(['linux', 'linux/', '/amd64', 'linux/arm/v7/x', 'linux/arm/'])('refuses %s', (text) => {
    expect(() => parsePlatform(text)).toThrow(expect.objectContaining({ code: 'platform-invalid' }));
  });
});

describe('platformMatches', () => {
  it.each([
    { wanted: 'linux/amd64', candidate: 'linux/amd64', matches: true },
    { wanted: 'linux/amd64', candidate: 'linux/arm64', matches: false },
    { wanted: 'linux/amd64', candidate: 'windows/amd64', matches: false },
    { wanted: 'linux/arm64', candidate: 'linux/arm64/v8', matches: true },
    { wanted: 'linux/arm64/v8', candidate: 'linux/arm64', matches: true },
    { wanted: 'linux/arm/v7', candidate: 'linux/arm/v6', matches: false },
    { wanted: 'linux/arm', candidate: 'linux/arm/v6', matches: true },
  ])('$wanted runs $candidate: $matches', ({ wanted, candidate, matches }) => {
    expect(platformMatches(parsePlatform(wanted), parsePlatform(candidate))).toBe(matches);
  });
});

describe('stableJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(Buffer.from(stableJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toString()).toBe(
      '{"a":{"d":[{"y":2,"z":1}]},"b":1}',
    );
  });
});
