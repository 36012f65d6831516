/**
 * The attestation after a real deploy: a promotion into the test cluster with `attest` and a key.
 * The test cluster runs images from the output folder's OCI layout (its node agent pulls from no
 * registry), so the attestation is the file beside the layout; the registry side is
 * test/e2e-registry/attestation.test.ts. The statement records what the deploy did (the cluster,
 * namespace and versions; the digests of the manifests the cluster applied, as written to the
 * output folder), signed by the key. Its own namespace, so it can run beside cluster-promote.test.ts.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sharedPlane, testNamespace } from '../control-plane/shared-plane.js';
import {
  copyExampleRegistry,
  errorLines,
  EXAMPLE_CATALOG,
  EXAMPLE_PUBLIC_KEY,
  generateKeyPair,
  promoteArgs,
  runCli,
  TempDirs,
} from './helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the record and statement are plain JSON */
describe('attest after a deploy into the test cluster', () => {
  const temp = new TempDirs();
  let namespace: string;
  let record: any;
  let output: string;
  let keys: { privateKey: string; publicKey: string };

  beforeAll(async () => {
    const cluster = sharedPlane();
    namespace = await testNamespace(cluster.admin, 'models-attest');
    keys = await generateKeyPair(await temp.make(), 'attest');
    const registry = await copyExampleRegistry(await temp.make());
    const catalog = path.join(await temp.make(), 'catalog.yaml');
    const text = (await readFile(EXAMPLE_CATALOG, 'utf8'))
      .replace(/latencySLO: \{[^}]*\}/g, 'latencySLO: { p50Ms: 30000, p95Ms: 60000 }')
      .replace('keys/example-signing.pub.pem', EXAMPLE_PUBLIC_KEY)
      .replaceAll('namespace: models-prod', `namespace: ${namespace}`);
    await writeFile(catalog, text);
    output = path.join(await temp.make(), 'out');
    const run = await runCli(
      promoteArgs(
        { registry, catalog, output, version: '1' },
        '--kubeconfig',
        cluster.kubeconfigPath,
        '--attest',
        '--attest-key',
        keys.privateKey,
        '--json',
      ),
    );
    expect(errorLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    record = JSON.parse(run.stdout);
  });
  afterAll(async () => {
    await temp.cleanup();
  });

  it('attests after the deploy, and the statement records the deploy and the applied manifests', async () => {
    const names = record.stages.map((s: { name: string }) => s.name);
    expect(names.slice(-2)).toEqual(['deploy', 'attestation']);
    const bundle = JSON.parse(await readFile(record.attestations.promotionFile, 'utf8'));
    // The DSSE signature, checked here with node:crypto alone (PAE as the DSSE spec writes it).
    const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
    const type = bundle.dsseEnvelope.payloadType as string;
    const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${payload.length} `), payload]);
    const signature = Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64');
    expect(verify('sha256', pae, createPublicKey(await readFile(keys.publicKey)), signature)).toBe(true);
    const statement = JSON.parse(payload.toString('utf8'));
    expect(statement.subject[0].digest.sha256).toBe(record.image.digest.slice('sha256:'.length));
    expect(statement.predicate.clusters).toEqual([expect.objectContaining({ namespace, version: '1' })]);
    expect(statement.predicate.environment).toMatchObject({ name: 'production', namespace });
    for (const manifest of statement.predicate.manifests) {
      const file = await readFile(path.join(output, 'manifests', manifest.name));
      expect(createHash('sha256').update(file).digest('hex')).toBe(manifest.digest.sha256);
    }
    expect(statement.predicate.manifests.length).toBeGreaterThan(0);
  });
});
