/**
 * Streaming hashes on the main thread, by the hash pool's algorithm names: node:crypto's, and
 * `blake3` (which node:crypto lacks) from hash-wasm's WebAssembly. hash-worker.ts makes the same
 * choice inside the pool's workers.
 */
import { createHash } from 'node:crypto';
import { createBLAKE3 } from 'hash-wasm';

export interface Hasher {
  update(data: Uint8Array): void;
  /** Lowercase hex digest of the bytes since the last digest; the hasher then starts over. */
  digest(): string;
}

export async function createHasher(algorithm: string): Promise<Hasher> {
  if (algorithm === 'blake3') {
    const wasm = await createBLAKE3();
    return {
      update: (data) => void wasm.update(data),
      digest: () => {
        const hex = wasm.digest('hex');
        wasm.init();
        return hex;
      },
    };
  }
  let hash = createHash(algorithm);
  return {
    update: (data) => void hash.update(data),
    digest: () => {
      const hex = hash.digest('hex');
      hash = createHash(algorithm);
      return hex;
    },
  };
}
