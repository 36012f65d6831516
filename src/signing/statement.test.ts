import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SigningError } from './signing-error.js';
import { digestOfDigests, parseStatement, PREDICATE_TYPE } from './statement.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures');
const OMS = join(FIXTURES, 'oms/model-transparency');
const GOLDEN = join(FIXTURES, 'oms/golden');

const payloadOf = (folder: string) =>
  Buffer.from(
    (
      JSON.parse(readFileSync(join(OMS, folder, 'model.sig'), 'utf8')) as {
        dsseEnvelope: { payload: string };
      }
    ).dsseEnvelope.payload,
    'base64',
  );
const signedFolders = readdirSync(OMS).filter((name) => name.startsWith('v'));
const goldens = readdirSync(GOLDEN).filter(
  (name) => name.endsWith('.json') && name !== 'custom_trust_config.json',
);

const v1 = (predicate: object, subjectDigest?: string) => {
  const resources =
    (predicate as { resources?: { digest: string; name: string; algorithm: string }[] }).resources ?? [];
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'model', digest: { sha256: subjectDigest ?? digestOfDigests(resources) } }],
      predicateType: PREDICATE_TYPE,
      predicate,
    }),
  );
};
const A = { name: 'a', algorithm: 'sha256', digest: 'aa'.repeat(32) };
const B = { name: 'b', algorithm: 'sha256', digest: 'bb'.repeat(32) };
const FILES = { method: 'files', hash_type: 'sha256', allow_symlinks: false };

function code(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SigningError);
    return (error as SigningError).code;
  }
  return 'parsed';
}

describe('parseStatement', () => {
  it('reads every signed fixture statement', () => {
    expect(signedFolders).toHaveLength(13);
    for (const folder of signedFolders) {
      const manifest = parseStatement(payloadOf(folder));
      expect(manifest.resources.length).toBeGreaterThan(0);
      expect(manifest.subjectDigest).toBe(digestOfDigests(manifest.resources));
    }
  });

  it('maps ignore_paths when present (v1.1.0) and defaults it to none', () => {
    expect(parseStatement(payloadOf('v1.1.0-sigstore')).serialization.ignorePaths).toContain('ignore-me');
    expect(parseStatement(payloadOf('v1.0.1-sigstore')).serialization.ignorePaths).toEqual([]);
  });

  it.each(goldens)('reads upstream golden statement %s, subject digest checked', (name) => {
    const text = readFileSync(join(GOLDEN, name));
    const golden = JSON.parse(text.toString('utf8')) as {
      subject: { name: string; digest: { sha256: string } }[];
      predicate: { serialization: { method: string } };
    };
    const manifest = parseStatement(text);
    expect(manifest).toMatchObject({
      subjectName: golden.subject[0]!.name,
      subjectDigest: golden.subject[0]!.digest.sha256,
    });
    expect(manifest.serialization.method).toBe(golden.predicate.serialization.method);
    if (manifest.serialization.method === 'shards')
      expect([8, 1_000_000_000]).toContain(manifest.serialization.shardSize);
  });

  it('finds the golden statements', () => {
    expect(goldens.length).toBeGreaterThanOrEqual(20);
  });

  it('maps the v0.1 statement of model_signing v0.2.0', () => {
    expect(parseStatement(payloadOf('v0.2.0-certificate'))).toEqual({
      subjectName: 'compat-undefined-not-present',
      subjectDigest: digestOfDigests([
        {
          name: 'signme-1',
          algorithm: 'sha256',
          digest: 'f6310066c7320497ea554260c32c43660bff648cb2a61194832cc086077085e1',
        },
        {
          name: 'signme-2',
          algorithm: 'sha256',
          digest: '32dcb1f8e1ae52d5963e56a6ba06ab58b424c15ed2a6b70d2feca1d089370028',
        },
      ]),
      predicateType: 'https://model_signing/Digests/v0.1',
      serialization: { method: 'files', hashType: 'sha256', allowSymlinks: false, ignorePaths: [] },
      resources: [
        {
          name: 'signme-1',
          algorithm: 'sha256',
          digest: 'f6310066c7320497ea554260c32c43660bff648cb2a61194832cc086077085e1',
        },
        {
          name: 'signme-2',
          algorithm: 'sha256',
          digest: '32dcb1f8e1ae52d5963e56a6ba06ab58b424c15ed2a6b70d2feca1d089370028',
        },
      ],
    });
  });

  const cases: { name: string; payload: Buffer; code: string }[] = [
    {
      name: 'a consistent statement',
      payload: v1({ serialization: FILES, resources: [A, B] }),
      code: 'parsed',
    },
    {
      name: 'resources in another order than digested',
      payload: v1({ serialization: FILES, resources: [B, A] }, digestOfDigests([A, B])),
      code: 'statement-inconsistent',
    },
    {
      name: 'a resource dropped',
      payload: v1({ serialization: FILES, resources: [A] }, digestOfDigests([A, B])),
      code: 'statement-inconsistent',
    },
    {
      name: 'a non-hex digest',
      payload: v1({ serialization: FILES, resources: [{ ...A, digest: 'zz' }] }),
      code: 'statement-inconsistent',
    },
    { name: 'no serialization', payload: v1({ resources: [A] }), code: 'statement-inconsistent' },
    {
      name: 'an unknown method',
      payload: v1({ serialization: { ...FILES, method: 'digest' }, resources: [A] }),
      code: 'unsupported-serialization',
    },
    {
      name: 'shards without a size',
      payload: v1({ serialization: { ...FILES, method: 'shards' }, resources: [A] }),
      code: 'statement-inconsistent',
    },
    { name: 'not JSON', payload: Buffer.from('nope'), code: 'not-a-model-signature' },
    {
      name: 'a Statement v0.1',
      payload: Buffer.from(
        JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', predicateType: PREDICATE_TYPE }),
      ),
      code: 'not-a-model-signature',
    },
    {
      name: 'a SLSA provenance',
      payload: Buffer.from(
        JSON.stringify({
          _type: 'https://in-toto.io/Statement/v1',
          predicateType: 'https://slsa.dev/provenance/v1',
        }),
      ),
      code: 'not-a-model-signature',
    },
    {
      name: 'a v0.1 file hashed otherwise',
      payload: Buffer.from(
        JSON.stringify({
          _type: 'https://in-toto.io/Statement/v1',
          predicateType: 'https://model_signing/Digests/v0.1',
          subject: [
            { name: 'a', digest: { sha256: 'aa' }, annotations: { actual_hash_algorithm: 'file-blake2' } },
          ],
        }),
      ),
      code: 'unsupported-serialization',
    },
  ];
  it.each(cases)('$name: $code', ({ payload, code: expected }) => {
    expect(code(() => parseStatement(payload))).toBe(expected);
  });
});
