/** Chooses the registry implementation from what the user wrote in `--registry`. */
import path from 'node:path';
import { FolderRegistry } from './folder-registry.js';
import type { ModelRegistry } from './model-version.js';
import { RegistryError } from './registry-error.js';

export function openRegistry(location: string, cwd = process.cwd()): ModelRegistry {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1]?.toLowerCase();
  if (scheme === undefined) return new FolderRegistry(path.resolve(cwd, location));
  if (scheme === 'file') return new FolderRegistry(new URL(location).pathname);
  throw new RegistryError(
    'usage',
    'unsupported-registry',
    `registry scheme "${scheme}://" is not supported yet`,
    'use a registry folder path (or file://PATH)',
  );
}
