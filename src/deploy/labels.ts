/**
 * Names, labels and annotations of rendered objects. Label values are made valid
 * deterministically; annotations keep the full values, so nothing is lost.
 */
import { createHash } from 'node:crypto';
import type { RenderInput } from './render-input.js';

export const PREFIX = 'model-promote.dev';
export const MANAGED_BY = 'model-promote';

/** A DNS-1035 label: what Service and InferenceService names must be (and enough for all others). */
export const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const MAX = 63;

/** First `length` hex characters of the SHA-256 of `text`. */
export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * A DNS-1035 name for `model` in `environment`: `sentiment-production` when that is valid as it is;
 * otherwise lower-cased, other characters turned into `-`, and a hash of the original appended so
 * that `my_model` and `my.model` never share a name. Cut to `max` characters (hash kept).
 */
export function resourceName(model: string, environment: string, max = MAX): string {
  const raw = `${model}-${environment}`;
  if (raw.length <= max && DNS_LABEL.test(raw)) return raw;
  const hash = shortHash(raw);
  let base = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z]+/, '');
  base = base.slice(0, max - hash.length - 1).replace(/-+$/, '');
  return base ? `${base}-${hash}` : `m-${hash}`;
}

/**
 * A valid label value for `value`: kept when already valid; a digest `sha256:<hex>` becomes
 * `sha256-<hex>` cut to 63 characters (still a prefix of the digest); anything else has invalid
 * characters turned into `-`, its ends trimmed and a hash of the original appended.
 */
export function labelValue(value: string): string {
  if (value.length <= MAX && LABEL_VALUE.test(value)) return value;
  const digest = /^([a-z0-9]+):([a-f0-9]+)$/.exec(value);
  if (digest) return `${digest[1]}-${digest[2]}`.slice(0, MAX);
  const hash = shortHash(value);
  const base = value
    .replace(/[^-A-Za-z0-9_.]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, MAX - hash.length - 1)
    .replace(/[^A-Za-z0-9]+$/, '');
  return base ? `${base}-${hash}` : hash;
}

/** Labels, annotations and selector shared by every object of one promotion. */
export interface PromotionMetadata {
  readonly name: string;
  /** Stable across versions: the Deployment selector is immutable. */
  readonly selector: Record<string, string>;
  /** On every top-level object. */
  readonly labels: Record<string, string>;
  /** On the pod template: no promotion id, so re-promoting the same model rolls nothing. */
  readonly podLabels: Record<string, string>;
  /** Full values, on every top-level object. */
  readonly annotations: Record<string, string>;
  /** Full values of what the pods run: a new model or image digest changes the pod template. */
  readonly podAnnotations: Record<string, string>;
}

export function promotionMetadata(input: RenderInput, name: string): PromotionMetadata {
  const { model, image, pool } = input;
  const selector = {
    'app.kubernetes.io/name': labelValue(model.name),
    'app.kubernetes.io/instance': name,
  };
  const podLabels = {
    ...selector,
    'app.kubernetes.io/version': labelValue(model.version),
    'app.kubernetes.io/component': 'model-server',
    'app.kubernetes.io/managed-by': MANAGED_BY,
    [`${PREFIX}/model`]: labelValue(model.name),
    [`${PREFIX}/version`]: labelValue(model.version),
    [`${PREFIX}/model-digest`]: labelValue(model.digest),
    [`${PREFIX}/environment`]: labelValue(input.environment),
    [`${PREFIX}/pool`]: labelValue(pool.name),
  };
  const podAnnotations = {
    [`${PREFIX}/model`]: model.name,
    [`${PREFIX}/version`]: model.version,
    [`${PREFIX}/model-digest`]: model.digest,
    [`${PREFIX}/image`]: image.reference,
    [`${PREFIX}/image-digest`]: image.digest,
  };
  const optional: Record<string, string | undefined> = {
    [`${PREFIX}/requested`]: model.requested,
    [`${PREFIX}/signer-method`]: input.signer?.method,
    [`${PREFIX}/signer-identity`]: input.signer?.identity,
    [`${PREFIX}/signer-issuer`]: input.signer?.issuer,
    [`${PREFIX}/source-run`]: input.sourceRunUrl,
    [`${PREFIX}/previous-version`]: input.previousVersion,
  };
  const annotations: Record<string, string> = {
    ...podAnnotations,
    [`${PREFIX}/promotion-id`]: input.promotionId,
    [`${PREFIX}/environment`]: input.environment,
    [`${PREFIX}/pool`]: pool.name,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) annotations[key] = value;
  return {
    name,
    selector,
    podLabels,
    labels: { ...podLabels, [`${PREFIX}/promotion-id`]: labelValue(input.promotionId) },
    annotations,
    podAnnotations,
  };
}
