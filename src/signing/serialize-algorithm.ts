import { SerializeError } from './serialize-errors.js';
import type { Serialization } from './serialize-types.js';

/** Upstream's `hash_type` names mapped to node:crypto names (blake2b is hashlib's default blake2b-512). */
const NODE_HASHES: Readonly<Record<string, string>> = { sha256: 'sha256', blake2b: 'blake2b512' };

/** The node:crypto algorithm for a signature's `hash_type`; refuses what node cannot compute. */
export function nodeHashName(hashType: string): string {
  const name = Object.hasOwn(NODE_HASHES, hashType) ? NODE_HASHES[hashType] : undefined;
  if (name === undefined) {
    throw new SerializeError(
      'unsupported-hash',
      `hash_type '${hashType}' is not supported (supported: ${Object.keys(NODE_HASHES).join(', ')})`,
      "sign the model again with sha256 (model_signing's default) or blake2",
    );
  }
  return name;
}

/**
 * Checks a serialization before anything is read, and returns the `algorithm` every resource must
 * carry: the hash name for `files`, `NAME-sharded-SIZE` for `shards` (as upstream writes it).
 */
export function resourceAlgorithm(serialization: Serialization): string {
  nodeHashName(serialization.hashType);
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
