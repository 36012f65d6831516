/**
 * Verification of a model that is streamed, not on disk: the signature against every policy
 * requirement, then the version's listing (paths and sizes) against the signed statement. No byte
 * of a model file is read here; each file's bytes are checked as they stream
 * (createContentCheck), and nothing may be used before every file passed.
 */
import { SerializeError } from './serialize-errors.js';
import { compareManifest } from './serialize-compare.js';
import { DEFAULT_IGNORE_PATHS, ignoreMatcher } from './serialize-list.js';
import { resourceAlgorithm, shardRanges } from './serialize-algorithm.js';
import { formatShardName, parseShardName } from './serialize-names.js';
import type { Resource } from './serialize-types.js';
import type { PolicyRequirement } from './policy-sources.js';
import { verifyBundle, type SignedFiles, type VerifyScope } from './verify-model.js';

/** A file as a remote registry lists it: a relative POSIX path and its size in bytes. */
export interface ListedModelFile {
  readonly path: string;
  readonly size: number;
}

export interface VerifyListingOptions {
  /** The signature's file name in the listing, never a model file. */
  readonly signatureName: string;
  readonly scope?: VerifyScope;
}

/**
 * Verifies the signature, then that the listing names exactly the signed files: for `files`, each
 * signed path; for `shards`, each file's shards by the ranges its listed size makes. A file the
 * signature does not name, a signed one missing, or a size that gives other shards is refused with
 * `model-mismatch`, before anything is read.
 */
export async function verifySignedListing(
  bundle: Uint8Array,
  listing: readonly ListedModelFile[],
  requirements: readonly PolicyRequirement[],
  options: VerifyListingOptions,
): Promise<SignedFiles> {
  const signature = await verifyBundle(bundle, requirements);
  const { manifest } = signature;
  const { serialization } = manifest;
  const scope = options.scope ?? {};
  const ignored = ignoreMatcher([
    ...serialization.ignorePaths,
    ...(scope.ignorePaths ?? []),
    ...((scope.ignoreGitPaths ?? true) ? DEFAULT_IGNORE_PATHS : []),
  ]);
  const candidates = listing.filter((file) => file.path !== options.signatureName && !ignored(file.path));
  const signedPaths = new Set(
    manifest.resources.map((r) =>
      serialization.method === 'shards' ? parseShardName(r.name)?.path : r.name,
    ),
  );
  const files = scope.ignoreUnsignedFiles ? candidates.filter((f) => signedPaths.has(f.path)) : candidates;
  for (const file of files) {
    if (!Number.isSafeInteger(file.size) || file.size < 0) {
      throw new SerializeError(
        'model-mismatch',
        `the registry lists ${file.path} without a usable size (${String(file.size)})`,
        'streaming needs every file size: give cache-dir to download the model first',
      );
    }
  }
  // Names only: the digests are the statement's own, so only missing and extra names can differ.
  const digestOf = new Map(manifest.resources.map((r) => [r.name, r.digest]));
  const algorithm = resourceAlgorithm(serialization);
  const listed: Resource[] = files.flatMap((file) =>
    (serialization.method === 'files'
      ? [file.path]
      : shardRanges(file.size, serialization.shardSize!).map(([start, end]) =>
          formatShardName(file.path, start, end),
        )
    ).map((name) => ({ name, algorithm, digest: digestOf.get(name) ?? '' })),
  );
  compareManifest(manifest.resources, listed);
  return {
    manifest,
    signature,
    satisfied: requirements.map((r) => r.source),
    files: files.map((f) => ({ path: f.path, size: f.size })),
    bytes: files.reduce((sum, file) => sum + file.size, 0),
    digest: `sha256:${manifest.subjectDigest}`,
    signatureFile: { name: options.signatureName, bytes: bundle },
  };
}
