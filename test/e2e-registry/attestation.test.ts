/**
 * The promotion attestation on real registries: olareg (OCI 1.1 Referrers API) and docker-registry
 * 2.8 (the `sha256-<hex>` tag fallback). A promotion with `attest` and a key attaches it;
 * `verify-promotion` finds and checks it (and re-hashes the model files out of the image); real
 * cosign, built from the Go module proxy, verifies the same referrer offline with the public key;
 * an attestation for another environment, checked with another key, or copied onto another
 * manifest, is refused.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { attestationArtifact, findPromotionAttestations } from '../../src/attest/attestation-referrer.js';
import { RegistryClient } from '../../src/oci/remote/client.js';
import { attachReferrer } from '../../src/oci/remote/referrers.js';
import { toolPath } from '../control-plane/tools.js';
import { startReferrersRegistry, startRegistry, type TestRegistry } from '../registry/registry-server.js';
import {
  copyExampleRegistry,
  errorLines,
  generateKeyPair,
  promoteArgs,
  runCli,
  TempDirs,
} from '../e2e/helpers.js';

const run = promisify(execFile);
const PREDICATE_TYPE = 'https://model-promote.dev/promotion/v1';
const temp = new TempDirs();
let models: string;
let keys: { privateKey: string; publicKey: string };
let otherKeys: { privateKey: string; publicKey: string };
const savedDockerConfig = process.env.DOCKER_CONFIG;

beforeAll(async () => {
  models = await copyExampleRegistry(await temp.make());
  const dir = await temp.make();
  keys = await generateKeyPair(dir, 'attest');
  otherKeys = await generateKeyPair(dir, 'other');
  process.env.DOCKER_CONFIG = await temp.make('model-promote-docker-config-');
});
afterAll(async () => {
  await temp.cleanup();
  if (savedDockerConfig === undefined) delete process.env.DOCKER_CONFIG;
  else process.env.DOCKER_CONFIG = savedDockerConfig;
});

describe.each([
  { kind: 'olareg (Referrers API)', start: startReferrersRegistry, mode: 'api' },
  { kind: 'docker-registry 2.8 (tag fallback)', start: () => startRegistry(), mode: 'tag' },
])('attest on $kind', ({ start, mode }) => {
  let registry: TestRegistry;
  let record: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- read back as plain JSON
  beforeAll(async () => {
    registry = await start();
    const output = path.join(await temp.make(), 'out');
    const promoted = await runCli(
      promoteArgs(
        { registry: models, output },
        '--image-repository',
        `${registry.host}/demo`,
        '--attest',
        '--attest-key',
        keys.privateKey,
        '--json',
      ),
    );
    expect(errorLines(promoted.stderr)).toEqual([]);
    expect(promoted.code).toBe(0);
    record = JSON.parse(promoted.stdout);
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('attaches the attestation as a referrer after the manifests, in a stage of its own', async () => {
    expect(record.status).toBe('succeeded');
    expect(record.attestations.promotion).toMatch(/^sha256:[0-9a-f]{64}$/);
    const names = record.stages.map((s: { name: string }) => s.name);
    expect(names.indexOf('attestation')).toBeGreaterThan(names.indexOf('manifests'));
    expect(record.stages.find((s: { name: string }) => s.name === 'attestation').outcome).toBe('ok');
    const tags = (await (await fetch(`${registry.url}/v2/demo/tags/list`)).json()) as { tags: string[] };
    const fallbackTag = `sha256-${record.image.digest.slice('sha256:'.length)}`;
    expect(tags.tags.includes(fallbackTag)).toBe(mode === 'tag');
  });

  it('verify-promotion accepts it for production, and re-hashes the model files from the image', async () => {
    const checked = await runCli([
      'verify-promotion',
      record.image.reference,
      '--public-key',
      keys.publicKey,
      '--environment',
      'production',
      '--layers',
      '--json',
    ]);
    expect(errorLines(checked.stderr)).toEqual([]);
    expect(checked.code).toBe(0);
    expect(JSON.parse(checked.stdout)).toMatchObject({
      image: record.image.reference,
      attestation: record.attestations.promotion,
      environment: 'production',
      promotionId: record.promotionId,
      model: { name: 'sentiment', version: record.model.version, digest: record.model.digest },
      layersChecked: record.model.files,
    });
  });

  it('verify-promotion refuses it for staging, and with another key, naming the reason (exit 1)', async () => {
    const staging = await runCli([
      'verify-promotion',
      record.image.reference,
      '--public-key',
      keys.publicKey,
      '--environment',
      'staging',
    ]);
    expect(staging.code).toBe(1);
    expect(errorLines(staging.stderr)).toEqual([
      expect.stringMatching(
        /^error: attestation sha256:[0-9a-f]{64} promotes the image to production, not staging\./,
      ),
    ]);
    const otherKey = await runCli([
      'verify-promotion',
      record.image.reference,
      '--public-key',
      otherKeys.publicKey,
    ]);
    expect(otherKey.code).toBe(1);
    expect(errorLines(otherKey.stderr)[0]).toMatch(
      /key hint [0-9a-f]{64} matches none of the 1 trusted public key/,
    );
  });

  it('verify-promotion refuses a manifest without one: the model signature referrer (exit 1)', async () => {
    const other = await runCli([
      'verify-promotion',
      `${registry.host}/demo@${record.attestations.signature}`,
      '--public-key',
      keys.publicKey,
    ]);
    expect(other.code).toBe(1);
    expect(errorLines(other.stderr)[0]).toMatch(/has no promotion attestation/);
  });

  it("verify-promotion refuses this image's attestation copied onto another manifest (exit 1)", async () => {
    const client = new RegistryClient({ registry: registry.host });
    const [found] = await findPromotionAttestations(client, 'demo', record.image.digest);
    // The model signature's referrer manifest stands for another image: a subject of its own.
    const other = await client.headManifest('demo', record.attestations.signature);
    await attachReferrer(
      client,
      'demo',
      other!,
      attestationArtifact(found!.bundle, { environment: 'production', promotionId: record.promotionId }),
    );
    const copied = await runCli([
      'verify-promotion',
      `${registry.host}/demo@${record.attestations.signature}`,
      '--public-key',
      keys.publicKey,
      '--environment',
      'production',
    ]);
    expect(copied.code).toBe(1);
    expect(errorLines(copied.stderr)[0]).toMatch(
      new RegExp(
        `is for image ${record.image.digest} \\(${registry.host}/demo\\), not ${record.attestations.signature}`,
      ),
    );
  });

  it('real cosign verify-attestation --new-bundle-format verifies it offline with the public key', async () => {
    const { stdout, stderr } = await run(
      toolPath('cosign'),
      [
        'verify-attestation',
        '--new-bundle-format',
        '--type',
        PREDICATE_TYPE,
        '--key',
        keys.publicKey,
        '--insecure-ignore-tlog',
        '--allow-http-registry',
        '--allow-insecure-registry',
        record.image.reference,
      ],
      { env: { ...process.env, SIGSTORE_NO_CACHE: '1', TUF_ROOT: await temp.make() } },
    );
    expect(stderr).toMatch(/verified/i);
    const envelope = JSON.parse(stdout.trim().split('\n')[0]!) as { payload: string };
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
    expect(statement.predicateType).toBe(PREDICATE_TYPE);
    expect(statement.subject[0].digest.sha256).toBe(record.image.digest.slice('sha256:'.length));
    expect(statement.predicate.environment.name).toBe('production');
  });

  it('real cosign refuses it with another key', async () => {
    await expect(
      run(toolPath('cosign'), [
        'verify-attestation',
        '--new-bundle-format',
        '--type',
        PREDICATE_TYPE,
        '--key',
        otherKeys.publicKey,
        '--insecure-ignore-tlog',
        '--allow-http-registry',
        '--allow-insecure-registry',
        record.image.reference,
      ]),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/verif|signature/i) });
  });
});

describe('attest with the image written as an OCI layout', () => {
  it('writes the attestation beside the image, and the record names it', async () => {
    const output = path.join(await temp.make(), 'out');
    const promoted = await runCli(
      promoteArgs({ registry: models, output }, '--attest', '--attest-key', keys.privateKey, '--json'),
    );
    expect(promoted.code).toBe(0);
    const record = JSON.parse(promoted.stdout);
    expect(record.attestations.promotionFile).toBe(path.join(output, 'attestation.sigstore.json'));
    const bundle = JSON.parse(await readFile(record.attestations.promotionFile, 'utf8'));
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'));
    expect(statement.subject[0].digest.sha256).toBe(record.image.digest.slice('sha256:'.length));
  });
});
