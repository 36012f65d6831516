/**
 * Carrying the download cache between GitHub Actions runs with @actions/cache. The cache entry of a
 * version holds exactly its blobs (`ROOT/blobs/sha256/HEX`, named by the digests its signature
 * lists) under a key made of those digests, so the same signed model restores the same entry on any
 * later run. Off GitHub (no cache service in the environment) both helpers do nothing. A restored
 * blob is no more trusted than any cached one: the verifier hashes it.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Logger } from '../logger.js';
import type { CachePersistence } from './download-cache.js';

/** The two @actions/cache calls used, so tests can stand in for the service. */
export interface CacheBackend {
  restoreCache(paths: string[], primaryKey: string): Promise<string | undefined>;
  saveCache(paths: string[], key: string): Promise<number>;
}

export interface GitHubCacheOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly backend?: CacheBackend;
}

export type CacheOutcome = 'skipped' | 'restored' | 'missed' | 'saved' | 'failed';

/** True where the Actions cache service can be reached: a runner that set its URL and token. */
export function isGitHubCacheAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN && (env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL));
}

/** `model-promote-v1-<hash of the sorted path/digest pairs>`: one key per signed file set. */
export function cacheKey(expected: ReadonlyMap<string, string>): string {
  const lines = [...expected].map(([file, digest]) => `${digest}  ${file}\n`).sort();
  return `model-promote-v1-${createHash('sha256').update(lines.join('')).digest('hex').slice(0, 40)}`;
}

/** The blob paths of a version, sorted and unique: restore must ask for the paths save stored. */
export function cachePaths(root: string, expected: ReadonlyMap<string, string>): string[] {
  return [...new Set(expected.values())].sort().map((hex) => path.join(root, 'blobs', 'sha256', hex));
}

export async function restoreCache(
  root: string,
  expected: ReadonlyMap<string, string>,
  options: GitHubCacheOptions,
): Promise<CacheOutcome> {
  if (expected.size === 0 || !isGitHubCacheAvailable(options.env)) return 'skipped';
  const key = cacheKey(expected);
  try {
    const hit = await (options.backend ?? (await actionsCacheModule())).restoreCache(
      cachePaths(root, expected),
      key,
    );
    options.logger.info(
      hit ? `restored model files from the Actions cache (${key})` : `no Actions cache entry ${key}`,
    );
    return hit ? 'restored' : 'missed';
  } catch (error) {
    options.logger.warn(`restoring the Actions cache ${key} failed, downloading instead: ${message(error)}`);
    return 'failed';
  }
}

export async function saveCache(
  root: string,
  expected: ReadonlyMap<string, string>,
  options: GitHubCacheOptions,
): Promise<CacheOutcome> {
  if (expected.size === 0 || !isGitHubCacheAvailable(options.env)) return 'skipped';
  const key = cacheKey(expected);
  try {
    await (options.backend ?? (await actionsCacheModule())).saveCache(cachePaths(root, expected), key);
    options.logger.info(`saved model files to the Actions cache (${key})`);
    return 'saved';
  } catch (error) {
    // An entry saved by an earlier run (keys are immutable) or a full cache: the promotion goes on.
    options.logger.debug(`not saving the Actions cache ${key}: ${message(error)}`);
    return 'failed';
  }
}

/** The hook a DownloadCache takes to use the Actions cache: `new DownloadCache(root, { persistence })`. */
export function gitHubCachePersistence(options: GitHubCacheOptions): CachePersistence {
  return {
    restore: async (root, expected) => void (await restoreCache(root, expected, options)),
    save: async (root, expected) => void (await saveCache(root, expected, options)),
  };
}

/** Loaded only on a runner: the service client is large, and off GitHub it is never needed. */
async function actionsCacheModule(): Promise<CacheBackend> {
  return import('@actions/cache');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
