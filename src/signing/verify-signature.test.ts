import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SigningPolicy } from './policy.js';
import { SigningError } from './signing-error.js';
import { verifySignature } from './verify-signature.js';

const OMS = join(import.meta.dirname, '../../test/fixtures/oms/model-transparency');
const SIGSTORE = join(import.meta.dirname, '../../test/fixtures/sigstore');
const pem = (name: string) => readFileSync(join(OMS, 'keys/certificate', name), 'utf8');

const POLICIES: Record<string, SigningPolicy> = {
  sigstore: {
    method: 'keyless',
    identities: [{ identity: 'stefanb@us.ibm.com', issuer: 'https://sigstore.verify.ibm.com/oauth2' }],
  },
  'elliptic-key': { method: 'key', publicKeys: [pem('signing-key-pub.pem')] },
  certificate: { method: 'certificate', anchors: [pem('ca-cert.pem')] },
};

const folders = readdirSync(OMS)
  .filter((name) => /^v\d+\.\d+\.\d+-/.test(name))
  .map((folder) => ({ folder, kind: folder.replace(/^v[\d.]+-/, '') }));

async function refusal(action: () => Promise<unknown>): Promise<SigningError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(SigningError);
    return error as SigningError;
  }
  throw new Error('expected a SigningError, but verification passed');
}

describe('verifySignature over every model_signing release fixture', () => {
  it('finds every folder the fixture README lists', () => {
    const count = (kind: string) => folders.filter((f) => f.kind === kind).length;
    expect({
      sigstore: count('sigstore'),
      key: count('elliptic-key'),
      certificate: count('certificate'),
    }).toEqual({
      sigstore: 4,
      key: 4,
      certificate: 5,
    });
    expect(folders).toHaveLength(13);
  });

  it.each(folders)('$folder verifies and lists exactly its files', async ({ folder, kind }) => {
    const policy = POLICIES[kind];
    if (!policy) throw new Error(`no policy for ${kind}`);
    const check = await verifySignature(readFileSync(join(OMS, folder, 'model.sig')), policy);

    expect(check.method).toBe(policy.method);
    const { manifest } = check;
    // '.' names the model itself when the model is a single file (subject name = that file).
    const names = manifest.resources.map((r) => (r.name === '.' ? manifest.subjectName : r.name)).sort();
    const files = readdirSync(join(OMS, folder))
      .filter((name) => name.startsWith('signme-'))
      .sort();
    expect(files.length).toBeGreaterThan(0);
    expect(names).toEqual(files);
    for (const resource of manifest.resources) {
      const file = resource.name === '.' ? manifest.subjectName : resource.name;
      const digest = createHash('sha256')
        .update(readFileSync(join(OMS, folder, file)))
        .digest('hex');
      expect({ file, digest: resource.digest, algorithm: resource.algorithm }).toEqual({
        file,
        digest,
        algorithm: 'sha256',
      });
    }
    expect(manifest.serialization).toMatchObject({
      method: 'files',
      hashType: 'sha256',
      allowSymlinks: false,
    });
  });

  it.each(folders.filter((f) => f.kind === 'sigstore'))(
    '$folder names its signer and signing time',
    async ({ folder }) => {
      const check = await verifySignature(
        readFileSync(join(OMS, folder, 'model.sig')),
        POLICIES['sigstore']!,
      );
      expect(check).toMatchObject({
        signer: 'stefanb@us.ibm.com',
        issuer: 'https://sigstore.verify.ibm.com/oauth2',
      });
      expect(check.signedAt).toMatch(/^202\d-\d\d-\d\dT/);
    },
  );

  it.each(folders.filter((f) => f.kind === 'elliptic-key'))(
    '$folder names the key by fingerprint',
    async ({ folder }) => {
      const check = await verifySignature(
        readFileSync(join(OMS, folder, 'model.sig')),
        POLICIES['elliptic-key']!,
      );
      // certtool's "Public Key ID sha256" for keys/certificate/signing-key-pub.pem
      expect(check.signer).toBe('sha256:c1e49d63327f85c7e2971aefd30b5a0d1c6b9b5e1a892e7f5fba995adace816d');
    },
  );

  it.each(folders.filter((f) => f.kind === 'certificate'))(
    '$folder names leaf and anchor',
    async ({ folder }) => {
      const check = await verifySignature(
        readFileSync(join(OMS, folder, 'model.sig')),
        POLICIES['certificate']!,
      );
      expect(check).toMatchObject({ signer: 'CN=intermediate-ca', issuer: 'CN=root-ca' });
    },
  );

  it('maps the v0.1 statement of v0.2.0 to a files manifest', async () => {
    const check = await verifySignature(
      readFileSync(join(OMS, 'v0.2.0-certificate/model.sig')),
      POLICIES['certificate']!,
    );
    expect(check.manifest).toMatchObject({
      subjectName: 'compat-undefined-not-present',
      predicateType: 'https://model_signing/Digests/v0.1',
      serialization: { method: 'files', hashType: 'sha256', allowSymlinks: false, ignorePaths: [] },
    });
  });
});

describe('verifySignature refuses', () => {
  const cases: { name: string; folder: string; policy: SigningPolicy; code: string }[] = [
    {
      name: 'a keyless bundle under a key policy',
      folder: 'v1.1.0-sigstore',
      policy: POLICIES['elliptic-key']!,
      code: 'method-mismatch',
    },
    {
      name: 'a key bundle under a keyless policy',
      folder: 'v1.1.0-elliptic-key',
      policy: POLICIES['sigstore']!,
      code: 'method-mismatch',
    },
    {
      name: 'a certificate bundle under a keyless policy',
      folder: 'v1.1.0-certificate',
      policy: POLICIES['sigstore']!,
      code: 'method-mismatch',
    },
    {
      name: 'a certificate bundle under a key policy',
      folder: 'v1.1.0-certificate',
      policy: POLICIES['elliptic-key']!,
      code: 'method-mismatch',
    },
    {
      name: 'a key bundle under a certificate policy',
      folder: 'v1.0.0-elliptic-key',
      policy: POLICIES['certificate']!,
      code: 'method-mismatch',
    },
  ];
  it.each(cases)('$name with $code', async ({ folder, policy, code }) => {
    expect(
      (await refusal(() => verifySignature(readFileSync(join(OMS, folder, 'model.sig')), policy))).code,
    ).toBe(code);
  });

  it.each(['bundleV03-dsse', 'bundleV03-intoto'])(
    'the generic Sigstore bundle %s as not a model signature, even from a trusted identity',
    async (name) => {
      const bytes = readFileSync(join(SIGSTORE, `${name}.sigstore.json`));
      const policy: SigningPolicy = {
        method: 'keyless',
        identities: [{ identity: 'brian@dehamer.com', issuer: 'https://github.com/login/oauth' }],
      };
      const error = await refusal(() => verifySignature(bytes, policy));
      expect({ code: error.code, kind: error.kind }).toEqual({
        code: 'not-a-model-signature',
        kind: 'refused',
      });
      expect(error.hint).toBeTruthy();
    },
  );

  it('a malformed policy as a usage error before reading the bundle', async () => {
    const error = await refusal(() => verifySignature(Buffer.from('{}'), { method: 'key', publicKeys: [] }));
    expect({ code: error.code, kind: error.kind }).toEqual({ code: 'invalid-policy', kind: 'usage' });
  });
});
