/**
 * The whole promotion through the CLI into the test cluster (the real control plane; the node
 * agent's pods run the image's model files in test/model-server, on Nodes shaped like the example
 * catalog's GPU pools): deploy, then a dry run that shows the change and changes nothing, then a
 * failing rollout that is rolled back.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setFault, sharedPlane, type SharedPlane } from '../control-plane/shared-plane.js';
import {
  copyExampleRegistry,
  errorLines,
  EXAMPLE_CATALOG,
  EXAMPLE_PUBLIC_KEY,
  listTop,
  promoteArgs,
  runCli,
  TempDirs,
} from './helpers.js';

const NAMESPACE = 'models-prod';
const DEPLOYMENT = 'sentiment-production';

describe('model-promote promote --kubeconfig (the test cluster)', () => {
  const temp = new TempDirs();
  let registry: string;
  let catalog: string;
  let cluster: SharedPlane;

  beforeAll(async () => {
    registry = await copyExampleRegistry(await temp.make());
    // The example pools' latency SLOs (p95 100 ms) are for real serving: a busy test machine must not
    // fail a rollout on them. SLO breaches are tested deterministically in test/deploy.
    catalog = path.join(await temp.make(), 'catalog.yaml');
    const text = (await readFile(EXAMPLE_CATALOG, 'utf8'))
      .replace(/latencySLO: \{[^}]*\}/g, 'latencySLO: { p50Ms: 30000, p95Ms: 60000 }')
      .replace('keys/example-signing.pub.pem', EXAMPLE_PUBLIC_KEY);
    await writeFile(catalog, text);
    cluster = sharedPlane();
  });
  afterAll(async () => {
    await temp.cleanup();
  });

  const liveVersion = async () =>
    (
      await cluster.admin.read({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: DEPLOYMENT, namespace: NAMESPACE },
      })
    )?.metadata.annotations?.['model-promote.dev/version'];

  it('deploys v1, then v2: the pods answer with the new model and the record tells "v1 -> v2"', async () => {
    for (const version of ['1', '2']) {
      const output = path.join(await temp.make(), 'out');
      const run = await runCli(
        promoteArgs({ registry, catalog, output, version }, '--kubeconfig', cluster.kubeconfigPath, '--json'),
      );
      expect(errorLines(run.stderr)).toEqual([]);
      expect(run.code).toBe(0);
      const record = JSON.parse(run.stdout);
      expect(record.stages.map((s: { name: string }) => s.name)).toContain('deploy');
      expect(record.deploy).toEqual([
        expect.objectContaining({
          namespace: NAMESPACE,
          version,
          rolledBack: false,
          ...(version === '2' && { previousVersion: '1' }),
          smoke: expect.objectContaining({ requests: expect.any(Number) }),
        }),
      ]);
      expect(run.stderr).toContain(`"version":"${version}"`); // the smoke reply came from this version's files
      expect(await liveVersion()).toBe(version);
      // The real scheduler put the pods on the node of the pool the model's labels chose: a GPU
      // node, tainted, which the rendered tolerations allow (v1 needs 16Gi: L4; v2 40Gi: A100).
      const pods = await cluster.admin.list(`/api/v1/namespaces/${NAMESPACE}/pods`, {
        labelSelector: 'model-promote.dev/version=' + version,
      });
      const nodes = new Set(pods.items.map((p) => (p.spec as { nodeName?: string }).nodeName));
      expect([...nodes]).toEqual([version === '1' ? 'production-gpu-l4-24g' : 'production-gpu-a100-80g']);
    }
  });

  it('--dry-run shows what would change in the cluster and changes nothing', async () => {
    const output = path.join(await temp.make(), 'out');
    const run = await runCli(
      promoteArgs(
        { registry, catalog, output, version: '1' },
        '--kubeconfig',
        cluster.kubeconfigPath,
        '--dry-run',
        '--json',
      ),
    );
    expect(run.code).toBe(0);
    const record = JSON.parse(run.stdout);
    expect(record.status).toBe('planned');
    expect(record.deploy).toEqual([
      expect.objectContaining({ namespace: NAMESPACE, version: '1', applied: [] }),
    ]);
    // The server-side dry run compared with the live objects: the Deployment would change to v1.
    expect(run.stderr).toMatch(/^~ Deployment\/sentiment-production \(update\)$/m);
    expect(run.stderr).toMatch(/^ +-.*model-promote\.dev\/version: "?2"?$/m);
    expect(run.stderr).toMatch(/^ +\+.*model-promote\.dev\/version: "?1"?$/m);
    expect(await liveVersion()).toBe('2');
    // The rendered manifests are written for review; no image.
    expect(await listTop(output)).toEqual(['manifests', 'promotion.json', 'summary.md']);
  });

  it('a rollout that cannot pull its image is rolled back to the running version: exit 1, reason and evidence', async () => {
    await setFault(cluster.admin, NAMESPACE, { name: DEPLOYMENT }, { kind: 'image-pull' });
    try {
      const output = path.join(await temp.make(), 'out');
      const run = await runCli(
        promoteArgs(
          { registry, catalog, output, version: '1' },
          '--kubeconfig',
          cluster.kubeconfigPath,
          '--json',
        ),
      );
      expect(run.code).toBe(1);
      expect(errorLines(run.stderr)).toEqual([expect.stringMatching(/^error: .*Fix: /)]);
      const record = JSON.parse(run.stdout);
      expect(record.status).toBe('failed');
      expect(record.deploy).toEqual([
        expect.objectContaining({ rolledBack: true, reason: expect.any(String) }),
      ]);
      expect(record.deploy[0].evidence.events.join('\n')).toMatch(/pull/i);
      expect(await liveVersion()).toBe('2');
      expect(await listTop(output)).toEqual(['promotion.json', 'summary.md']);
    } finally {
      await setFault(cluster.admin, NAMESPACE, { name: DEPLOYMENT }, undefined);
    }
  });
});
