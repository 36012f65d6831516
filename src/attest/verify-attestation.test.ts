/* eslint-disable @typescript-eslint/no-explicit-any -- bundles are read back as plain JSON */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { createKeySigner } from './key-signer.js';
import { promotionStatement, statementBytes, type PromotionFacts } from './promotion-statement.js';
import { facts, IMAGE_DIGEST, OTHER_DIGEST } from '../../test/attest/promotion-facts.js';
import { verifyPromotionAttestation } from './verify-attestation.js';

function keyPair(curve = 'P-256') {
  const pair = generateKeyPairSync('ec', { namedCurve: curve });
  return {
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

async function signed(f: PromotionFacts, privateKey: string): Promise<Buffer> {
  const bundle = await createKeySigner(privateKey)(statementBytes(promotionStatement(f)));
  return Buffer.from(JSON.stringify(bundle));
}

const key = keyPair();
const policy = { method: 'key' as const, publicKeys: [key.publicKey] };

describe('verifyPromotionAttestation (key)', () => {
  it.each(['P-256', 'P-384'])('accepts an attestation signed with the trusted %s key', async (curve) => {
    const pair = keyPair(curve);
    const verified = verifyPromotionAttestation(
      await signed(facts(), pair.privateKey),
      'sha256:referrer',
      { method: 'key', publicKeys: [pair.publicKey] },
      { imageDigest: IMAGE_DIGEST, environment: 'production' },
    );
    expect(verified.statement.predicate.environment.name).toBe('production');
    expect(verified.signer).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('writes the key hint cosign and model_signing read, and no transparency log entry', async () => {
    const bundle = JSON.parse((await signed(facts(), key.privateKey)).toString()) as Record<string, any>;
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(bundle.verificationMaterial.publicKey.hint).toMatch(/^[0-9a-f]{64}$/);
    expect(bundle.verificationMaterial.tlogEntries).toEqual([]);
    expect(bundle.dsseEnvelope.payloadType).toBe('application/vnd.in-toto+json');
  });

  const cases: {
    name: string;
    bytes: () => Promise<Buffer>;
    environment?: string;
    code: string;
    message: RegExp;
  }[] = [
    {
      name: 'a tampered statement (the environment rewritten after signing)',
      bytes: async () => {
        const bundle = JSON.parse((await signed(facts(), key.privateKey)).toString()) as Record<string, any>;
        const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString());
        statement.predicate.environment.name = 'production-eu';
        bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
        return Buffer.from(JSON.stringify(bundle));
      },
      environment: 'production-eu',
      code: 'attestation-bad-signature',
      message: /attestation sha256:referrer: .*does not match/,
    },
    {
      name: 'one for another image digest',
      bytes: () => signed(facts({ imageDigest: OTHER_DIGEST }), key.privateKey),
      code: 'attestation-wrong-subject',
      message: new RegExp(`is for image ${OTHER_DIGEST} .*not ${IMAGE_DIGEST}`),
    },
    {
      name: 'one signed by another key',
      bytes: () => signed(facts(), keyPair().privateKey),
      code: 'attestation-untrusted-signer',
      message: /key hint .* matches none of the 1 trusted public key/,
    },
    {
      name: 'one for staging presented for production',
      bytes: () => signed(facts({ environment: { name: 'staging', pool: 'cpu-small' } }), key.privateKey),
      environment: 'production',
      code: 'attestation-wrong-environment',
      message: /promotes the image to staging, not production/,
    },
    {
      name: 'a bundle that is not JSON',
      bytes: () => Promise.resolve(Buffer.from('not json')),
      code: 'attestation-malformed',
      message: /attestation sha256:referrer: it is not JSON/,
    },
  ];

  it.each(cases)('refuses $name, naming the reason', async ({ bytes, environment, code, message }) => {
    const attempt = async () =>
      verifyPromotionAttestation(await bytes(), 'sha256:referrer', policy, {
        imageDigest: IMAGE_DIGEST,
        environment: environment ?? 'production',
      });
    await expect(attempt()).rejects.toMatchObject({
      code,
      kind: 'refused',
      message: expect.stringMatching(message),
    });
  });

  it('refuses another predicate type signed by the trusted key', async () => {
    const statement = { ...promotionStatement(facts()), predicateType: 'https://slsa.dev/provenance/v1' };
    const bundle = await createKeySigner(key.privateKey)(Buffer.from(JSON.stringify(statement)));
    expect(() =>
      verifyPromotionAttestation(Buffer.from(JSON.stringify(bundle)), 'sha256:r', policy, {
        imageDigest: IMAGE_DIGEST,
      }),
    ).toThrow(
      /predicate type "https:\/\/slsa.dev\/provenance\/v1", not https:\/\/model-promote.dev\/promotion\/v1/,
    );
  });
});

describe('createKeySigner', () => {
  it('refuses a key that is not a PEM private key without quoting it', () => {
    const secret = 'not-a-key-but-a-secret-value-0123456789';
    let error: unknown;
    try {
      createKeySigner(secret);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({
      kind: 'usage',
      message: 'attest-key is not a PEM private key (or it is encrypted)',
    });
    expect(JSON.stringify(error) + String(error)).not.toContain(secret);
  });

  it('refuses an Ed25519 key, naming the curves it takes', () => {
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => createKeySigner(ed)).toThrow('attest-key is not an ECDSA key on P-256, P-384 or P-521');
  });
});
