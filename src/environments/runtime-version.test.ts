import { describe, expect, it } from '@jest/globals';
import { compareVersions, parseRange, parseVersion, satisfies, type Version } from './runtime-version.js';

function v(text: string): Version {
  const version = parseVersion(text);
  if (!version) throw new Error(`test version ${text} does not parse`);
  return version;
}

describe('parseVersion', () => {
  it.each(['535.104.05', '12', '12.4', '12.4.1', '6.2.4.1', ' 12.4 '])('reads %j', (text) => {
    expect(parseVersion(text)?.text).toBe(text.trim());
  });

  it.each(['', 'v12.4', '12.', '.4', '12..4', '12.4.1.0.0', '535.104.05-server', 'latest', '1e3'])(
    'refuses %j',
    (text) => {
      expect(parseVersion(text)).toBeUndefined();
    },
  );
});

describe('compareVersions', () => {
  it.each([
    { a: '535.104.05', b: '535.54.03', order: 1 },
    { a: '535.104.05', b: '535.104.5', order: 0 }, // leading zeros are the same number
    { a: '12.4', b: '12.4.0', order: 0 },
    { a: '12.10', b: '12.9', order: 1 }, // not a decimal fraction
    { a: '450.80.02', b: '525.60.13', order: -1 },
  ])('$a vs $b is $order', ({ a, b, order }) => {
    expect(compareVersions(v(a), v(b))).toBe(order);
    expect(compareVersions(v(b), v(a))).toBe(-order || 0);
  });
});

describe('ranges', () => {
  it.each([
    { range: '>=12.1', yes: ['12.1', '12.1.0', '12.4.1', '13.0'], no: ['12.0.1', '11.8'] },
    { range: '>=12.1 <13', yes: ['12.1', '12.9.1'], no: ['13.0', '11.8'] },
    { range: '12.4', yes: ['12.4', '12.4.1'], no: ['12.5', '12.3.2'] },
    { range: '12', yes: ['12.0', '12.9.1'], no: ['11.8', '13.0'] },
    { range: '=12.4.1', yes: ['12.4.1'], no: ['12.4.0', '12.4.2'] },
    { range: '>12.4 <=12.6', yes: ['12.4.1', '12.6'], no: ['12.4', '12.6.1'] },
    { range: '11.8 || >=12.4', yes: ['11.8', '12.6'], no: ['12.1', '11.7'] },
  ])('$range', ({ range, yes, no }) => {
    const parsed = parseRange(range);
    expect(parsed).toBeDefined();
    if (!parsed) return;
    for (const text of yes) expect([text, satisfies(v(text), parsed)]).toEqual([text, true]);
    for (const text of no) expect([text, satisfies(v(text), parsed)]).toEqual([text, false]);
  });

  it.each(['', 'latest', '>=', '>=12.1 ||', '^12.1', '~12.1', '12.x', '>=twelve', 'cuda12'])(
    'refuses %j (not in the grammar)',
    (text) => {
      expect(parseRange(text)).toBeUndefined();
    },
  );
});
