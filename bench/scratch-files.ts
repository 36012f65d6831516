/** Scratch model files for the benchmarks: written once, reused while their size matches. */
import { closeSync, existsSync, openSync, readSync, statSync, writeSync } from 'node:fs';

const MiB = 1024 * 1024;

/**
 * Writes `size` bytes fast: `block` (random) repeated, its first 8 bytes varied per file (`seed`)
 * and per repetition, so no two blocks are equal. False when the file was there already.
 */
export function writeData(path: string, size: number, seed: number, block: Buffer): boolean {
  if (existsSync(path) && statSync(path).size === size) return false;
  const fd = openSync(path, 'w');
  try {
    for (let offset = 0, rep = 0; offset < size; offset += block.length, rep++) {
      block.writeUInt32LE(seed, 0);
      block.writeUInt32LE(rep, 4);
      writeSync(fd, block, 0, Math.min(block.length, size - offset));
    }
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Reads a file once, so every side of a benchmark reads it from the page cache. */
export function warm(path: string): void {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(8 * MiB);
  try {
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}
