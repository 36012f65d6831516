/**
 * The one entry point for the signature half of OMS verification: bundle bytes and a policy in,
 * the signed manifest (and who signed it) out, or a SigningError. Pure: no file, network or clock
 * access beyond the optional `now`, so callers do the I/O and tests run on fixtures.
 */
import { parseBundle } from './bundle.js';
import { parseSigningPolicy, type SigningPolicy } from './policy.js';
import { parseStatement, PREDICATE_TYPE_V01, type ModelManifest } from './statement.js';
import { verifyWithCertificate } from './verify-certificate.js';
import { verifyWithKey } from './verify-key.js';
import { verifyKeyless } from './verify-keyless.js';

export interface SignatureCheck {
  method: SigningPolicy['method'];
  /** SAN identity (keyless), key fingerprint `sha256:...` (key), or leaf subject (certificate). */
  signer: string;
  /** OIDC issuer (keyless) or the subject of the trust anchor the chain ended at (certificate). */
  issuer?: string;
  /** ISO time proven by the transparency log or a timestamp authority (keyless only). */
  signedAt?: string;
  manifest: ModelManifest;
}

export interface VerifyOptions {
  /** When certificates must be valid for the certificate method, which has no trusted time. Default: now. */
  now?: Date;
}

export async function verifySignature(
  bundleBytes: Uint8Array,
  policy: SigningPolicy,
  options: VerifyOptions = {},
): Promise<SignatureCheck> {
  const checked = parseSigningPolicy(policy);
  const bundle = parseBundle(bundleBytes);
  // Read before verifying so a bundle that is not a model signature at all is named as such instead
  // of as a wrong signer; nothing from it is returned unless the signature holds.
  const manifest = parseStatement(bundle.envelope.payload);
  // Only model_signing v0.2.x wrote v0.1 statements, and only that release had the PAE bug.
  const v020Compat = manifest.predicateType === PREDICATE_TYPE_V01;

  switch (checked.method) {
    case 'keyless':
      return {
        method: 'keyless',
        ...verifyKeyless(bundle, checked.identities, checked.trustedRoot),
        manifest,
      };
    case 'key':
      return { method: 'key', ...verifyWithKey(bundle, checked.publicKeys, v020Compat), manifest };
    case 'certificate':
      return {
        method: 'certificate',
        ...(await verifyWithCertificate(bundle, checked.anchors, options.now ?? new Date(), v020Compat)),
        manifest,
      };
    default: {
      const unreachable: never = checked;
      throw new Error(`unknown signing method ${JSON.stringify(unreachable)}`);
    }
  }
}
