/**
 * The serving base image a pool names for a model: `scratch`, an OCI layout folder, or a registry
 * reference, alone or as one of several variants (one per CUDA or ROCm runtime). Pure.
 */
import { formatImageLocation, parseImageLocation, type ImageLocation } from '../oci/image-location.js';
import type { BaseVariant, Pool } from './catalog-schema.js';
import type { Labels } from './selector.js';

/** The base image a pool names for a model: the text as written and where it lives. */
export type BaseImageChoice = { readonly ref: string } & ImageLocation;

/** An `image.base` value as the catalog holds it. */
export type BaseEntry = Pool['image']['base'][string];

/** One variant of a base: where it lives, and the runtime the catalog declares for it, if any. */
export interface BaseImageVariant {
  readonly base: BaseImageChoice;
  readonly declared?: { readonly cuda?: string; readonly rocm?: string };
}

/** The variants of an entry, in catalog order. */
export function baseVariants(entry: BaseEntry): BaseImageVariant[] {
  const list: (string | BaseVariant)[] = Array.isArray(entry) ? entry : [entry];
  return list.map((item) => {
    if (typeof item === 'string') return { base: parseBaseImage(item) };
    const { ref, ...declared } = item;
    return { base: parseBaseImage(ref), ...(Object.keys(declared).length > 0 && { declared }) };
  });
}

/** The same entry with every reference changed (e.g. layout paths made absolute). */
export function mapBaseEntry(entry: BaseEntry, change: (ref: string) => string): BaseEntry {
  const one = (item: string | BaseVariant) =>
    typeof item === 'string' ? change(item) : { ...item, ref: change(item.ref) };
  return Array.isArray(entry) ? entry.map(one) : one(entry);
}

/** Reads a base as written in the catalog (`scratch`, `oci-layout:PATH[:TAG]`, a registry reference). */
export function parseBaseImage(ref: string): BaseImageChoice {
  return { ...parseImageLocation(ref), ref };
}

/** Writes an `oci-layout:` reference back, with its path changed (e.g. made absolute). */
export function withLayoutPath(ref: string, change: (path: string) => string): string {
  const location = parseImageLocation(ref);
  return location.kind === 'oci-layout'
    ? formatImageLocation({ ...location, path: change(location.path) })
    : ref;
}

export type BaseSelection =
  | { readonly found: true; readonly key: string; readonly variants: readonly BaseImageVariant[] }
  | { readonly found: false; readonly reason: string };

/** The model label `runtime` picks `image.base[runtime]`; otherwise `image.base.default`. */
export function selectBaseImage(pool: Pool, labels: Labels): BaseSelection {
  const bases = pool.image.base;
  const runtime = Object.hasOwn(labels, 'runtime') ? labels.runtime : undefined;
  for (const key of runtime === undefined ? ['default'] : [runtime, 'default']) {
    const entry = Object.hasOwn(bases, key) ? bases[key] : undefined;
    if (entry !== undefined) return { found: true, key, variants: baseVariants(entry) };
  }
  const has = Object.keys(bases).join(', ') || 'nothing';
  return {
    found: false,
    reason:
      runtime === undefined
        ? `model has no runtime label and image.base has no default (has ${has})`
        : `no base image for runtime ${runtime} and no default (image.base has ${has})`,
  };
}
