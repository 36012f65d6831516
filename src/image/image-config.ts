/**
 * The model image's config and manifest annotations, from the base config, the pool and the model
 * (pure). Times come from SOURCE_DATE_EPOCH only, so the same inputs give the same bytes.
 */
import type { Pool } from '../environments/catalog-schema.js';
import { Annotation } from '../oci/media-types.js';
import type { HistoryEntry, ImageConfig } from '../oci/types.js';

export interface ModelIdentity {
  readonly name: string;
  readonly version: string;
  /** The signature subject digest, `sha256:...`. */
  readonly digest: string;
}

/** What the build changes in the base config; also what `--dry-run` shows. */
export interface ConfigChanges {
  readonly created: string;
  /** Set in this order over the base Env (later wins): driver versions, pool env, model facts. */
  readonly env: readonly (readonly [string, string])[];
  /** Merged over the base labels (these win). */
  readonly labels: Readonly<Record<string, string>>;
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  /** On the manifest. */
  readonly annotations: Readonly<Record<string, string>>;
}

export interface ConfigChangesInput {
  readonly pool: Pool;
  readonly model: ModelIdentity;
  readonly modelPath: string;
  /** Where the model's signature is in the image, when it carries one. */
  readonly signaturePath?: string;
  readonly base: { readonly name?: string; readonly digest?: string };
  readonly sourceDateEpoch: number;
  /** Source repository URL, for `org.opencontainers.image.source`. */
  readonly source?: string;
}

export const LABEL_PREFIX = 'dev.model-promote';

/** RFC 3339 in UTC, without milliseconds: 0 -> 1970-01-01T00:00:00Z. */
export function createdAt(sourceDateEpoch: number): string {
  return new Date(sourceDateEpoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `cuda` -> CUDA_VERSION, `version` -> DRIVER_VERSION, `tensorrtVersion` -> TENSORRT_VERSION. */
export function driverEnvName(key: string): string {
  if (key === 'version') return 'DRIVER_VERSION';
  const snake = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase()
    .replace(/^_+|_+$/g, '');
  return snake.endsWith('_VERSION') || snake === 'VERSION' ? snake : `${snake}_VERSION`;
}

function sortedEntries(record: Readonly<Record<string, string | undefined>> | undefined): [string, string][] {
  return Object.entries(record ?? {})
    .filter((e): e is [string, string] => e[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function configChanges(input: ConfigChangesInput): ConfigChanges {
  const { pool, model } = input;
  const created = createdAt(input.sourceDateEpoch);
  const driver = sortedEntries(pool.driver);
  const env: [string, string][] = [
    ...driver.map(([key, value]): [string, string] => [driverEnvName(key), value]),
    ...sortedEntries(pool.image.env),
    ['MODEL_PATH', input.modelPath],
    ...(input.signaturePath ? [['MODEL_SIGNATURE_PATH', input.signaturePath] as [string, string]] : []),
    ['MODEL_NAME', model.name],
    ['MODEL_VERSION', model.version],
  ];
  const accelerator = pool.accelerator
    ? [pool.accelerator.vendor, pool.accelerator.product].filter(Boolean).join('/')
    : undefined;
  const oci: Record<string, string> = {
    [Annotation.Created]: created,
    [Annotation.Title]: model.name,
    [Annotation.Version]: model.version,
    ...(input.source ? { [Annotation.Source]: input.source } : {}),
    ...(input.base.name ? { [Annotation.BaseName]: input.base.name } : {}),
    ...(input.base.digest ? { [Annotation.BaseDigest]: input.base.digest } : {}),
  };
  const labels: Record<string, string> = {
    ...pool.image.labels,
    ...oci,
    [`${LABEL_PREFIX}.model.name`]: model.name,
    [`${LABEL_PREFIX}.model.version`]: model.version,
    [`${LABEL_PREFIX}.model.digest`]: model.digest,
    ...(input.signaturePath ? { [`${LABEL_PREFIX}.model.signature`]: input.signaturePath } : {}),
    [`${LABEL_PREFIX}.pool`]: pool.name,
    ...(accelerator ? { [`${LABEL_PREFIX}.accelerator`]: accelerator } : {}),
    ...Object.fromEntries(driver.map(([key, value]) => [`${LABEL_PREFIX}.driver.${key}`, value])),
  };
  return {
    created,
    env,
    labels,
    ...(pool.image.entrypoint ? { entrypoint: pool.image.entrypoint } : {}),
    ...(pool.image.cmd ? { cmd: pool.image.cmd } : {}),
    annotations: oci,
  };
}

/** `KEY=VALUE` list with each key set once: replaced in place when present, appended when new. */
export function mergeEnv(base: readonly string[], changes: readonly (readonly [string, string])[]): string[] {
  const merged = [...base];
  for (const [key, value] of changes) {
    const at = merged.findIndex((line) => line === key || line.startsWith(`${key}=`));
    if (at >= 0) merged[at] = `${key}=${value}`;
    else merged.push(`${key}=${value}`);
  }
  return merged;
}

export interface AddedLayer {
  readonly diffId: string;
  readonly createdBy: string;
}

/**
 * The new config (the base is not changed). An entrypoint without a cmd drops the base's Cmd, as
 * a Dockerfile ENTRYPOINT does; a cmd alone keeps the base's Entrypoint.
 */
export function applyConfigChanges(
  base: ImageConfig,
  changes: ConfigChanges,
  layers: readonly AddedLayer[],
): ImageConfig {
  const runtime = base.config ?? {};
  const history: HistoryEntry[] = [
    ...(base.history ?? []),
    ...layers.map((layer) => ({ created: changes.created, created_by: layer.createdBy })),
  ];
  const { Cmd: baseCmd, Entrypoint: baseEntrypoint, ...rest } = runtime;
  const entrypoint = changes.entrypoint ?? baseEntrypoint;
  const cmd = changes.cmd ?? (changes.entrypoint ? undefined : baseCmd);
  return {
    ...base,
    created: changes.created,
    config: {
      ...rest,
      Env: mergeEnv(runtime.Env ?? [], changes.env),
      Labels: { ...(runtime.Labels ?? {}), ...changes.labels },
      ...(entrypoint ? { Entrypoint: entrypoint } : {}),
      ...(cmd ? { Cmd: cmd } : {}),
    },
    rootfs: { type: 'layers', diff_ids: [...base.rootfs.diff_ids, ...layers.map((l) => l.diffId)] },
    history,
  };
}
