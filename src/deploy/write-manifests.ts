/**
 * Writes rendered manifests as YAML: one file per object, `NN-kind-name.yaml` in apply order, and
 * `all.yaml` holding them all. The bytes depend only on the objects (keys in rendered order).
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubernetesObject } from './render-input.js';

/** Files this module writes; earlier runs' files matching it are removed first. */
const WRITTEN = /^(\d{2}-[a-z0-9]+-[a-z0-9.-]+\.yaml|all\.yaml)$/;

export function manifestYaml(object: KubernetesObject): string {
  return stringify(object, { lineWidth: 0, sortMapEntries: false });
}

export function manifestFileName(index: number, object: KubernetesObject): string {
  return `${String(index + 1).padStart(2, '0')}-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
}

/** Returns the paths written, apply order first and `all.yaml` last. */
export async function writeManifests(dir: string, objects: readonly KubernetesObject[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  for (const entry of await readdir(dir)) if (WRITTEN.test(entry)) await rm(join(dir, entry));
  const paths: string[] = [];
  const documents: string[] = [];
  for (const [index, object] of objects.entries()) {
    const text = manifestYaml(object);
    const path = join(dir, manifestFileName(index, object));
    await writeFile(path, text);
    paths.push(path);
    documents.push(text);
  }
  const all = join(dir, 'all.yaml');
  await writeFile(all, documents.map((text) => `---\n${text}`).join(''));
  paths.push(all);
  return paths;
}
