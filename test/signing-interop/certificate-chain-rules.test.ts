/**
 * The certificate method against chains made by openssl that each break one RFC 5280 rule: every
 * one is refused with the rule named, and the same PKI without the fault verifies. The bundles are
 * signed by our signer with the leaf's key (the chain is what is under test, not the signature).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseBundle } from '../../src/signing/bundle.js';
import { signStatement } from '../../src/signing/sign-statement.js';
import { SigningError } from '../../src/signing/signing-error.js';
import { verifyWithCertificate } from '../../src/signing/verify-certificate.js';
import { OpensslPki } from './openssl-pki.js';

let dir: string;
const f = (name: string) => path.join(dir, name);
const STATEMENT = Buffer.from(
  JSON.stringify({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'm', digest: { sha256: 'a'.repeat(64) } }],
    predicateType: 'https://model_signing/signature/v1.0',
    predicate: {
      serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths: [] },
      resources: [],
    },
  }),
);

/** Extension sections: CAs with and without limits, leaves with and without faults. */
const EXTENSIONS = `
[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
[ca_pathlen0]
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
[ca_constrained]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
nameConstraints=critical,permitted;DNS:example.com
[ca_no_certsign]
basicConstraints=critical,CA:TRUE
keyUsage=critical,digitalSignature
[leaf]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=codeSigning
subjectAltName=DNS:signer.example.com
[leaf_elsewhere]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=codeSigning
subjectAltName=DNS:signer.evil.org
[leaf_unknown_critical]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=codeSigning
1.3.6.1.4.1.55555.1=critical,ASN1:UTF8String:must-understand
`;

/** A bundle signed by `leaf`'s key carrying `chain` (leaf first), verified against `anchor`. */
async function verdict(chain: string[], anchor: string): Promise<string> {
  const signed = signStatement(STATEMENT, await readFile(f(`${chain[0]}.key`), 'utf8')) as Record<
    string,
    unknown
  >;
  const certificates = await Promise.all(
    chain.map(async (name) => {
      const pem = await readFile(f(`${name}.crt`), 'utf8');
      return { rawBytes: new X509Certificate(pem).raw.toString('base64') };
    }),
  );
  const bundle = parseBundle(
    Buffer.from(
      JSON.stringify({ ...signed, verificationMaterial: { x509CertificateChain: { certificates } } }),
    ),
  );
  try {
    await verifyWithCertificate(bundle, [await readFile(f(`${anchor}.crt`), 'utf8')], new Date(), false);
    return 'verified';
  } catch (error) {
    if (!(error instanceof SigningError)) throw error;
    expect(error.hint).toBeTruthy();
    return `${error.code}: ${error.message}`;
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'chain-rules-'));
  const pki = new OpensslPki(dir);
  const issue = (name: string, issuer: string, section: string) => pki.issue(name, issuer, section);
  await pki.extensions(EXTENSIONS);
  await pki.root('root', 'ca');
  await issue('int-pathlen0', 'root', 'ca_pathlen0');
  await issue('int-below-pathlen0', 'int-pathlen0', 'ca');
  await issue('int-no-certsign', 'root', 'ca_no_certsign');
  await issue('int', 'root', 'ca');
  await issue('leaf', 'int', 'leaf');
  await issue('leaf-deep', 'int-below-pathlen0', 'leaf');
  await issue('leaf-direct', 'int-pathlen0', 'leaf');
  await issue('leaf-no-certsign', 'int-no-certsign', 'leaf');
  await issue('leaf-unknown-critical', 'int', 'leaf_unknown_critical');
  // Name constraints bind below the trust anchor (RFC 5280 §6.1: the anchor's own extensions are not
  // inputs), so an intermediate carries them.
  await issue('int-constrained', 'root', 'ca_constrained');
  await issue('leaf-in-name', 'int-constrained', 'leaf');
  await issue('leaf-out-of-name', 'int-constrained', 'leaf_elsewhere');
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('RFC 5280 rules of the certificate chain', () => {
  it.each([
    { name: 'a sound chain', chain: ['leaf', 'int'], anchor: 'root' },
    {
      name: 'pathlen:0 with no intermediate below it',
      chain: ['leaf-direct', 'int-pathlen0'],
      anchor: 'root',
    },
    {
      name: 'a leaf inside the name constraints',
      chain: ['leaf-in-name', 'int-constrained'],
      anchor: 'root',
    },
  ])('verifies $name', async ({ chain, anchor }) => {
    expect(await verdict(chain, anchor)).toBe('verified');
  });

  it.each([
    {
      name: 'an intermediate below a CA with pathlen:0',
      chain: ['leaf-deep', 'int-below-pathlen0', 'int-pathlen0'],
      anchor: 'root',
      says: /certificate CN=int-pathlen0: its pathLenConstraint is 0, but 1 intermediate certificate\(s\) follow it \(RFC 5280 §4\.2\.1\.9\)/,
    },
    {
      name: 'a leaf outside the name constraints of its CA',
      chain: ['leaf-out-of-name', 'int-constrained'],
      anchor: 'root',
      says: /untrusted-chain: .*name constraint/,
    },
    {
      name: 'a critical extension nobody understands',
      chain: ['leaf-unknown-critical', 'int'],
      anchor: 'root',
      says: /critical extension 1\.3\.6\.1\.4\.1\.55555\.1 that is not understood \(RFC 5280 §4\.2\)/,
    },
    {
      name: 'an intermediate whose key usage does not allow signing certificates',
      chain: ['leaf-no-certsign', 'int-no-certsign'],
      anchor: 'root',
      says: /untrusted-chain: .*(not a CA|keyCertSign)/,
    },
  ])('refuses $name, naming the rule', async ({ chain, anchor, says }) => {
    expect(await verdict(chain, anchor)).toMatch(says);
  });
});
