import { describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBundle } from './bundle.js';
import { signStatement } from './sign-statement.js';
import { SigningError } from './signing-error.js';
import { verifyWithCertificate } from './verify-certificate.js';

const OMS = join(import.meta.dirname, '../../test/fixtures/oms');
const KEYS = join(OMS, 'model-transparency/keys/certificate');
const read = (path: string) => readFileSync(path, 'utf8');
const der = (pemText: string) => new X509Certificate(pemText).raw.toString('base64');
const ROOT = read(join(KEYS, 'ca-cert.pem'));
const INTERMEDIATE = read(join(KEYS, 'int-ca-cert.pem'));
const LEAF = read(join(KEYS, 'signing-key-cert.pem'));
const NOW = new Date('2026-01-01T00:00:00Z');

const fixture = JSON.parse(read(join(OMS, 'model-transparency/v1.1.0-certificate/model.sig'))) as {
  verificationMaterial: { x509CertificateChain: { certificates: { rawBytes: string }[] } };
  dsseEnvelope: { payload: string };
};
const statement = Buffer.from(fixture.dsseEnvelope.payload, 'base64');

/** A bundle like model_signing's certificate method writes: the key method's, with a chain instead. */
function chainBundle(chainPems: string[], privateKeyPem: string = read(join(KEYS, 'signing-key.pem'))) {
  const signed = signStatement(statement, privateKeyPem) as Record<string, unknown>;
  const bundle = {
    ...signed,
    verificationMaterial: {
      x509CertificateChain: { certificates: chainPems.map((p) => ({ rawBytes: der(p) })) },
    },
  };
  return parseBundle(Buffer.from(JSON.stringify(bundle)));
}

async function code(action: () => Promise<unknown>, message?: RegExp): Promise<string> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(SigningError);
    expect((error as SigningError).hint).toBeTruthy();
    if (message) expect((error as SigningError).message).toMatch(message);
    return (error as SigningError).code;
  }
  return 'verified';
}

const generated = (name: string) => read(join(OMS, 'generated', name));

describe('verifyWithCertificate', () => {
  it('verifies upstream fixture chain and a bundle we sign in the same PKI', async () => {
    const upstream = parseBundle(readFileSync(join(OMS, 'model-transparency/v1.1.0-certificate/model.sig')));
    expect(await verifyWithCertificate(upstream, [ROOT], NOW, false)).toEqual({
      signer: 'CN=intermediate-ca',
      issuer: 'CN=root-ca',
    });
    expect((await verifyWithCertificate(chainBundle([LEAF, INTERMEDIATE]), [ROOT], NOW, false)).issuer).toBe(
      'CN=root-ca',
    );
  });

  it('accepts the intermediate itself as trust anchor', async () => {
    expect(
      (await verifyWithCertificate(chainBundle([LEAF, INTERMEDIATE]), [INTERMEDIATE], NOW, false)).issuer,
    ).toBe('CN=intermediate-ca');
  });

  const cases: {
    name: string;
    bundle: () => ReturnType<typeof parseBundle>;
    anchors: string[];
    now?: Date;
    code: string;
    message?: RegExp;
  }[] = [
    {
      name: 'a wrong anchor',
      bundle: () => chainBundle([LEAF, INTERMEDIATE]),
      anchors: [LEAF],
      code: 'untrusted-chain',
    },
    {
      name: 'a chain missing its intermediate',
      bundle: () => chainBundle([LEAF]),
      anchors: [ROOT],
      code: 'untrusted-chain',
    },
    {
      name: 'a chain whose intermediate was swapped for another certificate',
      bundle: () => chainBundle([LEAF, generated('not-a-ca-cert.pem')]),
      anchors: [ROOT],
      code: 'untrusted-chain',
    },
    {
      name: 'a leaf from another issuer',
      bundle: () => chainBundle([generated('under-not-a-ca-cert.pem'), INTERMEDIATE]),
      anchors: [ROOT],
      code: 'untrusted-chain',
    },
    {
      name: 'a leaf issued by a non-CA certificate',
      bundle: () =>
        chainBundle(
          [generated('under-not-a-ca-cert.pem'), generated('not-a-ca-cert.pem'), INTERMEDIATE],
          generated('under-not-a-ca-key.pem'),
        ),
      anchors: [ROOT],
      code: 'untrusted-chain',
      message: /CN=not-a-ca is not a CA/,
    },
    {
      name: 'a leaf without digitalSignature',
      bundle: () =>
        chainBundle(
          [generated('no-digital-signature-cert.pem'), INTERMEDIATE],
          generated('no-digital-signature-key.pem'),
        ),
      anchors: [ROOT],
      code: 'bad-key-usage',
    },
    {
      name: 'a signature by another key than the leaf',
      bundle: () => chainBundle([LEAF, INTERMEDIATE], generated('not-a-ca-key.pem')),
      anchors: [ROOT],
      code: 'bad-signature',
    },
    {
      name: 'an expired chain',
      bundle: () => chainBundle([LEAF, INTERMEDIATE]),
      anchors: [ROOT],
      now: new Date('2040-01-01'),
      code: 'certificate-expired',
    },
    {
      name: 'a chain not yet valid',
      bundle: () => chainBundle([LEAF, INTERMEDIATE]),
      anchors: [ROOT],
      now: new Date('2020-01-01'),
      code: 'certificate-expired',
    },
  ];

  it.each(cases)('refuses $name with $code', async ({ bundle, anchors, now, code: expected, message }) => {
    expect(await code(() => verifyWithCertificate(bundle(), anchors, now ?? NOW, false), message)).toBe(
      expected,
    );
  });

  it('refuses a tampered certificate in the upstream chain', async () => {
    const tampered = structuredClone(fixture);
    const leaf = Buffer.from(
      tampered.verificationMaterial.x509CertificateChain.certificates[0]!.rawBytes,
      'base64',
    );
    leaf.writeUInt8(leaf.readUInt8(leaf.length - 10) ^ 0x01, leaf.length - 10); // in the signature value: parses, no longer verifies
    tampered.verificationMaterial.x509CertificateChain.certificates[0]!.rawBytes = leaf.toString('base64');
    const bundle = parseBundle(Buffer.from(JSON.stringify(tampered)));
    expect(await code(() => verifyWithCertificate(bundle, [ROOT], NOW, false))).toBe('untrusted-chain');
  });

  it('accepts v0.2.0 buggy-PAE signatures only when asked to', async () => {
    const v020 = parseBundle(readFileSync(join(OMS, 'model-transparency/v0.2.0-certificate/model.sig')));
    expect(await code(() => verifyWithCertificate(v020, [ROOT], NOW, false))).toBe('bad-signature');
    expect((await verifyWithCertificate(v020, [ROOT], NOW, true)).signer).toBe('CN=intermediate-ca');
  });
});
