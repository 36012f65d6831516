/**
 * Where an image lives, as the catalog writes it (pure): `scratch` (no image), `oci-layout:PATH[:TAG]`
 * (a layout folder), or a registry reference. Shared by the catalog (which checks and rewrites
 * layout paths) and the image builder (which reads the image).
 */
import { OciError } from './oci-error.js';

export type ImageLocation =
  | { readonly kind: 'scratch' }
  | { readonly kind: 'oci-layout'; readonly path: string; readonly tag?: string }
  | { readonly kind: 'registry'; readonly reference: string };

const LAYOUT_PREFIX = 'oci-layout:';
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
/** The distribution reference grammar, enough to tell a registry image from a typo. */
const REGISTRY_SOURCE = `(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?${COMPONENT}(?:/${COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(?:@sha256:[a-f0-9]{64})?`;
const REGISTRY_REFERENCE = new RegExp(`^${REGISTRY_SOURCE}$`);
/** Every location as one pattern, for the catalog's JSON Schema (editors); parseImageLocation is stricter. */
export const IMAGE_LOCATION_PATTERN = new RegExp(`^(?:scratch|oci-layout:.+|${REGISTRY_SOURCE})$`);
const HINT =
  'write `scratch`, `oci-layout:PATH[:TAG]` (a folder written by umoci, skopeo or model-promote) or a registry reference';

function invalid(text: string, problem: string, hint = HINT): OciError {
  return new OciError('usage', 'location-invalid', `base image ${JSON.stringify(text)} ${problem}`, hint);
}

export function parseImageLocation(text: string): ImageLocation {
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

/** Writes a location back; `parseImageLocation(formatImageLocation(l))` gives `l` again. */
export function formatImageLocation(location: ImageLocation): string {
  switch (location.kind) {
    case 'scratch':
      return 'scratch';
    case 'oci-layout':
      return `${LAYOUT_PREFIX}${location.path}${location.tag === undefined ? '' : `:${location.tag}`}`;
    case 'registry':
      return location.reference;
  }
}
