/** The OCI image-spec documents this project reads and writes, with light structural checks. */
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

function invalid(what: string, problem: string): OciError {
  return new OciError('failed', 'manifest-invalid', `${what} is not valid: ${problem}`);
}

function parseObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw invalid(what, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalid(what, 'not a JSON object');
  return value as Record<string, unknown>;
}

export function checkDescriptor(value: unknown, what: string): Descriptor {
  const d = value as Partial<Descriptor> | null;
  if (d === null || typeof d !== 'object') throw invalid(what, 'descriptor is not an object');
  if (typeof d.mediaType !== 'string') throw invalid(what, 'descriptor has no mediaType');
  if (typeof d.digest !== 'string' || !isDigest(d.digest)) {
    throw invalid(what, `descriptor digest ${JSON.stringify(d.digest)} is not sha256:<64 hex>`);
  }
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw invalid(what, `descriptor ${d.digest} has no valid size`);
  }
  return d as Descriptor;
}

export function parseManifest(bytes: Uint8Array, what: string): ImageManifest {
  const m = parseObject(bytes, what);
  if (m.schemaVersion !== 2) throw invalid(what, 'schemaVersion is not 2');
  checkDescriptor(m.config, `${what} config`);
  if (!Array.isArray(m.layers)) throw invalid(what, 'layers is not an array');
  m.layers.forEach((layer, i) => checkDescriptor(layer, `${what} layer ${i}`));
  return m as unknown as ImageManifest;
}

export function parseIndex(bytes: Uint8Array, what: string): ImageIndex {
  const index = parseObject(bytes, what);
  if (index.schemaVersion !== 2) throw invalid(what, 'schemaVersion is not 2');
  if (!Array.isArray(index.manifests)) throw invalid(what, 'manifests is not an array');
  index.manifests.forEach((d, i) => checkDescriptor(d, `${what} manifests[${i}]`));
  return index as unknown as ImageIndex;
}

export function parseImageConfig(bytes: Uint8Array, what: string): ImageConfig {
  const config = parseObject(bytes, what);
  if (typeof config.os !== 'string' || typeof config.architecture !== 'string') {
    throw invalid(what, 'os and architecture are required');
  }
  const rootfs = config.rootfs as { type?: unknown; diff_ids?: unknown } | undefined;
  if (!rootfs || rootfs.type !== 'layers' || !Array.isArray(rootfs.diff_ids)) {
    throw invalid(what, 'rootfs must be {type: "layers", diff_ids: [...]}');
  }
  return config as unknown as ImageConfig;
}
