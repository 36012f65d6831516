/**
 * The serving base image a pool names for a model: `scratch`, an OCI layout folder, or a registry
 * reference. Pure.
 */
import { formatImageLocation, parseImageLocation, type ImageLocation } from '../oci/image-location.js';
import type { Pool } from './catalog-schema.js';
import type { Labels } from './selector.js';

/** The base image a pool names for a model: the text as written and where it lives. */
export type BaseImageChoice = { readonly ref: string } & ImageLocation;

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
  | { readonly found: true; readonly key: string; readonly base: BaseImageChoice }
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
