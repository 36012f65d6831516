/**
 * Interop with upstream's model_signing (the OMS reference implementation, from PyPI), both ways,
 * on models made fresh in each test: what upstream signs (its CLI for the key and certificate
 * methods on each curve; its library for the hash and serialization options the CLI does not
 * expose) our `verify` accepts, and refuses once a byte, a file more or a file less differs, naming
 * the file; what our `sign` writes, upstream's `verify` accepts.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { appendFile, cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toolPath } from '../control-plane/tools.js';
import { CA_SECTION, LEAF_SECTION, OpensslPki } from './openssl-pki.js';
import { signStatement } from '../../src/signing/sign-statement.js';
import { errorLines, execFileAsync, NODE_24, REPO, runCli, TempDirs } from '../e2e/helpers.js';

const temp = new TempDirs();
const SIGN_WITH_LIBRARY = path.join(import.meta.dirname, 'sign_with_model_signing.py');

afterAll(() => temp.cleanup());

const openssl = (...args: string[]) => execFileAsync('openssl', args);

/** An EC key pair on `curve`: PEM private and public key paths. */
async function keyPair(dir: string, curve: string): Promise<{ key: string; pub: string }> {
  const key = path.join(dir, `${curve}.key`);
  const pub = path.join(dir, `${curve}.pub`);
  await openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${curve}`, '-out', key);
  await openssl('pkey', '-in', key, '-pubout', '-out', pub);
  return { key, pub };
}

/** A model folder: weights over several shards, a config, a nested file, an empty file, and a .git folder. */
async function model(dir: string): Promise<string> {
  const root = path.join(dir, 'model');
  await mkdir(path.join(root, 'tokenizer'), { recursive: true });
  await mkdir(path.join(root, '.git'), { recursive: true });
  await writeFile(path.join(root, 'weights.bin'), randomBytes(3 * 1024 * 1024 + 17));
  await writeFile(path.join(root, 'config.json'), '{"hidden": 16}\n');
  await writeFile(path.join(root, 'tokenizer', 'vocab.txt'), 'a\nb\nc\n');
  await writeFile(path.join(root, 'empty.txt'), '');
  await writeFile(path.join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  return root;
}

/**
 * A PKI made by openssl in `dir`: root -> intermediate -> leaf (code signing), and a stranger root.
 * Files: NAME.key and NAME.crt for root, intermediate, leaf, stranger; subjects CN=NAME.
 */
async function certificateChain(dir: string): Promise<void> {
  const pki = new OpensslPki(dir);
  await pki.extensions(CA_SECTION + LEAF_SECTION);
  await pki.root('root', 'ca');
  await pki.root('stranger', 'ca');
  await pki.issue('intermediate', 'root', 'ca');
  await pki.issue('leaf', 'intermediate', 'leaf');
}

async function verify(dir: string, signature: string, ...policy: string[]) {
  return runCli(['verify', dir, '--signature', signature, ...policy, '--json']);
}

/** Upstream's CLI, key method: `model_signing sign key TARGET --private_key KEY --signature SIG ...`. */
function upstreamSignKey(target: string, key: string, signature: string, ...options: string[]) {
  return execFileAsync(toolPath('model_signing'), [
    'sign', 'key', target, '--private_key', key, '--signature', signature, ...options,
  ]); // prettier-ignore
}

/** The CLI run succeeded; its stderr is shown when it did not. */
function expectSuccess(run: { code: number; stderr: string }): void {
  expect({ code: run.code, stderr: run.code ? run.stderr : '' }).toEqual({ code: 0, stderr: '' });
}

/** Each way a copy of the model can differ from what was signed, and the file the refusal names. */
const TAMPERS = [
  {
    name: 'one byte changed',
    file: 'weights.bin',
    change: (dir: string) => appendFile(path.join(dir, 'weights.bin'), 'x'),
  },
  {
    name: 'a file more',
    file: 'extra.bin',
    change: (dir: string) => writeFile(path.join(dir, 'extra.bin'), 'x'),
  },
  { name: 'a file less', file: 'config.json', change: (dir: string) => rm(path.join(dir, 'config.json')) },
];

describe('signed by upstream model_signing, verified by ours', () => {
  it.each(['P-256', 'P-384', 'P-521'])(
    'the key method on %s (model_signing sign key), and tampered copies refused',
    async (curve) => {
      const dir = await temp.make();
      const root = await model(dir);
      const { key, pub } = await keyPair(dir, curve);
      const signature = path.join(dir, 'model.sig');
      await upstreamSignKey(root, key, signature);
      const ok = await verify(root, signature, '--public-key', pub);
      expectSuccess(ok);
      for (const tamper of TAMPERS) {
        const copy = path.join(dir, `copy-${tamper.name.replaceAll(' ', '-')}`);
        await cp(root, copy, { recursive: true });
        await tamper.change(copy);
        const refused = await verify(copy, signature, '--public-key', pub);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain(tamper.file);
      }
    },
  );

  it.each([
    { hash: 'sha256', serialization: 'files', shard: 0 },
    { hash: 'blake2', serialization: 'files', shard: 0 },
    { hash: 'sha256', serialization: 'shards', shard: 1024 * 1024 },
    { hash: 'sha256', serialization: 'shards', shard: 1000 },
    { hash: 'blake2', serialization: 'shards', shard: 4 * 1024 * 1024 },
    { hash: 'blake3', serialization: 'files', shard: 0 },
    { hash: 'blake3', serialization: 'shards', shard: 1024 * 1024 },
    { hash: 'blake3', serialization: 'shards', shard: 1000 },
  ])('the library: $hash over $serialization (shard $shard)', async ({ hash, serialization, shard }) => {
    const dir = await temp.make();
    const root = await model(dir);
    const { key, pub } = await keyPair(dir, 'P-256');
    const signature = path.join(dir, 'model.sig');
    await execFileAsync(toolPath('test-python'), [
      SIGN_WITH_LIBRARY, root, signature, key, hash, serialization, String(shard || 1), '[]',
    ]); // prettier-ignore
    const ok = await verify(root, signature, '--public-key', pub);
    expectSuccess(ok);
    await appendFile(path.join(root, 'tokenizer', 'vocab.txt'), 'd\n');
    const refused = await verify(root, signature, '--public-key', pub);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('tokenizer/vocab.txt');
  });

  it('a single-file model (model_signing sign key FILE)', async () => {
    const dir = await temp.make();
    const file = path.join(dir, 'model.safetensors');
    await writeFile(file, randomBytes(2 * 1024 * 1024 + 3));
    const { key, pub } = await keyPair(dir, 'P-384');
    const signature = path.join(dir, 'model.sig');
    await upstreamSignKey(file, key, signature);
    const ok = await verify(file, signature, '--public-key', pub);
    expectSuccess(ok);
    await appendFile(file, 'x');
    const refused = await verify(file, signature, '--public-key', pub);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('model.safetensors');
  });

  it('blake3 through the bundled CLI (dist/cli, whose hash worker is an entry point of its own)', async () => {
    const dir = await temp.make();
    const root = await model(dir);
    const { key, pub } = await keyPair(dir, 'P-256');
    const signature = path.join(dir, 'model.sig');
    await execFileAsync(toolPath('test-python'), [
      SIGN_WITH_LIBRARY, root, signature, key, 'blake3', 'shards', String(1024 * 1024), '[]',
    ]); // prettier-ignore
    const cli = (...args: string[]) =>
      execFileAsync(NODE_24, [
        path.join(REPO, 'dist/cli/index.js'),
        'verify',
        root,
        '--signature',
        signature,
        ...args,
      ]);
    const { stdout } = await cli('--public-key', pub, '--json');
    expect(JSON.parse(stdout)).toMatchObject({ verified: true });
    await appendFile(path.join(root, 'weights.bin'), 'x');
    await expect(cli('--public-key', pub)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('weights.bin'),
    });
  });

  it('a hash name no one offers, in a statement signed by the trusted key, is refused naming it', async () => {
    const dir = await temp.make();
    const root = await model(dir);
    const { key, pub } = await keyPair(dir, 'P-256');
    const signature = path.join(dir, 'model.sig');
    await upstreamSignKey(root, key, signature);
    // The same statement with another hash_type, signed again with the same key: a valid signature.
    const bundle = JSON.parse(await readFile(signature, 'utf8')) as { dsseEnvelope: { payload: string } };
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as {
      predicate: { serialization: { hash_type: string } };
    };
    statement.predicate.serialization.hash_type = 'sha3_256';
    const resigned = signStatement(Buffer.from(JSON.stringify(statement)), await readFile(key, 'utf8'));
    await writeFile(signature, JSON.stringify(resigned));
    const refused = await verify(root, signature, '--public-key', pub);
    expect(refused.code).toBe(1);
    expect(errorLines(refused.stderr)).toEqual([
      "error: hash_type 'sha3_256' is not supported (supported: sha256, blake2b, blake3). Fix: sign the model again with a hash model_signing offers: sha256 (its default), blake2 or blake3",
    ]);
  });

  it('the certificate method, with a chain made by openssl', async () => {
    const dir = await temp.make();
    const root = await model(dir);
    const f = (name: string) => path.join(dir, name);
    await certificateChain(dir);
    const signature = f('model.sig');
    await execFileAsync(toolPath('model_signing'), [
      'sign', 'certificate', root, '--private_key', f('leaf.key'), '--signing_certificate', f('leaf.crt'),
      '--certificate_chain', f('intermediate.crt'), '--signature', signature,
    ]); // prettier-ignore
    const ok = await verify(root, signature, '--certificate-chain', f('root.crt'));
    expectSuccess(ok);
    const other = await verify(
      root,
      signature,
      '--certificate-chain',
      f('intermediate.key').replace('.key', '.crt').replace('intermediate', 'leaf'),
    );
    expect(other.code).toBe(1);
  });
});

describe('signed by ours, verified by upstream model_signing', () => {
  it.each(['P-256', 'P-384', 'P-521'])(
    'model-promote sign on %s; model_signing verify key accepts it, and refuses a changed byte',
    async (curve) => {
      const dir = await temp.make();
      const root = await model(dir);
      await rm(path.join(root, '.git'), { recursive: true });
      const { key, pub } = await keyPair(dir, curve);
      const signature = path.join(dir, 'model.sig');
      const signed = await runCli(['sign', root, '--private-key', key, '--signature', signature]);
      expectSuccess(signed);
      const upstreamVerify = () =>
        execFileAsync(toolPath('model_signing'), [
          'verify',
          'key',
          root,
          '--signature',
          signature,
          '--public_key',
          pub,
        ]);
      await upstreamVerify();
      await appendFile(path.join(root, 'weights.bin'), 'x');
      await expect(upstreamVerify()).rejects.toThrow();
    },
  );
});

describe('signed by ours with the certificate method, verified by upstream model_signing', () => {
  it('model-promote sign --signing-certificate --certificate-chain; model_signing verify certificate accepts it', async () => {
    const dir = await temp.make();
    const root = await model(dir);
    await rm(path.join(root, '.git'), { recursive: true });
    await certificateChain(dir);
    const f = (name: string) => path.join(dir, name);
    const signature = f('model.sig');
    const signed = await runCli([
      'sign', root, '--private-key', f('leaf.key'), '--signing-certificate', f('leaf.crt'),
      '--certificate-chain', f('intermediate.crt'), '--signature', signature,
    ]); // prettier-ignore
    expectSuccess(signed);
    const upstreamVerify = (anchor: string) =>
      execFileAsync(toolPath('model_signing'), [
        'verify', 'certificate', root, '--signature', signature, '--certificate_chain', f(anchor),
      ]); // prettier-ignore
    await upstreamVerify('root.crt');
    await expect(upstreamVerify('stranger.crt')).rejects.toThrow();
    const ours = await verify(root, signature, '--certificate-chain', f('root.crt'));
    expectSuccess(ours);
  });

  it("refuses, before hashing, a private key that is not the signing certificate's (usage, exit 2)", async () => {
    const dir = await temp.make();
    const root = await model(dir);
    await certificateChain(dir);
    const f = (name: string) => path.join(dir, name);
    const signed = await runCli([
      'sign', root, '--private-key', f('stranger.key'), '--signing-certificate', f('leaf.crt'),
      '--certificate-chain', f('intermediate.crt'), '--signature', f('model.sig'),
    ]); // prettier-ignore
    expect(signed.code).toBe(2);
    expect(errorLines(signed.stderr)[0]).toMatch(
      /the private key is not the key of signing certificate CN=leaf/,
    );
    await expect(readFile(f('model.sig'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe("upstream's verify options, on our verify", () => {
  const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'oms', 'model-transparency');
  const PUBLIC_KEY = path.join(FIXTURES, 'keys', 'certificate', 'signing-key-pub.pem');

  it.each(['v1.0.1'])(
    '%s fixtures (signed with --ignore-paths ignore-me, not recorded): verify with --ignore-paths ignore-me, refused without',
    async (version) => {
      const folder = path.join(FIXTURES, `${version}-elliptic-key`);
      const signature = path.join(folder, 'model.sig');
      const refused = await verify(folder, signature, '--public-key', PUBLIC_KEY);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('ignore-me');
      const ok = await verify(folder, signature, '--public-key', PUBLIC_KEY, '--ignore-paths', 'ignore-me');
      expectSuccess(ok);
      const unsigned = await verify(folder, signature, '--public-key', PUBLIC_KEY, '--ignore-unsigned-files');
      expect(unsigned.code).toBe(0);
    },
  );

  it('--no-ignore-git-paths: a model signed with its .git folder verifies only with it, as upstream', async () => {
    const dir = await temp.make();
    const root = await model(dir);
    const { key, pub } = await keyPair(dir, 'P-256');
    const signature = path.join(dir, 'model.sig');
    await upstreamSignKey(root, key, signature, '--no-ignore-git-paths');
    // By default .git is left out, so the signed .git/HEAD is missing (upstream says the same).
    const refused = await verify(root, signature, '--public-key', pub);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('missing (.git/HEAD)');
    const ok = await verify(root, signature, '--public-key', pub, '--no-ignore-git-paths');
    expectSuccess(ok);
  });

  it('--allow-symlinks follows a link upstream followed when it signed', async () => {
    const dir = await temp.make();
    const root = await model(dir);
    await rm(path.join(root, '.git'), { recursive: true });
    const target = path.join(dir, 'outside.bin');
    await writeFile(target, randomBytes(1000));
    await symlink(target, path.join(root, 'linked.bin'));
    const { key, pub } = await keyPair(dir, 'P-256');
    const signature = path.join(dir, 'model.sig');
    await upstreamSignKey(root, key, signature, '--allow_symlinks');
    const ok = await verify(root, signature, '--public-key', pub, '--allow-symlinks');
    expectSuccess(ok);
  });
});
