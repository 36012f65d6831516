/** Scratch model files for the benchmarks: written once, reused while their size matches. */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { signModel } from '../src/signing/sign-model.js';

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

/**
 * A model folder of `names`, each `size` bytes, signed with the example key (again only when a
 * file was rewritten), every file read once; returns the files' paths.
 */
export async function signedScratchModel(
  dir: string,
  names: readonly string[],
  size: number,
): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const block = randomBytes(Math.min(64 * MiB, size));
  const files = names.map((name) => join(dir, name));
  const written = files.map((file, i) => writeData(file, size, i + 1, block));
  if (written.some(Boolean) || !existsSync(join(dir, 'model.sig'))) {
    await signModel(dir, { privateKeyPath: resolve('examples/keys/example-signing.key.pem') });
  }
  files.forEach(warm);
  return files;
}
