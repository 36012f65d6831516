/**
 * The policy a cluster checks the model against again, where it runs (pure): the one that admitted
 * it here, in the terms upstream's `model_signing verify` takes, as sigstore/model-validation-operator
 * passes them to the init container it injects. That command takes one identity and issuer (exact,
 * no regular expression), one public key file or one certificate file, and no trusted root of its
 * own for keyless. So the cluster gets the signer this promotion found: the certificate's identity
 * and issuer, the public key that verified, the trust anchor the chain ended at. Each is at least as
 * narrow as the policy, and this model meets it.
 */
import { createPublicKey, X509Certificate } from 'node:crypto';
import { PromotionError, UsageError } from '../errors.js';
import type { PolicyRequirement } from './policy-sources.js';
import { distinguishedName } from './verify-certificate.js';
import { keyFingerprint } from './verify-key.js';
import type { SignatureCheck } from './verify-signature.js';

export type InClusterPolicy =
  | { readonly method: 'keyless'; readonly identity: string; readonly issuer: string }
  | { readonly method: 'key'; /** PEM */ readonly publicKey: string }
  | {
      readonly method: 'certificate';
      /** PEM trust anchors, one after the other */ readonly anchors: string;
    };

export function inClusterPolicy(
  check: Pick<SignatureCheck, 'method' | 'signer' | 'issuer'>,
  requirements: readonly PolicyRequirement[],
): InClusterPolicy {
  // A bundle is signed one way, so in each requirement the alternative of that method admitted it.
  const admitting = requirements.flatMap((r) =>
    r.alternatives.filter((p) => p.method === check.method).map((policy) => ({ source: r.source, policy })),
  );
  switch (check.method) {
    case 'keyless': {
      for (const { source, policy } of admitting) {
        if (policy.method === 'keyless' && policy.trustedRoot !== undefined && !policy.publicGood) {
          throw new UsageError(
            `in-cluster model validation: the policy of ${source} trusts its own Sigstore instance, and the ` +
              "model-validation-operator's `model_signing verify sigstore` trusts only the public-good one",
            'turn modelValidation off on the pool, or sign with the public-good instance, a key or a certificate',
          );
        }
      }
      if (!check.issuer) throw unexpected('the keyless signature names no issuer');
      return { method: 'keyless', identity: check.signer, issuer: check.issuer };
    }
    case 'key': {
      const pems = admitting.flatMap(({ policy }) => (policy.method === 'key' ? policy.publicKeys : []));
      const publicKey = pems.find((pem) => keyFingerprint(createPublicKey(pem)) === check.signer);
      if (!publicKey) throw unexpected(`no public key of the policy has the fingerprint ${check.signer}`);
      return { method: 'key', publicKey: withNewline(publicKey) };
    }
    case 'certificate': {
      const pems = admitting.flatMap(({ policy }) => (policy.method === 'certificate' ? policy.anchors : []));
      const anchors = [
        ...new Set(
          pems
            .flatMap(splitCertificates)
            .filter((pem) => distinguishedName(new X509Certificate(pem).subject) === check.issuer),
        ),
      ];
      if (anchors.length === 0) throw unexpected(`no trust anchor of the policy is ${check.issuer ?? '?'}`);
      return { method: 'certificate', anchors: anchors.join('') };
    }
  }
}

/** A PEM file may hold several certificates; each one, ending with a newline. */
function splitCertificates(pem: string): string[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(withNewline);
}

function withNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

/** The signature held against these very requirements: not finding what admitted it is a bug. */
function unexpected(what: string): PromotionError {
  return new PromotionError('failed', 'in-cluster-policy', `in-cluster model validation: ${what}`);
}
