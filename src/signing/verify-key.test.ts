import { describe, expect, it } from '@jest/globals';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBundle } from './bundle.js';
import { signStatement } from './sign-statement.js';
import { SigningError } from './signing-error.js';
import { ecdsaHashFor, publicKeyHint, verifyWithKey } from './verify-key.js';

const OMS = join(import.meta.dirname, '../../test/fixtures/oms/model-transparency');
const PUBLIC = readFileSync(join(OMS, 'keys/certificate/signing-key-pub.pem'), 'utf8');
const VERSIONS = ['v0.3.1', 'v1.0.0', 'v1.0.1', 'v1.1.0'];
const raw = (version: string) => readFileSync(join(OMS, `${version}-elliptic-key/model.sig`));
const otherKey = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({
    type: 'spki',
    format: 'pem',
  }) as string;

function code(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SigningError);
    expect((error as SigningError).hint).toBeTruthy();
    return (error as SigningError).code;
  }
  return 'verified';
}

describe('publicKeyHint', () => {
  it('is what model_signing wrote for the fixture key (sha256 of its SPKI PEM)', () => {
    const hint = (
      JSON.parse(raw('v1.1.0').toString('utf8')) as { verificationMaterial: { publicKey: { hint: string } } }
    ).verificationMaterial.publicKey.hint;
    expect(publicKeyHint(createPublicKey(PUBLIC))).toBe(hint);
    expect(hint).toBe('e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e');
  });
});

describe('ecdsaHashFor', () => {
  it.each([
    ['P-256', 'sha256'],
    ['P-384', 'sha384'],
    ['P-521', 'sha512'],
  ])('pairs %s with %s', (namedCurve, hash) => {
    expect(ecdsaHashFor(generateKeyPairSync('ec', { namedCurve }).publicKey, 'test')).toBe(hash);
  });
  it.each([
    ['secp256k1', () => generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey],
    ['ed25519', () => generateKeyPairSync('ed25519').publicKey],
  ])('refuses %s', (_name, key) => {
    expect(code(() => ecdsaHashFor(key(), 'test'))).toBe('unsupported-key');
  });
});

describe('verifyWithKey', () => {
  it.each(VERSIONS)('verifies %s-elliptic-key, also among other trusted keys', (version) => {
    expect(verifyWithKey(parseBundle(raw(version)), [PUBLIC], false).signer).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(verifyWithKey(parseBundle(raw(version)), [otherKey(), PUBLIC], false).signer).toBe(
      verifyWithKey(parseBundle(raw(version)), [PUBLIC], false).signer,
    );
  });

  it.each([
    ['v0.3.1', 'untrusted-key'], // rawBytes: the embedded key is not trusted
    ['v1.0.0', 'untrusted-key'],
    ['v1.0.1', 'untrusted-key'],
    ['v1.1.0', 'key-hint-mismatch'], // hint only
  ])('refuses %s-elliptic-key under another key with %s', (version, expected) => {
    expect(code(() => verifyWithKey(parseBundle(raw(version)), [otherKey()], false))).toBe(expected);
  });

  it.each(VERSIONS)('refuses %s-elliptic-key with a tampered payload', (version) => {
    const json = JSON.parse(raw(version).toString('utf8')) as { dsseEnvelope: { payload: string } };
    const payload = Buffer.from(json.dsseEnvelope.payload, 'base64');
    json.dsseEnvelope.payload = Buffer.concat([payload, Buffer.from(' ')]).toString('base64');
    expect(code(() => verifyWithKey(parseBundle(Buffer.from(JSON.stringify(json))), [PUBLIC], false))).toBe(
      'bad-signature',
    );
  });

  it('tries every trusted key when the bundle names none', () => {
    const json = JSON.parse(raw('v1.1.0').toString('utf8')) as {
      verificationMaterial: { publicKey: object };
    };
    json.verificationMaterial.publicKey = {};
    const bundle = parseBundle(Buffer.from(JSON.stringify(json)));
    expect(verifyWithKey(bundle, [otherKey(), PUBLIC], false).signer).toMatch(/^sha256:/);
    expect(code(() => verifyWithKey(bundle, [otherKey()], false))).toBe('bad-signature');
  });
});

describe('signStatement then verifyWithKey', () => {
  const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1' }));
  it.each(['P-256', 'P-384', 'P-521'])('round-trips a %s key generated here', (namedCurve) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
    const signed = signStatement(statement, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const bundle = parseBundle(Buffer.from(JSON.stringify(signed)));
    const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(verifyWithKey(bundle, [pem], false).signer).toMatch(/^sha256:/);
    expect(code(() => verifyWithKey(bundle, [otherKey()], false))).toBe('key-hint-mismatch');
  });
});
