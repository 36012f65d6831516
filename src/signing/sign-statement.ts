/**
 * Signs an in-toto statement the way model_signing's key and certificate methods do, so what we
 * write verifies with upstream's tool and ours alike.
 */
import { createPrivateKey, createPublicKey, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { IN_TOTO_PAYLOAD_TYPE, pae } from './bundle.js';
import { SigningError } from './signing-error.js';
import { checkLeafUsage, checkValidity, distinguishedName } from './verify-certificate.js';
import { ecdsaHashFor, publicKeyHint } from './verify-key.js';

export const BUNDLE_MEDIA_TYPE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/** The certificate method: the private key's certificate, and the certificates that issued it. */
export interface SigningCertificates {
  /** PEM: the certificate of the private key (the leaf). */
  readonly leaf: string;
  /** PEM texts, each holding one or more certificates: the leaf's issuer first, up towards the root. */
  readonly chain: readonly string[];
}

/**
 * Checks the key (and certificates) now, before the model is hashed, and returns what signs the
 * statement: the bundle as a JSON-ready object, fields in the order model_signing writes them.
 * With `certificates`, the bundle carries the chain (leaf first) instead of a public key hint.
 */
export function createStatementSigner(
  privateKeyPem: string,
  certificates?: SigningCertificates,
  now = new Date(),
): (statementJson: Uint8Array) => object {
  const privateKey = readPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  const hash = ecdsaHashFor(publicKey, 'signing the model statement');
  const verificationMaterial = certificates
    ? {
        x509CertificateChain: { certificates: certificateChain(certificates, privateKey, now) },
        tlogEntries: [],
      }
    : { publicKey: { hint: publicKeyHint(publicKey) }, tlogEntries: [] };
  return (statementJson) => {
    const payload = Buffer.from(statementJson);
    // DER-encoded ECDSA signature (node's default), as Python's cryptography produces.
    const signature = sign(hash, pae(IN_TOTO_PAYLOAD_TYPE, payload), privateKey);
    return {
      mediaType: BUNDLE_MEDIA_TYPE_V03,
      verificationMaterial,
      dsseEnvelope: {
        payload: payload.toString('base64'),
        payloadType: IN_TOTO_PAYLOAD_TYPE,
        signatures: [{ sig: signature.toString('base64'), keyid: '' }],
      },
    };
  };
}

/** Signs one statement with the key method. */
export function signStatement(statementJson: Uint8Array, privateKeyPem: string): object {
  return createStatementSigner(privateKeyPem)(statementJson);
}

/**
 * The chain as the bundle holds it, after the checks a verifier would make of the leaf: a signature
 * every verifier refuses is better refused here, before it is published.
 */
function certificateChain(
  certificates: SigningCertificates,
  privateKey: KeyObject,
  now: Date,
): { rawBytes: string }[] {
  const [leaf, ...extra] = readCertificates(certificates.leaf, 'the signing certificate');
  if (leaf === undefined || extra.length > 0) {
    throw invalidCertificate(
      `the signing certificate file holds ${extra.length + (leaf ? 1 : 0)} certificates, not one`,
      'give the certificate of the private key alone as --signing-certificate, and its issuers as --certificate-chain',
    );
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw invalidCertificate(
      `the private key is not the key of signing certificate ${distinguishedName(leaf.subject)}`,
      'give the private key that the signing certificate was issued for',
    );
  }
  try {
    checkLeafUsage(leaf);
    checkValidity(leaf, now);
  } catch (error) {
    if (!(error instanceof SigningError)) throw error;
    const message = error.message.replace(/^verifying (signing )?certificate/, 'signing with certificate');
    throw new SigningError(
      'invalid-signing-certificate',
      message,
      error.hint ?? 'fix the signing certificate',
      {
        cause: error,
      },
    );
  }
  const chain = certificates.chain.flatMap((pem, i) =>
    readCertificates(pem, `certificate chain file ${i + 1}`),
  );
  return [leaf, ...chain].map((certificate) => ({ rawBytes: certificate.raw.toString('base64') }));
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function readCertificates(pem: string, what: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0)
    throw invalidCertificate(`${what} holds no PEM certificate`, 'give PEM certificates (BEGIN CERTIFICATE)');
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (cause) {
      throw invalidCertificate(
        `${what}: certificate ${i + 1} cannot be read`,
        'give PEM certificates',
        cause,
      );
    }
  });
}

function invalidCertificate(message: string, hint: string, cause?: unknown): SigningError {
  return new SigningError('invalid-signing-certificate', `signing the model statement: ${message}`, hint, {
    cause,
  });
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
