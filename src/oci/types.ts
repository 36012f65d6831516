/** The OCI image-spec documents this project reads and writes, checked on the way in with zod. */
import { z } from 'zod';
import { isDigest } from './digest.js';
import { OciError } from './oci-error.js';

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
}

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly platform?: Platform;
  readonly urls?: readonly string[];
  readonly artifactType?: string;
}

export interface ImageManifest {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ImageIndex {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly manifests: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface HistoryEntry {
  readonly created?: string;
  readonly created_by?: string;
  readonly author?: string;
  readonly comment?: string;
  readonly empty_layer?: boolean;
}

/** The runtime part of an image config (`config` member); keys are the spec's. */
export interface ContainerConfig {
  readonly User?: string;
  readonly ExposedPorts?: Readonly<Record<string, object>>;
  readonly Env?: readonly string[];
  readonly Entrypoint?: readonly string[] | null;
  readonly Cmd?: readonly string[] | null;
  readonly Volumes?: Readonly<Record<string, object>>;
  readonly WorkingDir?: string;
  readonly Labels?: Readonly<Record<string, string>>;
  readonly StopSignal?: string;
  readonly [other: string]: unknown;
}

export interface ImageConfig {
  readonly created?: string;
  readonly author?: string;
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
  readonly config?: ContainerConfig;
  readonly rootfs: { readonly type: 'layers'; readonly diff_ids: readonly string[] };
  readonly history?: readonly HistoryEntry[];
  readonly [other: string]: unknown;
}

/** The `oci-layout` file at the root of an image layout. */
export interface LayoutFile {
  readonly imageLayoutVersion: string;
}

const stringMap = z.record(z.string(), z.string());

const platformSchema = z.looseObject({
  os: z.string(),
  architecture: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
  'os.features': z.array(z.string()).optional(),
});

const descriptorSchema = z.looseObject({
  mediaType: z.string(),
  digest: z.string().refine(isDigest, { error: 'is not sha256:<64 hex>' }),
  size: z.int().nonnegative(),
  annotations: stringMap.optional(),
  platform: platformSchema.optional(),
  urls: z.array(z.string()).optional(),
  artifactType: z.string().optional(),
});

const manifestSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  annotations: stringMap.optional(),
});

const indexSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(descriptorSchema),
  annotations: stringMap.optional(),
});

// Only what this project reads from a base image is checked; the rest is carried through as it is.
const imageConfigSchema = z.looseObject({
  os: z.string(),
  architecture: z.string(),
  rootfs: z.looseObject({ type: z.literal('layers'), diff_ids: z.array(z.string()) }),
});

function parse<T>(schema: z.ZodType<T>, bytes: Uint8Array, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw invalid(what, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw invalid(what, `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
}

function invalid(what: string, problem: string): OciError {
  return new OciError('failed', 'manifest-invalid', `${what} is not valid: ${problem}`);
}

export function parseManifest(bytes: Uint8Array, what: string): ImageManifest {
  return parse(manifestSchema, bytes, what);
}

export function parseIndex(bytes: Uint8Array, what: string): ImageIndex {
  return parse(indexSchema, bytes, what);
}

export function parseImageConfig(bytes: Uint8Array, what: string): ImageConfig {
  return parse(imageConfigSchema, bytes, what);
}
