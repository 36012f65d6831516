import { SerializeError } from './serialize-errors.js';
import type { Serialization } from './serialize-types.js';

/**
 * Upstream's `hash_type` names mapped to the hash pool's algorithm names: node:crypto's (blake2b is
 * hashlib's default blake2b-512), and `blake3`, which the pool's workers compute with hash-wasm.
 */
const POOL_HASHES: Readonly<Record<string, string>> = {
  sha256: 'sha256',
  blake2b: 'blake2b512',
  blake3: 'blake3',
};

/** The hash pool's algorithm for a signature's `hash_type`; refuses a name it does not know. */
export function poolHashName(hashType: string): string {
  const name = Object.hasOwn(POOL_HASHES, hashType) ? POOL_HASHES[hashType] : undefined;
  if (name === undefined) {
    throw new SerializeError(
      'unsupported-hash',
      `hash_type '${hashType}' is not supported (supported: ${Object.keys(POOL_HASHES).join(', ')})`,
      'sign the model again with a hash model_signing offers: sha256 (its default), blake2 or blake3',
    );
  }
  return name;
}

/**
 * Checks a serialization before anything is read, and returns the `algorithm` every resource must
 * carry: the hash name for `files`, `NAME-sharded-SIZE` for `shards` (as upstream writes it).
 */
export function resourceAlgorithm(serialization: Serialization): string {
  poolHashName(serialization.hashType);
  switch (serialization.method) {
    case 'files':
      return serialization.hashType;
    case 'shards': {
      const size = serialization.shardSize;
      if (size === undefined || !Number.isSafeInteger(size) || size <= 0) {
        throw new SerializeError(
          'unsupported-serialization',
          `shard_size ${String(size)} is not a positive integer`,
          'sign the model again with a positive --shard_size',
        );
      }
      return `${serialization.hashType}-sharded-${size}`;
    }
    default:
      throw new SerializeError(
        'unsupported-serialization',
        `serialization method '${String((serialization as { method: unknown }).method)}' is not supported`,
        "sign the model with method 'files' or 'shards'",
      );
  }
}

/** Upstream's shard boundaries: [0, s), [s, 2s), ... up to `size`; an empty file has no shard. */
export function shardRanges(size: number, shardSize: number): [start: number, end: number][] {
  const ranges: [number, number][] = [];
  for (let start = 0; start < size; start += shardSize)
    ranges.push([start, Math.min(start + shardSize, size)]);
  return ranges;
}
