import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inClusterPolicy } from './in-cluster-policy.js';
import type { PolicyRequirement } from './policy-sources.js';
import { distinguishedName } from './verify-certificate.js';
import { keyFingerprint } from './verify-key.js';

const KEYS = path.join(import.meta.dirname, '../../test/fixtures/oms/model-transparency/keys/certificate');
const ROOT = readFileSync(path.join(KEYS, 'ca-cert.pem'), 'utf8');
const INTERMEDIATE = readFileSync(path.join(KEYS, 'int-ca-cert.pem'), 'utf8');

function publicKey(): { pem: string; fingerprint: string } {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    pem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    fingerprint: keyFingerprint(publicKey),
  };
}

const IDENTITY = 'https://github.com/acme/models/.github/workflows/sign.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

describe('inClusterPolicy', () => {
  it('keyless: the identity and issuer of the certificate that verified, even when the policy was a regex', () => {
    const requirements: PolicyRequirement[] = [
      {
        source: 'environment production',
        alternatives: [
          {
            method: 'keyless',
            identities: [{ identity: '/https://github.com/acme/.*/', issuer: ISSUER }],
            trustedRoot: {},
            publicGood: true,
          },
        ],
      },
      {
        source: 'inputs',
        alternatives: [{ method: 'keyless', identities: [{ identity: IDENTITY, issuer: ISSUER }] }],
      },
    ];
    expect(inClusterPolicy({ method: 'keyless', signer: IDENTITY, issuer: ISSUER }, requirements)).toEqual({
      method: 'keyless',
      identity: IDENTITY,
      issuer: ISSUER,
    });
  });

  it("keyless: refuses a policy with its own Sigstore instance, which the operator's model_signing cannot use", () => {
    const requirements: PolicyRequirement[] = [
      {
        source: 'environment staging',
        alternatives: [
          {
            method: 'keyless',
            identities: [{ identity: IDENTITY, issuer: ISSUER }],
            trustedRoot: { mediaType: 'x' },
          },
        ],
      },
    ];
    expect(() =>
      inClusterPolicy({ method: 'keyless', signer: IDENTITY, issuer: ISSUER }, requirements),
    ).toThrow(
      expect.objectContaining({
        kind: 'usage',
        message: expect.stringContaining('environment staging trusts its own Sigstore instance'),
      }),
    );
  });

  it('key: the one public key that verified, of the several the policy trusts', () => {
    const [a, b] = [publicKey(), publicKey()];
    const requirements: PolicyRequirement[] = [
      {
        source: 'environment production',
        alternatives: [
          { method: 'keyless', identities: [{ identity: IDENTITY, issuer: ISSUER }] },
          { method: 'key', publicKeys: [a.pem, b.pem.trimEnd()] },
        ],
      },
    ];
    expect(inClusterPolicy({ method: 'key', signer: b.fingerprint }, requirements)).toEqual({
      method: 'key',
      publicKey: b.pem,
    });
  });

  it('certificate: the trust anchor the chain ended at, not the others', () => {
    const requirements: PolicyRequirement[] = [
      { source: 'inputs', alternatives: [{ method: 'certificate', anchors: [INTERMEDIATE, ROOT] }] },
    ];
    const check = { method: 'certificate' as const, signer: 'CN=leaf', issuer: subjectOf(ROOT) };
    expect(inClusterPolicy(check, requirements)).toEqual({ method: 'certificate', anchors: ROOT });
  });

  it('certificate: finds the anchor inside a file of several certificates', () => {
    const requirements: PolicyRequirement[] = [
      { source: 'inputs', alternatives: [{ method: 'certificate', anchors: [`${INTERMEDIATE}${ROOT}`] }] },
    ];
    const check = { method: 'certificate' as const, signer: 'CN=leaf', issuer: subjectOf(INTERMEDIATE) };
    expect(inClusterPolicy(check, requirements)).toEqual({ method: 'certificate', anchors: INTERMEDIATE });
  });
});

function subjectOf(pem: string): string {
  return distinguishedName(new X509Certificate(pem).subject);
}
