/**
 * `verify-promotion`: finds the image's promotion attestations among its referrers and accepts the
 * image when one of them verifies (signature, predicate type, subject = this image's digest,
 * environment), and with `layers` when the image's model files are the signed model's.
 */
import type { RegistryClient } from '../oci/remote/client.js';
import { OciRegistryError } from '../oci/remote/remote-error.js';
import type { ImageReference } from '../oci/remote/reference.js';
import { isManifestMediaType } from '../oci/media-types.js';
import { parseManifest } from '../oci/types.js';
import type { SigningPolicy } from '../signing/policy.js';
import { AttestationError, type AttestationCode } from './attestation-error.js';
import { findPromotionAttestations } from './attestation-referrer.js';
import { verifyPromotionAttestation, type VerifiedAttestation } from './verify-attestation.js';
import { compareModelFiles, hashModelLayers } from './verify-layers.js';

export interface PromotionVerification {
  readonly image: string;
  readonly attestation: string;
  readonly environment: string;
  readonly pool: string;
  readonly promotionId: string;
  readonly promotedAt: string;
  readonly model: { readonly name: string; readonly version: string; readonly digest: string };
  readonly signer: string;
  readonly issuer?: string;
  /** With `layers`: how many model files were re-hashed from the image and matched. */
  readonly layersChecked?: number;
}

export async function verifyPromotionImage(
  client: RegistryClient,
  reference: ImageReference,
  policy: Extract<SigningPolicy, { method: 'key' | 'keyless' }>,
  options: { readonly environment?: string; readonly layers?: boolean },
): Promise<PromotionVerification> {
  const { repository } = reference;
  const digest = reference.digest ?? (await resolveDigest(client, reference));
  const image = `${client.registry}/${repository}@${digest}`;
  const candidates = await findPromotionAttestations(client, repository, digest);
  const failures: AttestationError[] = [];
  let accepted: { digest: string; verified: VerifiedAttestation } | undefined;
  for (const candidate of candidates) {
    try {
      const verified = verifyPromotionAttestation(candidate.bundle, candidate.digest, policy, {
        imageDigest: digest,
        ...(options.environment !== undefined && { environment: options.environment }),
      });
      accepted = { digest: candidate.digest, verified };
      break;
    } catch (error) {
      if (!(error instanceof AttestationError)) throw error;
      failures.push(error);
    }
  }
  if (!accepted) throw mostTelling(failures, image);
  const { statement, signer, issuer } = accepted.verified;
  let layersChecked: number | undefined;
  if (options.layers) {
    const fetched = await client.getManifest(repository, digest);
    if (!isManifestMediaType(fetched.mediaType)) {
      throw new AttestationError(
        'attestation-layer-mismatch',
        `--layers: ${image} is a ${fetched.mediaType}, not an image manifest`,
        'give the digest of the image the promotion pushed (its record names it)',
        { kind: 'usage' },
      );
    }
    const manifest = parseManifest(fetched.bytes, `image ${image}`);
    const found = await hashModelLayers(manifest, statement, {
      open: (layer) => client.openBlob(repository, layer),
    });
    layersChecked = compareModelFiles(statement, found);
  }
  const { predicate } = statement;
  return {
    image,
    attestation: accepted.digest,
    environment: predicate.environment.name,
    pool: predicate.environment.pool,
    promotionId: predicate.promotionId,
    promotedAt: predicate.promotedAt,
    model: { name: predicate.model.name, version: predicate.model.version, digest: predicate.model.digest },
    signer,
    ...(issuer && { issuer }),
    ...(layersChecked !== undefined && { layersChecked }),
  };
}

async function resolveDigest(client: RegistryClient, reference: ImageReference): Promise<string> {
  const tag = reference.tag ?? 'latest';
  const head = await client.headManifest(reference.repository, tag);
  if (head) return head.digest;
  throw new OciRegistryError(
    'usage',
    'manifest-unknown',
    `${client.registry}/${reference.repository}:${tag} is not in the registry`,
    'give the image by digest (HOST/REPO@sha256:...), as the promotion record names it',
  );
}

/**
 * With several attestations (one per environment the image was promoted to), none of which passed:
 * the one that got furthest says most (an attestation for staging, when production was asked, says
 * more than the model signature's bundle that is no attestation at all).
 */
const DEPTH: Record<AttestationCode, number> = {
  'attestation-not-found': 0,
  'attestation-malformed': 1,
  'attestation-wrong-predicate-type': 1,
  'attestation-untrusted-signer': 2,
  'attestation-bad-signature': 3,
  'attestation-wrong-subject': 4,
  'attestation-wrong-environment': 5,
  'attestation-layer-mismatch': 6,
};

function mostTelling(failures: readonly AttestationError[], image: string): AttestationError {
  const best = [...failures].sort((a, b) => DEPTH[b.code] - DEPTH[a.code])[0];
  if (best === undefined) {
    return new AttestationError(
      'attestation-not-found',
      `${image} has no readable promotion attestation`,
      'promote the image with attest: true',
    );
  }
  if (failures.length === 1) return best;
  return new AttestationError(
    best.code,
    `${best.message} (and ${failures.length - 1} other attestation(s) of ${image} fail too)`,
    best.hint ?? '',
    { cause: best },
  );
}
