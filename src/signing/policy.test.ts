import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { identityMatcher, parseSigningPolicy } from './policy.js';

const KEYS = join(import.meta.dirname, '../../test/fixtures/oms/model-transparency/keys/certificate');
const PUBLIC = readFileSync(join(KEYS, 'signing-key-pub.pem'), 'utf8');
const CA = readFileSync(join(KEYS, 'ca-cert.pem'), 'utf8');
const IBM = 'https://sigstore.verify.ibm.com/oauth2';

describe('identityMatcher', () => {
  const cases: { pattern: string; identity: string; matches: boolean }[] = [
    { pattern: 'stefanb@us.ibm.com', identity: 'stefanb@us.ibm.com', matches: true },
    { pattern: 'stefanb@us.ibm.com', identity: 'Stefanb@us.ibm.com', matches: false },
    { pattern: '.*@us.ibm.com', identity: 'stefanb@us.ibm.com', matches: false }, // plain text is never a pattern
    { pattern: '/.*@us\\.ibm\\.com/', identity: 'stefanb@us.ibm.com', matches: true },
    { pattern: '/.*@us\\.ibm\\.com/', identity: 'stefanb@us.ibm.com.evil.org', matches: false },
    { pattern: '/stefanb/', identity: 'stefanb@us.ibm.com', matches: false },
    { pattern: '/a|stefanb@us\\.ibm\\.com/', identity: 'abc', matches: false }, // alternation stays anchored
    { pattern: '/a|stefanb@us\\.ibm\\.com/', identity: 'stefanb@us.ibm.com', matches: true },
    { pattern: '/', identity: '/', matches: true },
  ];
  it.each(cases)('$pattern against $identity: $matches', ({ pattern, identity, matches }) => {
    expect(identityMatcher(pattern)(identity)).toBe(matches);
  });

  it.each(['/a)|(b/', '/[/'])('refuses the broken expression %s as a usage error', (pattern) => {
    let error: unknown;
    try {
      identityMatcher(pattern);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'invalid-policy', kind: 'usage' });
  });
});

describe('parseSigningPolicy', () => {
  const valid = [
    { method: 'keyless', identities: [{ identity: 'stefanb@us.ibm.com', issuer: IBM }] },
    { method: 'keyless', identities: [{ identity: '/.*/', issuer: IBM }], trustedRoot: { mediaType: 'x' } },
    { method: 'key', publicKeys: [PUBLIC] },
    { method: 'certificate', anchors: [CA] },
  ];
  it.each(valid)('accepts $method', (input) => {
    expect(parseSigningPolicy(input)).toEqual(input);
  });

  const invalid: { name: string; input: unknown }[] = [
    { name: 'no object', input: 'keyless' },
    { name: 'an unknown method', input: { method: 'gpg' } },
    { name: 'keyless without identities', input: { method: 'keyless', identities: [] } },
    { name: 'keyless without issuer', input: { method: 'keyless', identities: [{ identity: 'a@b.c' }] } },
    {
      name: 'keyless with a broken regex',
      input: { method: 'keyless', identities: [{ identity: '/(/', issuer: IBM }] },
    },
    { name: 'key without keys', input: { method: 'key', publicKeys: [] } },
    { name: 'key with a non-PEM key', input: { method: 'key', publicKeys: ['abc'] } },
    { name: 'certificate with a key as anchor', input: { method: 'certificate', anchors: [PUBLIC] } },
  ];
  it.each(invalid)('refuses $name as a usage error with a hint', ({ input }) => {
    let error: unknown;
    try {
      parseSigningPolicy(input);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'invalid-policy', kind: 'usage', exitCode: 2 });
    expect((error as { hint?: string }).hint).toBeTruthy();
  });
});
