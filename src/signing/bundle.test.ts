import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pae, paeModelSigningV020, parseBundle } from './bundle.js';
import { SigningError } from './signing-error.js';

const OMS = join(import.meta.dirname, '../../test/fixtures/oms/model-transparency');
const fixture = JSON.parse(readFileSync(join(OMS, 'v1.1.0-elliptic-key/model.sig'), 'utf8')) as Record<
  string,
  unknown
>;
interface EditableBundle {
  mediaType: string;
  dsseEnvelope: { payloadType: string; signatures: { sig: string }[] };
  [field: string]: unknown;
}
const edit = (change: (bundle: EditableBundle) => void) => {
  const copy = structuredClone(fixture) as unknown as EditableBundle;
  change(copy);
  return Buffer.from(JSON.stringify(copy));
};

function code(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SigningError);
    expect((error as SigningError).kind).toBe('refused');
    expect((error as SigningError).hint).toBeTruthy();
    return (error as SigningError).code;
  }
  return 'parsed';
}

describe('parseBundle', () => {
  it.each(readdirNames())('reads %s', (folder) => {
    const bundle = parseBundle(readFileSync(join(OMS, folder, 'model.sig')));
    expect(bundle.envelope.payload.length).toBeGreaterThan(0);
    expect(bundle.material.kind).toBe(
      folder.endsWith('sigstore')
        ? 'certificate'
        : folder.endsWith('key')
          ? 'public-key'
          : 'certificate-chain',
    );
  });

  const cases: { name: string; bytes: Buffer; code: string }[] = [
    { name: 'not JSON', bytes: Buffer.from('{"mediaType":'), code: 'malformed-bundle' },
    { name: 'a JSON array', bytes: Buffer.from('[]'), code: 'malformed-bundle' },
    {
      name: 'an unknown media type',
      bytes: edit((b) => (b.mediaType = 'application/vnd.dev.sigstore.bundle.v0.9+json')),
      code: 'unsupported-bundle',
    },
    {
      name: 'a message signature',
      bytes: edit((b) => {
        Reflect.deleteProperty(b, 'dsseEnvelope');
        b['messageSignature'] = {};
      }),
      code: 'not-a-model-signature',
    },
    {
      name: 'another payload type',
      bytes: edit((b) => (b.dsseEnvelope.payloadType = 'text/plain')),
      code: 'not-a-model-signature',
    },
    {
      name: 'two signatures',
      bytes: edit((b) => b.dsseEnvelope.signatures.push({ sig: b.dsseEnvelope.signatures[0]!.sig })),
      code: 'malformed-bundle',
    },
    {
      name: 'a non-base64 signature',
      bytes: edit((b) => (b.dsseEnvelope.signatures[0]!.sig = '***')),
      code: 'malformed-bundle',
    },
    {
      name: 'no verification material',
      bytes: edit((b) => Reflect.deleteProperty(b, 'verificationMaterial')),
      code: 'malformed-bundle',
    },
    {
      name: 'an empty certificate chain',
      bytes: edit((b) => (b['verificationMaterial'] = { x509CertificateChain: { certificates: [] } })),
      code: 'malformed-bundle',
    },
    {
      name: 'the v0.2 media type',
      bytes: edit((b) => (b.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.2')),
      code: 'parsed',
    },
  ];
  it.each(cases)('$name: $code', ({ bytes, code: expected }) => {
    expect(code(() => parseBundle(bytes))).toBe(expected);
  });
});

describe('pae', () => {
  it('encodes as the DSSE v1 protocol says (lengths in bytes)', () => {
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe(
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
    expect(pae('t', Buffer.from('é')).toString()).toBe('DSSEv1 1 t 2 é');
  });

  it('reproduces model_signing v0.2.0 buggy encoding: Python bytes repr after DSSEV1', () => {
    const payload = Buffer.from('{"a": \'b\'}\n\t\\\x00\xff', 'latin1');
    expect(paeModelSigningV020('t', payload).toString()).toBe(
      `DSSEV1 1 t ${payload.length} b'{"a": \\'b\\'}\\n\\t\\\\\\x00\\xff'`,
    );
    expect(paeModelSigningV020('t', Buffer.from("it's")).toString()).toBe(`DSSEV1 1 t 4 b"it's"`);
  });
});

function readdirNames(): string[] {
  const names = readdirSync(OMS).filter((name) => name.startsWith('v'));
  expect(names).toHaveLength(13);
  return names;
}
