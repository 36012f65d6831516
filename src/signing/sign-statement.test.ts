import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signStatement } from './sign-statement.js';
import { verifySignature } from './verify-signature.js';

const OMS = join(import.meta.dirname, '../../test/fixtures/oms/model-transparency');
const KEYS = join(OMS, 'keys/certificate');
const upstream = JSON.parse(readFileSync(join(OMS, 'v1.1.0-elliptic-key/model.sig'), 'utf8')) as {
  dsseEnvelope: { payload: string };
};
const statement = Buffer.from(upstream.dsseEnvelope.payload, 'base64');

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
    (namedCurve) => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
      const signed = signStatement(statement, privateKey.export({ type: 'sec1', format: 'pem' }) as string);
      const check = verifySignature(Buffer.from(JSON.stringify(signed)), {
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
