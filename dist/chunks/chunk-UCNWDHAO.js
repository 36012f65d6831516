import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  QUANTITY_PATTERN
} from "./chunk-HP3MR4JB.js";

// src/environments/quantity.ts
var BINARY = { Ki: 1n, Mi: 2n, Gi: 3n, Ti: 4n, Pi: 5n, Ei: 6n };
var DECIMAL = { k: 3n, M: 6n, G: 9n, T: 12n, P: 15n, E: 18n };
function parseQuantity(text) {
  const value = String(text).trim();
  if (!QUANTITY_PATTERN.test(value)) return void 0;
  const match = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(value);
  if (!match) return void 0;
  const [, sign = "", whole = "", fraction = "", suffix = ""] = match;
  let numerator = BigInt(`${whole}${fraction}` || "0") * (sign === "-" ? -1n : 1n);
  let denominator = 10n ** BigInt(fraction.length);
  if (suffix in BINARY) numerator *= 1024n ** (BINARY[suffix] ?? 0n);
  else if (suffix in DECIMAL) numerator *= 10n ** (DECIMAL[suffix] ?? 0n);
  else if (suffix === "m") denominator *= 1000n;
  else if (/^[eE]/.test(suffix)) {
    const exponent = BigInt(suffix.slice(1));
    if (exponent >= 0n) numerator *= 10n ** exponent;
    else denominator *= 10n ** -exponent;
  }
  return { numerator, denominator };
}
function compareQuantities(a, b) {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

export {
  parseQuantity,
  compareQuantities
};
