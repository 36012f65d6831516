import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBundle } from './bundle.js';
import { SigningError } from './signing-error.js';
import { publicGoodTrustedRoot, verifyKeyless } from './verify-keyless.js';

const OMS = join(import.meta.dirname, '../../test/fixtures/oms/model-transparency');
const ROOT_FIXTURE = join(import.meta.dirname, '../../test/fixtures/sigstore/public-good-trusted_root.json');
const VERSIONS = ['v0.3.1', 'v1.0.0', 'v1.0.1', 'v1.1.0'];
const STEFAN = 'stefanb@us.ibm.com';
const IBM = 'https://sigstore.verify.ibm.com/oauth2';

const raw = (version: string) => readFileSync(join(OMS, `${version}-sigstore/model.sig`));
const bundle = (version: string) => parseBundle(raw(version));

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

describe('publicGoodTrustedRoot', () => {
  it('is the trusted_root.json @sigstore/tuf embeds, as copied into the fixtures', () => {
    expect(publicGoodTrustedRoot()).toEqual(JSON.parse(readFileSync(ROOT_FIXTURE, 'utf8')));
  });
});

describe('verifyKeyless', () => {
  it.each(VERSIONS)(
    'verifies %s-sigstore offline with the default root and with the root given',
    (version) => {
      const expected = { signer: STEFAN, issuer: IBM };
      expect(verifyKeyless(bundle(version), [{ identity: STEFAN, issuer: IBM }], undefined)).toMatchObject(
        expected,
      );
      const root = JSON.parse(readFileSync(ROOT_FIXTURE, 'utf8')) as unknown;
      expect(verifyKeyless(bundle(version), [{ identity: STEFAN, issuer: IBM }], root)).toMatchObject(
        expected,
      );
    },
  );

  const policies: { name: string; identities: { identity: string; issuer: string }[]; code: string }[] = [
    {
      name: 'an anchored regex',
      identities: [{ identity: '/[a-z]+@us\\.ibm\\.com/', issuer: IBM }],
      code: 'verified',
    },
    {
      name: 'any one of several identities',
      identities: [
        { identity: 'x@y.z', issuer: IBM },
        { identity: STEFAN, issuer: IBM },
      ],
      code: 'verified',
    },
    {
      name: 'a wrong identity',
      identities: [{ identity: 'someone@us.ibm.com', issuer: IBM }],
      code: 'wrong-identity',
    },
    {
      name: 'a wrong issuer',
      identities: [{ identity: STEFAN, issuer: 'https://accounts.google.com' }],
      code: 'wrong-issuer',
    },
    {
      name: 'a regex matching only a part',
      identities: [{ identity: '/stefanb/', issuer: IBM }],
      code: 'wrong-identity',
    },
    {
      name: 'a regex matching a prefix',
      identities: [{ identity: '/stefanb@us\\.ibm/', issuer: IBM }],
      code: 'wrong-identity',
    },
    {
      name: 'an identity written as a regex but given plain',
      identities: [{ identity: '.*@us.ibm.com', issuer: IBM }],
      code: 'wrong-identity',
    },
    {
      name: 'the right issuer only on another identity',
      identities: [
        { identity: STEFAN, issuer: 'https://x' },
        { identity: 'x@y.z', issuer: IBM },
      ],
      code: 'wrong-issuer',
    },
  ];
  it.each(policies)('with $name: $code', ({ identities, code: expected }) => {
    for (const version of VERSIONS)
      expect(code(() => verifyKeyless(bundle(version), identities, undefined))).toBe(expected);
  });

  it.each(VERSIONS)('refuses %s-sigstore with a tampered payload', (version) => {
    const json = JSON.parse(raw(version).toString('utf8')) as { dsseEnvelope: { payload: string } };
    const statement = Buffer.from(json.dsseEnvelope.payload, 'base64').toString('utf8');
    json.dsseEnvelope.payload = Buffer.from(statement.replace(`-sigstore"`, `-evil"`)).toString('base64');
    expect(json.dsseEnvelope.payload).not.toBe(
      JSON.parse(raw(version).toString('utf8')).dsseEnvelope.payload,
    );
    const tampered = parseBundle(Buffer.from(JSON.stringify(json)));
    expect(code(() => verifyKeyless(tampered, [{ identity: STEFAN, issuer: IBM }], undefined))).toBe(
      'bad-signature',
    );
  });

  it.each([
    { identity: '.*@us\\.ibm\\.com', says: /is compared exactly: write it between slashes/ },
    { identity: '/stefanb/', says: /must match the whole identity \(it is anchored at both ends\)/ },
    { identity: 'someone@us.ibm.com', says: /^trust that identity in the policy/ },
  ])('a refused identity $identity: the hint says how identities match', ({ identity, says }) => {
    let hint: string | undefined;
    try {
      verifyKeyless(bundle('v1.1.0'), [{ identity, issuer: IBM }], undefined);
    } catch (error) {
      hint = (error as SigningError).hint;
    }
    expect(hint).toMatch(says);
  });

  it('refuses a trusted root that does not hold the signing CA', () => {
    const root = JSON.parse(readFileSync(ROOT_FIXTURE, 'utf8')) as { certificateAuthorities: unknown[] };
    root.certificateAuthorities = [];
    expect(code(() => verifyKeyless(bundle('v1.1.0'), [{ identity: STEFAN, issuer: IBM }], root))).toBe(
      'untrusted-chain',
    );
  });

  it('refuses a trusted root that is not one, as a usage error', () => {
    let error: unknown;
    try {
      verifyKeyless(bundle('v1.1.0'), [{ identity: STEFAN, issuer: IBM }], 'not a root');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'invalid-policy', kind: 'usage' });
  });
});
