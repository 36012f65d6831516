/**
 * The user's own manifests (`manifests:` input: files or globs, one per line), applied after the
 * model is verified, with these placeholders substituted in the text before parsing:
 *
 *   ${IMAGE}          the image by digest (REPO@sha256:...)
 *   ${IMAGE_DIGEST}   sha256:... of the image manifest
 *   ${MODEL_NAME}     the model name
 *   ${MODEL_VERSION}  the version promoted
 *   ${MODEL_DIGEST}   sha256:... of the signed model
 *   ${NAMESPACE}      the pool's namespace
 *
 * Other `${...}` text is left as it is. Objects without a namespace get the pool's (cluster-scoped
 * kinds excepted), and each object is annotated with the promotion id, model and version.
 */
import { glob, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { DeployError } from './cluster-error.js';
import { PREFIX } from './labels.js';

export interface PlaceholderValues {
  readonly IMAGE: string;
  readonly IMAGE_DIGEST: string;
  readonly MODEL_NAME: string;
  readonly MODEL_VERSION: string;
  readonly MODEL_DIGEST: string;
  readonly NAMESPACE: string;
}

export const PLACEHOLDERS = [
  'IMAGE',
  'IMAGE_DIGEST',
  'MODEL_NAME',
  'MODEL_VERSION',
  'MODEL_DIGEST',
  'NAMESPACE',
] as const;

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);

export function substitute(text: string, values: PlaceholderValues): string {
  return text.replace(/\$\{([A-Z_]+)\}/g, (whole, key: string) =>
    (PLACEHOLDERS as readonly string[]).includes(key) ? values[key as keyof PlaceholderValues] : whole,
  );
}

/** Parses one file's text (after substitution) into objects; `source` names it in errors. */
export function parseManifests(
  text: string,
  source: string,
  values: PlaceholderValues,
  promotion: { readonly promotionId: string },
): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (const [index, doc] of parseAllDocuments(substitute(text, values)).entries()) {
    if (doc.errors.length > 0) {
      throw new DeployError(
        'usage',
        'manifest-invalid',
        `${source}: document ${index + 1}: ${doc.errors[0]?.message ?? 'invalid YAML'}`,
      );
    }
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const items = (value as { kind?: string; items?: unknown[] }).kind?.endsWith('List')
      ? ((value as { items?: unknown[] }).items ?? [])
      : [value];
    for (const item of items) {
      const o = item as KubernetesObject;
      if (!o || typeof o !== 'object' || !o.apiVersion || !o.kind || !o.metadata?.name) {
        throw new DeployError(
          'usage',
          'manifest-invalid',
          `${source}: document ${index + 1} is not a Kubernetes object (apiVersion, kind and metadata.name are required)`,
        );
      }
      if (!o.metadata.namespace && !CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = values.NAMESPACE;
      o.metadata.annotations = {
        ...o.metadata.annotations,
        [`${PREFIX}/promotion-id`]: promotion.promotionId,
        [`${PREFIX}/model`]: values.MODEL_NAME,
        [`${PREFIX}/version`]: values.MODEL_VERSION,
      };
      objects.push(o);
    }
  }
  return objects;
}

/** Expands the patterns (relative to `cwd`), in the order given, each file once. */
export async function manifestFiles(patterns: readonly string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const pattern of patterns.map((p) => p.trim()).filter(Boolean)) {
    const matched: string[] = [];
    for await (const file of glob(pattern, { cwd })) matched.push(path.resolve(cwd, file));
    const yaml = matched.filter((f) => /\.(ya?ml|json)$/i.test(f)).sort();
    if (yaml.length === 0) {
      throw new DeployError(
        'usage',
        'manifest-invalid',
        `manifests: ${pattern} matches no .yaml, .yml or .json file (from ${cwd})`,
        'give file paths or globs relative to the working directory',
      );
    }
    for (const file of yaml) if (!files.includes(file)) files.push(file);
  }
  return files;
}

export async function loadUserManifests(
  patterns: readonly string[],
  cwd: string,
  values: PlaceholderValues,
  promotion: { readonly promotionId: string },
): Promise<KubernetesObject[]> {
  const objects: KubernetesObject[] = [];
  for (const file of await manifestFiles(patterns, cwd)) {
    objects.push(
      ...parseManifests(await readFile(file, 'utf8'), path.relative(cwd, file) || file, values, promotion),
    );
  }
  return objects;
}
