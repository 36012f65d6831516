/**
 * Signs an in-toto statement the way model_signing's key method does, so what we write verifies
 * with upstream's tool and ours alike (used for tests and for re-signing promoted models).
 */
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { IN_TOTO_PAYLOAD_TYPE, pae } from './bundle.js';
import { SigningError } from './signing-error.js';
import { ecdsaHashFor, publicKeyHint } from './verify-key.js';

export const BUNDLE_MEDIA_TYPE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/** Returns the bundle as a JSON-ready object, fields in the order model_signing writes them. */
export function signStatement(statementJson: Uint8Array, privateKeyPem: string): object {
  const privateKey = readPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  const hash = ecdsaHashFor(publicKey, 'signing the model statement');
  const payload = Buffer.from(statementJson);
  // DER-encoded ECDSA signature (node's default), as Python's cryptography produces.
  const signature = sign(hash, pae(IN_TOTO_PAYLOAD_TYPE, payload), privateKey);
  return {
    mediaType: BUNDLE_MEDIA_TYPE_V03,
    verificationMaterial: { publicKey: { hint: publicKeyHint(publicKey) }, tlogEntries: [] },
    dsseEnvelope: {
      payload: payload.toString('base64'),
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      signatures: [{ sig: signature.toString('base64'), keyid: '' }],
    },
  };
}

function readPrivateKey(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (cause) {
    throw new SigningError(
      'invalid-private-key',
      'signing the model statement: the private key is not a PEM private key (or it is encrypted)',
      'give an unencrypted PEM EC private key on P-256, P-384 or P-521',
      { cause },
    );
  }
}
