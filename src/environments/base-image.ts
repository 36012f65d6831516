/**
 * The serving base image a pool names for a model: `scratch`, an OCI layout folder, or a registry
 * reference. Pure.
 */
import type { Pool } from './catalog-schema.js';
import type { Labels } from './selector.js';

export type BaseImage =
  /** No base: the image holds only the model (a modelcar). */
  | { readonly kind: 'scratch'; readonly ref: string }
  /** An OCI image layout folder; `path` as in the catalog (absolute once loaded), `tag` its ref name. */
  | { readonly kind: 'oci-layout'; readonly ref: string; readonly path: string; readonly tag?: string }
  /** A registry reference such as `nvcr.io/nvidia/tritonserver:24.05-py3`. */
  | { readonly kind: 'registry'; readonly ref: string };

const OCI_LAYOUT = 'oci-layout:';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * Splits `scratch`, `oci-layout:PATH[:TAG]` or a registry reference. What follows the last `:` of
 * a layout is its tag when it is a valid tag (so `oci-layout:/a:b/c` is a path), as in
 * image/base-reference.ts.
 */
export function parseBaseImage(ref: string): BaseImage {
  if (ref === 'scratch') return { kind: 'scratch', ref };
  if (!ref.startsWith(OCI_LAYOUT)) return { kind: 'registry', ref };
  const rest = ref.slice(OCI_LAYOUT.length);
  const colon = rest.lastIndexOf(':');
  const tag = colon > 0 ? rest.slice(colon + 1) : undefined;
  if (tag !== undefined && TAG.test(tag)) return { kind: 'oci-layout', ref, path: rest.slice(0, colon), tag };
  return { kind: 'oci-layout', ref, path: rest };
}

/** Writes an `oci-layout:` reference back, with its path changed (e.g. made absolute). */
export function withLayoutPath(ref: string, change: (path: string) => string): string {
  const base = parseBaseImage(ref);
  if (base.kind !== 'oci-layout') return ref;
  return `${OCI_LAYOUT}${change(base.path)}${base.tag === undefined ? '' : `:${base.tag}`}`;
}

export type BaseSelection =
  | { readonly found: true; readonly key: string; readonly base: BaseImage }
  | { readonly found: false; readonly reason: string };

/** The model label `runtime` picks `image.base[runtime]`; otherwise `image.base.default`. */
export function selectBaseImage(pool: Pool, labels: Labels): BaseSelection {
  const bases = pool.image.base;
  const runtime = Object.hasOwn(labels, 'runtime') ? labels.runtime : undefined;
  for (const key of runtime === undefined ? ['default'] : [runtime, 'default']) {
    const ref = Object.hasOwn(bases, key) ? bases[key] : undefined;
    if (ref !== undefined) return { found: true, key, base: parseBaseImage(ref) };
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
