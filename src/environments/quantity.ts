/**
 * Kubernetes quantities (`24Gi`, `500m`, `25769803776`, `1e3`) as exact rationals, so `24Gi` and
 * `25769803776` compare equal and `Ei` sizes do not lose precision. Pure.
 */
import { QUANTITY_PATTERN } from './catalog-schema.js';

/** An exact value: numerator / denominator, denominator > 0. */
export interface Quantity {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

const BINARY: Record<string, bigint> = { Ki: 1n, Mi: 2n, Gi: 3n, Ti: 4n, Pi: 5n, Ei: 6n };
const DECIMAL: Record<string, bigint> = { k: 3n, M: 6n, G: 9n, T: 12n, P: 15n, E: 18n };

/** Parses a number or quantity; `undefined` when the text is neither. */
export function parseQuantity(text: string | number): Quantity | undefined {
  const value = String(text).trim();
  if (!QUANTITY_PATTERN.test(value)) return undefined;
  const match = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(value);
  if (!match) return undefined;
  const [, sign = '', whole = '', fraction = '', suffix = ''] = match;
  let numerator = BigInt(`${whole}${fraction}` || '0') * (sign === '-' ? -1n : 1n);
  let denominator = 10n ** BigInt(fraction.length);
  if (suffix in BINARY) numerator *= 1024n ** (BINARY[suffix] ?? 0n);
  else if (suffix in DECIMAL) numerator *= 10n ** (DECIMAL[suffix] ?? 0n);
  else if (suffix === 'm') denominator *= 1000n;
  else if (/^[eE]/.test(suffix)) {
    const exponent = BigInt(suffix.slice(1));
    if (exponent >= 0n) numerator *= 10n ** exponent;
    else denominator *= 10n ** -exponent;
  }
  return { numerator, denominator };
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}
