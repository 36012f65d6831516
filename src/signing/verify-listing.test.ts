import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { PromotionError } from '../errors.js';
import type { PolicyRequirement } from './policy-sources.js';
import { verifySignedListing, type ListedModelFile } from './verify-listing.js';
import { verifyModel } from './verify-model.js';

const EXAMPLES = path.join(import.meta.dirname, '../../examples');
const MODEL = path.join(EXAMPLES, 'registry/sentiment/2');
const requirement = async (): Promise<PolicyRequirement> => ({
  source: 'inputs',
  alternatives: [
    {
      method: 'key',
      publicKeys: [await readFile(path.join(EXAMPLES, 'keys/example-signing.pub.pem'), 'utf8')],
    },
  ],
});

/** The example version as a registry lists it: every file with its size, model.sig included. */
async function listing(): Promise<ListedModelFile[]> {
  const names = (await readdir(MODEL)).sort();
  return Promise.all(
    names.map(async (name) => ({ path: name, size: (await stat(path.join(MODEL, name))).size })),
  );
}

async function refusal(files: readonly ListedModelFile[], requirements?: PolicyRequirement[]) {
  const bundle = await readFile(path.join(MODEL, 'model.sig'));
  try {
    await verifySignedListing(bundle, files, requirements ?? [await requirement()], {
      signatureName: 'model.sig',
    });
  } catch (error) {
    expect(error).toBeInstanceOf(PromotionError);
    return error as PromotionError;
  }
  throw new Error('the listing was accepted');
}

describe('verifySignedListing', () => {
  it('accepts the signed files as listed, with the digest and files the folder verification finds', async () => {
    const bundle = await readFile(path.join(MODEL, 'model.sig'));
    const signed = await verifySignedListing(bundle, await listing(), [await requirement()], {
      signatureName: 'model.sig',
    });
    const onDisk = await verifyModel(
      { directory: MODEL, signaturePath: path.join(MODEL, 'model.sig'), signatureName: 'model.sig' },
      [await requirement()],
    );
    expect(signed.digest).toBe(onDisk.digest);
    expect([...signed.files].sort((a, b) => a.path.localeCompare(b.path))).toEqual(
      [...onDisk.files].sort((a, b) => a.path.localeCompare(b.path)),
    );
    expect(signed.bytes).toBe(onDisk.bytes);
    expect(signed.satisfied).toEqual(['inputs']);
  });

  it.each([
    [
      'a signed file missing',
      (files: ListedModelFile[]) => files.filter((f) => f.path !== 'vocab.txt'),
      /1 missing \(vocab\.txt\)/,
    ],
    [
      'a file nobody signed',
      (files: ListedModelFile[]) => [...files, { path: 'extra.bin', size: 3 }],
      /1 extra \(extra\.bin\)/,
    ],
    [
      'a file without a size',
      (files: ListedModelFile[]) => files.map((f) => (f.path === 'vocab.txt' ? { ...f, size: -1 } : f)),
      /vocab\.txt without a usable size/,
    ],
  ])('refuses %s with model-mismatch, naming it', async (_, change, message) => {
    const error = await refusal(change(await listing()));
    expect(error.code).toBe('model-mismatch');
    expect(error.kind).toBe('refused');
    expect(error.message).toMatch(message);
  });

  it('refuses a signer the policy does not trust, before looking at the files', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    const error = await refusal(
      [{ path: 'not-even-signed', size: 1 }],
      [{ source: 'environment production', alternatives: [{ method: 'key', publicKeys: [String(other)] }] }],
    );
    expect(error.kind).toBe('refused');
    expect(error.code).not.toBe('model-mismatch');
    expect(error.message).toMatch(/policy of environment production/);
  });

  it('leaves out the ignore paths and git files, as the folder verification does', async () => {
    const bundle = await readFile(path.join(MODEL, 'model.sig'));
    const files = [
      ...(await listing()),
      { path: '.git/config', size: 10 },
      { path: '.gitattributes', size: 4 },
    ];
    const signed = await verifySignedListing(bundle, files, [await requirement()], {
      signatureName: 'model.sig',
    });
    expect(signed.files.map((f) => f.path)).not.toContain('.git/config');
    expect(signed.files.map((f) => f.path)).not.toContain('.gitattributes');
  });
});
