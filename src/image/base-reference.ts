/** Parsing the base image a pool names (pure): `scratch`, `oci-layout:PATH[:TAG]`, or a registry reference. */
import type { Pool } from '../environments/catalog-schema.js';
import { ImageError } from './image-error.js';

export type BaseReference =
  | { readonly kind: 'scratch' }
  | { readonly kind: 'oci-layout'; readonly path: string; readonly tag?: string }
  | { readonly kind: 'registry'; readonly reference: string };

const LAYOUT_PREFIX = 'oci-layout:';
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
/** The distribution reference grammar, enough to tell a registry image from a typo. */
const REGISTRY_REFERENCE = new RegExp(
  `^(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?${COMPONENT}(?:/${COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);
const HINT =
  'write `scratch`, `oci-layout:PATH[:TAG]` (a folder written by umoci, skopeo or model-promote) or a registry reference';

function invalid(text: string, problem: string, hint = HINT): ImageError {
  return new ImageError(
    'usage',
    'base-reference-invalid',
    `base image ${JSON.stringify(text)} ${problem}`,
    hint,
  );
}

export function parseBaseReference(text: string): BaseReference {
  if (text === 'scratch') return { kind: 'scratch' };
  if (text.startsWith(LAYOUT_PREFIX)) {
    const rest = text.slice(LAYOUT_PREFIX.length);
    const colon = rest.lastIndexOf(':');
    const tag = colon >= 0 ? rest.slice(colon + 1) : undefined;
    if (tag !== undefined && TAG.test(tag)) {
      const path = rest.slice(0, colon);
      if (!path) throw invalid(text, 'has no layout path');
      return { kind: 'oci-layout', path, tag };
    }
    if (tag === '') throw invalid(text, 'has an empty tag', 'drop the trailing ":" or name the tag');
    if (!rest) throw invalid(text, 'has no layout path');
    return { kind: 'oci-layout', path: rest };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):(?!\d)/.exec(text)?.[1];
  if (scheme === 'oci' || scheme === 'docker' || text.includes('://')) {
    throw invalid(
      text,
      `uses the transport "${scheme ?? text.split('://')[0]}:", which model-promote does not read`,
      'for a local layout write oci-layout:PATH[:TAG]; for a registry image write the reference alone, e.g. ghcr.io/org/serving:1.2',
    );
  }
  if (REGISTRY_REFERENCE.test(text)) return { kind: 'registry', reference: text };
  throw invalid(text, 'is neither scratch, oci-layout:PATH[:TAG] nor a valid image reference');
}

/** The base a pool names for a model runtime: `image.base[runtime]`, else `image.base.default`. */
export function baseReferenceFor(pool: Pool, runtime?: string): string {
  const base = (runtime !== undefined ? pool.image.base[runtime] : undefined) ?? pool.image.base.default;
  if (base === undefined) {
    const known = Object.keys(pool.image.base);
    throw new ImageError(
      'usage',
      'base-not-configured',
      `pool ${pool.name} has no base image for runtime ${JSON.stringify(runtime ?? 'default')} (it has ${known.length ? known.join(', ') : 'none'})`,
      `add image.base.${runtime ?? 'default'} (or image.base.default) to pool ${pool.name} in the catalog`,
    );
  }
  return base;
}
