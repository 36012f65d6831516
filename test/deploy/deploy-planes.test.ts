/**
 * What needs control planes of its own, not the shared one: a promotion across two clusters (two
 * real control planes, two node agents), and a rollout whose API server is killed and restarted
 * mid-watch while the cluster carries on through a second API server (a highly available control
 * plane), so our watch resumes from a resourceVersion the restarted server no longer has: 410 Gone.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse as parseYaml, stringify } from 'yaml';
import { deploy } from '../../src/deploy/deploy.js';
import { deployToClusters } from '../../src/deploy/cluster-targets.js';
import { setFault } from '../control-plane/shared-plane.js';
import { createNamespace, startTestPlane, type TestPlane } from '../control-plane/test-plane.js';
import { waitFor } from '../control-plane/wait.js';
import {
  deployFailure as failure,
  deployInput,
  listKind,
  startWorld,
  testPool,
  type DeployWorld,
} from './deploy-fixtures.js';

let world: DeployWorld;
let east: TestPlane;
let west: TestPlane;
/** One kubeconfig with both clusters, as a user's would: contexts `east` and `west`. */
let both: string;

type Kubeconfig = { clusters: unknown[]; users: unknown[]; contexts: unknown[] };

beforeAll(async () => {
  world = await startWorld();
  [east, west] = [
    await startTestPlane({ name: 'east', highlyAvailable: true, timeScale: 0.1, namespaces: ['models'] }),
    await startTestPlane({ name: 'west', timeScale: 0.1, namespaces: ['models'] }),
  ];
  const [a, b] = [east, west].map((p) => parseYaml(p.kubeconfig) as Kubeconfig) as [Kubeconfig, Kubeconfig];
  both = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [...a.clusters, ...b.clusters],
    users: [...a.users, ...b.users],
    contexts: [...a.contexts, ...b.contexts],
    'current-context': 'east',
  });
}, 240_000);
afterAll(async () => {
  await Promise.all([east?.close(), west?.close()]);
  await world?.close();
});

const versionIn = async (plane: TestPlane, namespace: string) =>
  (await listKind(plane.admin, 'Deployment', namespace))[0]?.metadata.annotations?.[
    'model-promote.dev/version'
  ];

describe('two clusters', () => {
  it('promotes to both in order; a failure in the second rolls back the first', async () => {
    const pool = testPool('models');
    const targets = [{ context: 'east' }, { context: 'west' }];
    const first = await deployToClusters(
      { ...deployInput(world, pool, world.v1), kubeconfig: both },
      targets,
    );
    expect(first.results.map((r) => [r.cluster, r.version])).toEqual([
      ['east', '1'],
      ['west', '1'],
    ]);
    await setFault(west.admin, 'models', {}, { kind: 'crash-loop', message: 'CUDA error: no kernel image' });
    const error = await failure(
      deployToClusters({ ...deployInput(world, pool, world.v2), kubeconfig: both }, targets),
    );
    await setFault(west.admin, 'models', {}, undefined);
    expect(error.message).toMatch(
      /CrashLoopBackOff.*CUDA error: no kernel image.*rolled back to v1; rolled back east too$/,
    );
    expect([await versionIn(east, 'models'), await versionIn(west, 'models')]).toEqual(['1', '1']);
  });
});

describe('an API server restart mid-rollout', () => {
  it('the watch breaks, resumes, gets 410 Gone, lists again, and the rollout completes', async () => {
    const namespace = 'restart';
    await createNamespace(east.admin, namespace);
    // Pods become ready 4 s after they start: the rollout is still going when the server dies.
    await setFault(east.admin, namespace, {}, { kind: 'slow-ready', delayMs: 4000 });
    const input = { ...deployInput(world, testPool(namespace), world.v1), kubeconfig: east.kubeconfig };
    const running = deploy(input);
    // The watch is established once the first progress line is printed (every 500 ms here).
    await waitFor(
      'the rollout watch',
      () => input.logger.lines.some((l) => /^deployment\/sentiment-production: ready 0\/2/.test(l)),
      30_000,
    );
    await east.plane.restartApiServer({ downMs: 2000 });
    const result = await running;
    expect(result.version).toBe('1');
    const warnings = input.logger.lines.filter((l) => l.startsWith('warning:')).join('\n');
    expect(warnings).toMatch(/watch of \/apis\/apps\/v1\/namespaces\/restart\/deployments broke/);
    expect(warnings).toMatch(/is gone \(410\): listing again/);
    expect(result.smokeReply).toMatchObject({ version: '1' });
  }, 90_000);
});
