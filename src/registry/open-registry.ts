/** Chooses the registry implementation from what the user wrote in `--registry`. */
import path from 'node:path';
import { silentLogger, type Logger } from '../logger.js';
import { DownloadCache } from './download-cache.js';
import { gitHubCachePersistence } from './download-cache-github.js';
import { FolderRegistry } from './folder-registry.js';
import { openHuggingFaceRegistry } from './huggingface-registry.js';
import { openMlflowRegistry } from './mlflow-registry.js';
import type { ModelRegistry, RemoteRegistryOptions } from './model-version.js';
import { OciModelRegistry } from './oci-model-registry.js';
import { RegistryError } from './registry-error.js';

/** What remote registries need besides the location; every field is optional. */
export interface RegistryContext {
  readonly logger?: Logger;
  /** The `cache-dir` input: where remote registries download model files. */
  readonly cacheDir?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly mask?: (secret: string) => void;
  /** Plain HTTP to a remote registry that is not on loopback. */
  readonly insecure?: boolean;
}

/** The download cache for remote registries: the cache folder, carried between runs on GitHub. */
export function downloadCache(context: RegistryContext, cwd = process.cwd()): DownloadCache {
  const env = context.env ?? process.env;
  const root = DownloadCache.defaultRoot(env, context.cacheDir && path.resolve(cwd, context.cacheDir));
  const logger = context.logger;
  return new DownloadCache(root, logger ? { persistence: gitHubCachePersistence({ env, logger }) } : {});
}

export function openRegistry(
  location: string,
  cwd = process.cwd(),
  context: RegistryContext = {},
): ModelRegistry {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1]?.toLowerCase();
  switch (scheme) {
    case undefined:
      return new FolderRegistry(path.resolve(cwd, location), context.logger);
    case 'file':
      return new FolderRegistry(new URL(location).pathname, context.logger);
    case 'oci':
      return new OciModelRegistry(location, {
        cache: downloadCache(context, cwd),
        ...(context.logger && { logger: context.logger }),
        ...(context.env && { env: context.env }),
        ...(context.mask && { mask: context.mask }),
        ...(context.insecure !== undefined && { insecure: context.insecure }),
      });
    case 'mlflow+https':
    case 'mlflow+http':
      return openMlflowRegistry(location, remoteOptions(context, cwd));
    case 'hf':
      return openHuggingFaceRegistry(location, remoteOptions(context, cwd));
    default:
      throw new RegistryError(
        'usage',
        'unsupported-registry',
        `registry scheme "${scheme}://" is not supported yet`,
        'use a registry folder path (or file://PATH), oci://HOST/REPO, mlflow+https://HOST or hf://ORG',
      );
  }
}

function remoteOptions(context: RegistryContext, cwd: string): RemoteRegistryOptions {
  return {
    env: context.env ?? process.env,
    logger: context.logger ?? silentLogger,
    cache: downloadCache(context, cwd),
    ...(context.mask && { mask: context.mask }),
  };
}
