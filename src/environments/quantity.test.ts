import { describe, expect, it } from '@jest/globals';
import { compareQuantities, parseQuantity } from './quantity.js';

describe('parseQuantity', () => {
  const cases: { name: string; a: string; b: string; expected: -1 | 0 | 1 }[] = [
    { name: 'binary suffix equals plain bytes', a: '24Gi', b: '25769803776', expected: 0 },
    { name: 'Gi ordering', a: '24Gi', b: '80Gi', expected: -1 },
    { name: 'decimal vs binary', a: '1G', b: '1Gi', expected: -1 },
    { name: 'milli', a: '500m', b: '0.5', expected: 0 },
    { name: 'milli vs one', a: '1500m', b: '1', expected: 1 },
    { name: 'exponent', a: '1e3', b: '1k', expected: 0 },
    { name: 'negative exponent', a: '5e-1', b: '500m', expected: 0 },
    { name: 'fraction with suffix', a: '1.5Gi', b: '1536Mi', expected: 0 },
    { name: 'Ei keeps precision', a: '8Ei', b: '9223372036854775807', expected: 1 },
    { name: 'negative numbers', a: '-1', b: '0', expected: -1 },
    { name: 'plain integers', a: '10', b: '9', expected: 1 },
  ];
  it.each(cases)('$name: $a vs $b', ({ a, b, expected }) => {
    const left = parseQuantity(a);
    const right = parseQuantity(b);
    expect(left).toBeDefined();
    expect(right).toBeDefined();
    expect(compareQuantities(left!, right!)).toBe(expected);
  });

  it.each(['lots', '24GB', '', 'Gi', '1.2.3', '0x10', '24 Gi'])('rejects %j', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });

  it('accepts numbers', () => {
    expect(parseQuantity(16)).toEqual({ numerator: 16n, denominator: 1n });
  });
});
