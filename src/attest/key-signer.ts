/**
 * The key signer, for installations with no OIDC provider or no way out to Sigstore: the bundle
 * names the key by `verificationMaterial.publicKey.hint` and carries no certificate, no
 * transparency-log entry and no timestamp, which is what `cosign verify-attestation --key
 * --new-bundle-format` reads (offline, with `--insecure-ignore-tlog`). The signature is the one
 * the OMS key method makes (src/signing/sign-statement.ts): ECDSA over the DSSE PAE, hashed with
 * the curve's own size.
 */
import type { SerializedBundle } from '@sigstore/bundle';
import { UsageError } from '../errors.js';
import { createStatementSigner } from '../signing/sign-statement.js';
import { SigningError } from '../signing/signing-error.js';
import type { AttestationSigner } from './signer.js';

/**
 * Checks the key now, before anything is built, so a bad key stops the promotion before it pushes.
 * The errors name the input and the problem, never the key's text.
 */
export function createKeySigner(privateKeyPem: string): AttestationSigner {
  let sign: (statementJson: Uint8Array) => object;
  try {
    sign = createStatementSigner(privateKeyPem);
  } catch (error) {
    if (!(error instanceof SigningError)) throw error;
    throw new UsageError(
      error.code === 'unsupported-key'
        ? 'attest-key is not an ECDSA key on P-256, P-384 or P-521'
        : 'attest-key is not a PEM private key (or it is encrypted)',
      'give an unencrypted PEM ECDSA private key, e.g. from `cosign generate-key-pair` decrypted, or `openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt`',
    );
  }
  return (statementJson) => Promise.resolve(sign(statementJson) as SerializedBundle);
}
