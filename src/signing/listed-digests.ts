import { parseBundle } from './bundle.js';
import { parseStatement } from './statement.js';

const HEX64 = /^[a-f0-9]{64}$/;

/**
 * Unverified cache keys from a signature bundle: the statement's `path -> sha256 hex`, for the
 * `files` method with sha256 only (shards and other hashes give none). Never trusted: a wrong or
 * forged entry only makes the cache look in the wrong place, and the verifier still hashes.
 */
export function expectedDigests(bundleBytes: Uint8Array): Map<string, string> {
  const expected = new Map<string, string>();
  try {
    const manifest = parseStatement(parseBundle(bundleBytes).envelope.payload);
    if (manifest.serialization.method !== 'files' || manifest.serialization.hashType !== 'sha256')
      return expected;
    for (const resource of manifest.resources) {
      if (resource.algorithm === 'sha256' && HEX64.test(resource.digest))
        expected.set(resource.name, resource.digest);
    }
  } catch {
    // Not a bundle we can read: no cache keys. The verifier will say what is wrong with it.
  }
  return expected;
}
