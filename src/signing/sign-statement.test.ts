import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStatementSigner, signStatement, type SigningCertificates } from './sign-statement.js';
import { SigningError } from './signing-error.js';
import { verifySignature } from './verify-signature.js';

const OMS = join(import.meta.dirname, '../../test/fixtures/oms/model-transparency');
const KEYS = join(OMS, 'keys/certificate');
const upstream = JSON.parse(readFileSync(join(OMS, 'v1.1.0-elliptic-key/model.sig'), 'utf8')) as {
  dsseEnvelope: { payload: string };
};
const statement = Buffer.from(upstream.dsseEnvelope.payload, 'base64');
const pem = (name: string) => readFileSync(join(KEYS, name), 'utf8');
const generated = (name: string) => readFileSync(join(OMS, '../generated', name), 'utf8');
const NOW = new Date('2026-06-01T00:00:00Z');

/** Replaces every string leaf by its type, to compare the shape of two bundles. */
const shape = (value: unknown): unknown =>
  typeof value === 'string'
    ? 'string'
    : Array.isArray(value)
      ? value.map(shape)
      : typeof value === 'object' && value !== null
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]))
        : value;

describe('signStatement', () => {
  it('writes the bundle model_signing v1.1.0 writes for the same key and statement', () => {
    const signed = signStatement(
      statement,
      readFileSync(join(KEYS, 'signing-key.pem'), 'utf8'),
    ) as typeof upstream & {
      verificationMaterial: unknown;
    };
    expect(shape(signed)).toEqual(shape(upstream));
    expect(Object.keys(signed)).toEqual(Object.keys(upstream));
    expect(signed.verificationMaterial).toEqual((upstream as unknown as typeof signed).verificationMaterial);
    expect(signed.dsseEnvelope.payload).toBe(upstream.dsseEnvelope.payload);
  });

  it.each(['P-256', 'P-521'])(
    'signs with a %s key that verifySignature then accepts, manifest included',
    async (namedCurve) => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
      const signed = signStatement(statement, privateKey.export({ type: 'sec1', format: 'pem' }) as string);
      const check = await verifySignature(Buffer.from(JSON.stringify(signed)), {
        method: 'key',
        publicKeys: [publicKey.export({ type: 'spki', format: 'pem' }) as string],
      });
      expect(check.manifest.resources.map((r) => r.name)).toEqual(['signme-1', 'signme-2']);
    },
  );

  it('refuses a private key that is not one, as a usage error', () => {
    let error: unknown;
    try {
      signStatement(statement, 'not a key');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'invalid-private-key', kind: 'usage' });
  });
});

describe('createStatementSigner, the certificate method', () => {
  const upstreamCertificate = JSON.parse(readFileSync(join(OMS, 'v1.1.0-certificate/model.sig'), 'utf8')) as {
    verificationMaterial: unknown;
  };
  const certificates: SigningCertificates = {
    leaf: pem('signing-key-cert.pem'),
    chain: [pem('int-ca-cert.pem')],
  };

  it('writes the chain, leaf first, as model_signing v1.1.0 does; the certificate method verifies it', async () => {
    const signed = createStatementSigner(pem('signing-key.pem'), certificates, NOW)(statement);
    expect(shape(signed)).toEqual(
      shape({ ...upstream, verificationMaterial: upstreamCertificate.verificationMaterial }),
    );
    expect((signed as typeof upstreamCertificate).verificationMaterial).toEqual(
      upstreamCertificate.verificationMaterial,
    );
    const check = await verifySignature(Buffer.from(JSON.stringify(signed)), {
      method: 'certificate',
      anchors: [pem('ca-cert.pem')],
    });
    expect(check.manifest.resources.map((r) => r.name)).toEqual(['signme-1', 'signme-2']);
  });

  it('takes a chain file holding several certificates (the root included)', () => {
    const signed = createStatementSigner(
      pem('signing-key.pem'),
      { leaf: certificates.leaf, chain: [pem('int-ca-cert.pem') + pem('ca-cert.pem')] },
      NOW,
    )(statement) as { verificationMaterial: { x509CertificateChain: { certificates: unknown[] } } };
    expect(signed.verificationMaterial.x509CertificateChain.certificates).toHaveLength(3);
  });

  const refusals: {
    name: string;
    key: string;
    certificates: SigningCertificates;
    now?: Date;
    message: RegExp;
  }[] = [
    {
      name: "a private key that is not the certificate's",
      key: generated('not-a-ca-key.pem'),
      certificates,
      message: /the private key is not the key of signing certificate CN=intermediate-ca/,
    },
    {
      name: 'a signing certificate file with two certificates',
      key: pem('signing-key.pem'),
      certificates: { leaf: certificates.leaf + pem('int-ca-cert.pem'), chain: [] },
      message: /holds 2 certificates, not one/,
    },
    {
      name: 'a chain file with no certificate',
      key: pem('signing-key.pem'),
      certificates: { leaf: certificates.leaf, chain: [pem('signing-key.pem')] },
      message: /certificate chain file 1 holds no PEM certificate/,
    },
    {
      name: 'a certificate not for signing',
      key: generated('no-digital-signature-key.pem'),
      certificates: { leaf: generated('no-digital-signature-cert.pem'), chain: [] },
      message: /^signing with certificate .*key usage does not allow signing code/,
    },
    {
      name: 'an expired certificate',
      key: pem('signing-key.pem'),
      certificates,
      now: new Date('2040-01-01T00:00:00Z'),
      message: /^signing with certificate CN=intermediate-ca: it is valid from .* to 2035/,
    },
  ];

  it.each(refusals)(
    'refuses $name before anything is signed, as a usage error',
    ({ key, certificates, now, message }) => {
      let error: unknown;
      try {
        createStatementSigner(key, certificates, now ?? NOW);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SigningError);
      expect(error).toMatchObject({ code: 'invalid-signing-certificate', kind: 'usage' });
      expect((error as SigningError).message).toMatch(message);
      expect((error as SigningError).hint).toBeTruthy();
    },
  );
});
