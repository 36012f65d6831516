/**
 * Where a promotion attestation lives on a registry: a referrer of the image whose one layer is the
 * Sigstore bundle, annotated as cosign annotates its `--new-bundle-format` attestations
 * (cosign pkg/oci/remote/write.go, WriteAttestationNewBundleFormat), so cosign, Kyverno and the
 * policy-controller find it, and so does `verify-promotion`.
 */
import { MediaType } from '../oci/media-types.js';
import type { RegistryClient } from '../oci/remote/client.js';
import { listReferrers, SIGSTORE_BUNDLE_TYPE, type ReferrerArtifact } from '../oci/remote/referrers.js';
import { parseManifest } from '../oci/types.js';
import { AttestationError } from './attestation-error.js';
import { PROMOTION_PREDICATE_TYPE } from './promotion-statement.js';

export const BUNDLE_CONTENT_ANNOTATION = 'dev.sigstore.bundle.content';
export const BUNDLE_PREDICATE_TYPE_ANNOTATION = 'dev.sigstore.bundle.predicateType';
/** Unsigned, for finding only: verify-promotion trusts the signed statement's environment. */
export const ENVIRONMENT_ANNOTATION = 'dev.model-promote.environment';
export const PROMOTION_ID_ANNOTATION = 'dev.model-promote.promotion-id';

/** A bundle is a few KiB plus one line per model file; this bounds what a hostile registry can send. */
const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

/** The referrer artifact (pure); no timestamp annotation, so attaching it twice changes nothing. */
export function attestationArtifact(
  bundleJson: Uint8Array,
  about: { readonly environment: string; readonly promotionId: string },
): ReferrerArtifact {
  return {
    artifactType: SIGSTORE_BUNDLE_TYPE,
    mediaType: SIGSTORE_BUNDLE_TYPE,
    bytes: bundleJson,
    annotations: {
      [BUNDLE_CONTENT_ANNOTATION]: 'dsse-envelope',
      [BUNDLE_PREDICATE_TYPE_ANNOTATION]: PROMOTION_PREDICATE_TYPE,
      [ENVIRONMENT_ANNOTATION]: about.environment,
      [PROMOTION_ID_ANNOTATION]: about.promotionId,
    },
  };
}

export interface FoundAttestation {
  /** The referrer manifest's digest: how messages name it. */
  readonly digest: string;
  readonly bundle: Uint8Array;
}

/**
 * The image's Sigstore bundle referrers that say they hold a promotion attestation, or say nothing
 * at all (a registry may drop annotations from its list). Annotated others, such as the model
 * signature's bundle, are left out: only the signed statement is trusted, so this only saves work
 * and keeps their failures out of the message. Throws `attestation-not-found` when there is none.
 */
export async function findPromotionAttestations(
  client: RegistryClient,
  repository: string,
  imageDigest: string,
): Promise<FoundAttestation[]> {
  const name = `${client.registry}/${repository}@${imageDigest}`;
  const referrers = (await listReferrers(client, repository, imageDigest, SIGSTORE_BUNDLE_TYPE)).filter(
    (d) =>
      d.annotations === undefined ||
      Object.keys(d.annotations).length === 0 ||
      d.annotations[BUNDLE_PREDICATE_TYPE_ANNOTATION] === PROMOTION_PREDICATE_TYPE,
  );
  if (referrers.length === 0) {
    throw new AttestationError(
      'attestation-not-found',
      `${name} has no promotion attestation (no ${SIGSTORE_BUNDLE_TYPE} referrer with predicate type ${PROMOTION_PREDICATE_TYPE})`,
      'promote the image with attest: true, or check the image reference (the attestation is on the digest the promotion pushed)',
    );
  }
  const found: FoundAttestation[] = [];
  for (const referrer of referrers) {
    const fetched = await client.getManifest(repository, referrer.digest);
    const manifest = parseManifest(fetched.bytes, `referrer ${referrer.digest} of ${name}`);
    const layer = manifest.layers[0];
    if (
      fetched.mediaType !== MediaType.ImageManifest ||
      manifest.layers.length !== 1 ||
      !layer?.mediaType.startsWith('application/vnd.dev.sigstore.bundle')
    ) {
      continue;
    }
    if (layer.size > MAX_BUNDLE_BYTES) {
      throw new AttestationError(
        'attestation-malformed',
        `attestation ${referrer.digest} of ${name} is ${layer.size} bytes, more than a promotion attestation can be (${MAX_BUNDLE_BYTES})`,
        'it is not a model-promote attestation: remove it from the image',
      );
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    // openBlob checks the bytes against the digest at the end.
    for await (const chunk of client.openBlob(repository, layer.digest)) {
      size += chunk.byteLength;
      if (size > MAX_BUNDLE_BYTES) break;
      chunks.push(chunk);
    }
    found.push({ digest: referrer.digest, bundle: Buffer.concat(chunks) });
  }
  return found;
}
