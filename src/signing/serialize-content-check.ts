/**
 * Re-hashes a model file while it is streamed somewhere else (an image layer), so the bytes shipped
 * are the bytes verified: closes the gap between checking the model and using it.
 */
import { createHasher } from './hasher.js';
import { poolHashName, resourceAlgorithm, shardRanges } from './serialize-algorithm.js';
import { SerializeError } from './serialize-errors.js';
import { formatShardName, parseShardName } from './serialize-names.js';
import type { ModelManifest, Resource } from './serialize-types.js';

export interface ContentCheck {
  /** Feeds the next bytes of the file; throws `model-changed` as soon as a shard differs. */
  update(chunk: Uint8Array): void;
  /** Call after the last byte; throws `model-changed` if the file differs from the manifest. */
  finish(): void;
}

interface Expected {
  start: number;
  end: number;
  name: string;
  digest: string;
}

const HINT = 'make sure nothing changes the model between verification and the image build';

export interface ContentCheckOptions {
  /**
   * The file is checked as it streams from its registry (a streamed promotion): this check is its
   * verification, not a second look, so a difference is `model-mismatch`.
   */
  readonly streaming?: boolean;
}

/** Resources by file path, computed once per manifest. */
const indexes = new WeakMap<ModelManifest, Map<string, Resource[]>>();

function indexOf(manifest: ModelManifest): Map<string, Resource[]> {
  let index = indexes.get(manifest);
  if (!index) {
    index = new Map();
    for (const resource of manifest.resources) {
      const path =
        manifest.serialization.method === 'shards' ? parseShardName(resource.name)?.path : resource.name;
      if (path === undefined) continue;
      const list = index.get(path) ?? [];
      list.push(resource);
      index.set(path, list);
    }
    indexes.set(manifest, index);
  }
  return index;
}

/**
 * A check for the file at `path` (its resource name: a POSIX path in the model, `.` for a
 * single-file model) that is about to be streamed with `size` bytes. `files`: the whole-file digest
 * must match; `shards`: every shard, checked as soon as it is complete.
 */
export async function createContentCheck(
  manifest: ModelManifest,
  path: string,
  size: number,
  options: ContentCheckOptions = {},
): Promise<ContentCheck> {
  const { serialization } = manifest;
  const algorithm = resourceAlgorithm(serialization);
  const poolName = poolHashName(serialization.hashType);
  const listed = indexOf(manifest).get(path) ?? [];
  const changed = (why: string): SerializeError =>
    options.streaming
      ? new SerializeError(
          'model-mismatch',
          `model file '${path}' does not match its signature: ${why}`,
          'promote exactly the files that were signed (or sign this version of the model); nothing was tagged',
        )
      : new SerializeError('model-changed', `model file '${path}' changed after verification: ${why}`, HINT);

  let expected: Expected[];
  if (serialization.method === 'files') {
    const resource = listed[0];
    if (!resource) throw changed('it is not in the verified manifest');
    expected = [{ start: 0, end: size, name: resource.name, digest: resource.digest }];
  } else {
    const byName = new Map(listed.map((r) => [r.name, r]));
    expected = shardRanges(size, serialization.shardSize!).map(([start, end]) => {
      const name = formatShardName(path, start, end);
      const resource = byName.get(name);
      if (!resource)
        throw changed(`its size is ${size} bytes, but shard ${name} is not in the verified manifest`);
      return { start, end, name, digest: resource.digest };
    });
    if (expected.length !== listed.length) {
      throw changed(
        `its size is ${size} bytes, but the verified manifest has ${listed.length} shards for it`,
      );
    }
  }
  for (const resource of listed) {
    if (resource.algorithm !== algorithm)
      throw changed(`resource ${resource.name} uses ${resource.algorithm}, not ${algorithm}`);
  }

  const hash = await createHasher(poolName);
  let position = 0;
  let shard = 0;
  const closeShard = (): void => {
    const current = expected[shard]!;
    const digest = hash.digest();
    shard++;
    if (digest !== current.digest)
      throw changed(`${current.name} has digest ${digest}, not ${current.digest}`);
  };

  return {
    update(chunk: Uint8Array): void {
      if (position + chunk.length > size) throw changed(`more than the ${size} bytes announced`);
      let offset = 0;
      while (offset < chunk.length) {
        const current = expected[shard]!;
        const take = Math.min(chunk.length - offset, current.end - position);
        hash.update(offset === 0 && take === chunk.length ? chunk : chunk.subarray(offset, offset + take));
        offset += take;
        position += take;
        if (position === current.end && serialization.method === 'shards') closeShard();
      }
    },
    finish(): void {
      if (position !== size) throw changed(`only ${position} of ${size} bytes were streamed`);
      if (serialization.method === 'files') closeShard();
      else if (shard !== expected.length) throw changed('not every shard was checked');
    },
  };
}
