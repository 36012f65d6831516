import { describe, expect, it } from '@jest/globals';
import { checkResourceNames, comparePaths, compareResourceNames, parseShardName } from './serialize-names.js';
import type { Resource } from './serialize-types.js';

const D = 'ab'.repeat(32);
const files = (...names: string[]): Resource[] =>
  names.map((name) => ({ name, algorithm: 'sha256', digest: D }));
const shards = (...names: string[]): Resource[] =>
  names.map((name) => ({ name, algorithm: 'sha256-sharded-8', digest: D }));

describe('checkResourceNames', () => {
  it.each([
    { label: 'plain files', method: 'files', resources: files('a', 'd/e/f', '.hidden', 'x:y') },
    { label: 'single-file model', method: 'files', resources: files('.') },
    { label: 'no resources', method: 'files', resources: [] },
    {
      label: 'shards tiling files',
      method: 'shards',
      resources: shards('a:0:8', 'a:8:16', 'a:16:20', 'b/c:0:3'),
    },
    { label: 'shards given out of order', method: 'shards', resources: shards('a:8:9', 'a:0:8') },
    { label: 'single-file model shards', method: 'shards', resources: shards('.:0:8', '.:8:10') },
  ] as const)('accepts $label', ({ method, resources }) => {
    expect(() => checkResourceNames(resources, method)).not.toThrow();
  });

  it.each([
    {
      label: 'absolute path',
      method: 'files',
      resources: files('/etc/passwd'),
      code: 'unsafe-resource-name',
    },
    { label: '.. segment', method: 'files', resources: files('a/../../b'), code: 'unsafe-resource-name' },
    { label: 'leading ..', method: 'files', resources: files('..'), code: 'unsafe-resource-name' },
    { label: '. segment', method: 'files', resources: files('a/./b'), code: 'unsafe-resource-name' },
    { label: 'backslash', method: 'files', resources: files('a\\..\\b'), code: 'unsafe-resource-name' },
    { label: 'empty segment', method: 'files', resources: files('a//b'), code: 'unsafe-resource-name' },
    { label: 'trailing slash', method: 'files', resources: files('a/'), code: 'unsafe-resource-name' },
    { label: 'empty name', method: 'files', resources: files(''), code: 'unsafe-resource-name' },
    { label: 'NUL byte', method: 'files', resources: files('a\u0000b'), code: 'unsafe-resource-name' },
    { label: 'newline', method: 'files', resources: files('a\nb'), code: 'unsafe-resource-name' },
    {
      label: '. with other files',
      method: 'files',
      resources: files('.', 'a'),
      code: 'unsafe-resource-name',
    },
    {
      label: 'file and folder at once',
      method: 'files',
      resources: files('a', 'a/b'),
      code: 'unsafe-resource-name',
    },
    { label: 'duplicate file', method: 'files', resources: files('a', 'b', 'a'), code: 'duplicate-resource' },
    {
      label: 'duplicate shard',
      method: 'shards',
      resources: shards('a:0:8', 'a:0:8'),
      code: 'duplicate-resource',
    },
    { label: 'shard without range', method: 'shards', resources: shards('a'), code: 'malformed-shard' },
    {
      label: 'shard with a colon in path',
      method: 'shards',
      resources: shards('a:b:0:8'),
      code: 'malformed-shard',
    },
    { label: 'negative start', method: 'shards', resources: shards('a:-8:0'), code: 'malformed-shard' },
    { label: 'leading zero', method: 'shards', resources: shards('a:00:8'), code: 'malformed-shard' },
    { label: 'not a number', method: 'shards', resources: shards('a:0:x'), code: 'malformed-shard' },
    { label: 'end before start', method: 'shards', resources: shards('a:8:8'), code: 'malformed-shard' },
    { label: 'gap', method: 'shards', resources: shards('a:0:8', 'a:9:16'), code: 'malformed-shard' },
    { label: 'overlap', method: 'shards', resources: shards('a:0:8', 'a:4:16'), code: 'malformed-shard' },
    { label: 'not from 0', method: 'shards', resources: shards('a:8:16'), code: 'malformed-shard' },
    {
      label: 'unsafe shard path',
      method: 'shards',
      resources: shards('../a:0:8'),
      code: 'unsafe-resource-name',
    },
    {
      label: 'unsafe integer',
      method: 'shards',
      resources: shards('a:0:99999999999999999'),
      code: 'malformed-shard',
    },
    {
      label: 'uppercase digest',
      method: 'files',
      resources: [{ name: 'a', algorithm: 'sha256', digest: 'AB' }],
      code: 'malformed-digest',
    },
    {
      label: 'odd digest',
      method: 'files',
      resources: [{ name: 'a', algorithm: 'sha256', digest: 'abc' }],
      code: 'malformed-digest',
    },
  ] as const)('refuses $label ($code)', ({ method, resources, code }) => {
    expect(() => checkResourceNames(resources, method)).toThrow(
      expect.objectContaining({ code, kind: 'refused' }),
    );
  });
});

describe('upstream order', () => {
  it.each([
    { label: 'components before characters', a: 'a/b', b: 'a-c' },
    { label: 'parent dir files after its siblings by name', a: 'd0/f00', b: 'f0' },
    { label: 'prefix first', a: 'a', b: 'a/b' },
    { label: 'code points, not UTF-16 units', a: '\uff5e', b: '\u{1f600}' },
    { label: 'uppercase before lowercase', a: 'B', b: 'a' },
  ])('$label: $a < $b', ({ a, b }) => {
    expect(comparePaths(a, b)).toBeLessThan(0);
    expect(comparePaths(b, a)).toBeGreaterThan(0);
  });

  it('sorts shards by path, then numerically by start', () => {
    const names = ['a:10:20', 'a-b:0:1', 'a:0:10', 'a/b:0:1'];
    expect(names.sort((x, y) => compareResourceNames('shards', x, y))).toEqual([
      'a:0:10',
      'a:10:20',
      'a/b:0:1',
      'a-b:0:1',
    ]);
  });

  it('parses shard names as upstream does', () => {
    expect(parseShardName('d0/f00:16:23')).toEqual({ path: 'd0/f00', start: 16, end: 23 });
    expect(parseShardName('.:0:8')).toEqual({ path: '.', start: 0, end: 8 });
    expect(parseShardName('a:b:0:8')).toBeUndefined();
  });
});
