import { afterEach, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PromotionError } from '../errors.js';
import type { PolicyRequirement } from './policy-sources.js';
import { signModel } from './sign-model.js';
import { verifyModel } from './verify-model.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A model folder of three files and a P-256 key pair; returns paths and the public key PEM. */
async function setup() {
  dir = await mkdtemp(path.join(tmpdir(), 'sign-model-'));
  const model = path.join(dir, 'model');
  await mkdir(path.join(model, 'sub'), { recursive: true });
  await writeFile(path.join(model, 'weights.bin'), Buffer.alloc(4096, 7));
  await writeFile(path.join(model, 'config.json'), '{"a":1}');
  await writeFile(path.join(model, 'sub/vocab.txt'), 'good\nbad\n');
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateKeyPath = path.join(dir, 'key.pem');
  await writeFile(privateKeyPath, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const publicKey = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const requirement: PolicyRequirement = {
    source: 'inputs',
    alternatives: [{ method: 'key', publicKeys: [publicKey] }],
  };
  return { model, privateKeyPath, requirement };
}

const onDisk = (model: string, signaturePath = path.join(model, 'model.sig')) => ({
  directory: model,
  signaturePath,
  signatureName: path.relative(model, signaturePath),
});

describe('signModel', () => {
  it('writes model.sig that verifyModel accepts, with the same subject digest', async () => {
    const { model, privateKeyPath, requirement } = await setup();
    const signed = await signModel(model, { privateKeyPath });
    expect(signed).toEqual({
      signaturePath: path.join(model, 'model.sig'),
      files: 3,
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    const verified = await verifyModel(onDisk(model), [requirement]);
    expect(verified.digest).toBe(signed.digest);
    expect(verified.files).toHaveLength(3);
    expect(verified.signature.method).toBe('key');
  });

  it('signs the same folder to the same digest twice', async () => {
    const { model, privateKeyPath } = await setup();
    const first = await signModel(model, { privateKeyPath });
    const second = await signModel(model, { privateKeyPath });
    expect(second.digest).toBe(first.digest);
  });

  it.each([
    {
      name: 'a changed byte',
      change: (m: string) => writeFile(path.join(m, 'sub/vocab.txt'), 'good\nbaD\n'),
      file: 'sub/vocab.txt',
    },
    {
      name: 'an extra file',
      change: (m: string) => writeFile(path.join(m, 'extra.txt'), 'x'),
      file: 'extra.txt',
    },
    { name: 'a removed file', change: (m: string) => rm(path.join(m, 'config.json')), file: 'config.json' },
  ])('verification after $name is refused, naming the file', async ({ change, file }) => {
    const { model, privateKeyPath, requirement } = await setup();
    await signModel(model, { privateKeyPath });
    await change(model);
    const error = await verifyModel(onDisk(model), [requirement]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PromotionError);
    expect((error as PromotionError).kind).toBe('refused');
    expect((error as PromotionError).message).toContain(file);
  });

  it('ignore-paths leave files out of the signature, which may be written outside the folder', async () => {
    const { model, privateKeyPath, requirement } = await setup();
    const signaturePath = path.join(dir!, 'elsewhere.sig');
    const signed = await signModel(model, { privateKeyPath, signaturePath, ignorePaths: ['sub'] });
    expect(signed.files).toBe(2);
    expect(JSON.parse(await readFile(signaturePath, 'utf8')).dsseEnvelope).toBeDefined();
    await expect(verifyModel(onDisk(model, signaturePath), [requirement])).resolves.toMatchObject({
      digest: signed.digest,
    });
  });

  it('an unreadable private key is a usage error', async () => {
    const { model } = await setup();
    const error = await signModel(model, { privateKeyPath: path.join(dir!, 'missing.pem') }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: 'usage' });
    expect((error as Error).message).toContain('missing.pem');
  });
});
