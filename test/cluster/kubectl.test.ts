/** The real kubectl (1.32, /usr/bin/kubectl) against the test cluster, through execFile argv arrays. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { deployment, IMAGE_A, IMAGE_B, waitFor } from './cluster-fixtures.js';
import { startTestCluster, type TestCluster } from './index.js';
import { typeOf } from './resources.js';

const run = promisify(execFile);
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const NS = 'web';

let cluster: TestCluster;

async function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(KUBECTL, ['--kubeconfig', cluster.kubeconfigPath, ...args], {
      timeout: 40_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : -1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? String(error),
    };
  }
}

beforeAll(async () => {
  cluster = await startTestCluster({
    namespaces: [NS],
    progressDeadlineMs: 2000,
    faults: [{ target: { image: IMAGE_B }, fault: { kind: 'image-pull' } }],
  });
});

afterAll(async () => {
  await cluster.close();
});

describe('kubectl against the test cluster', () => {
  it('apply --server-side, get, describe, rollout status (healthy)', async () => {
    const file = join(cluster.kubeconfigPath, '..', 'web.yaml');
    await writeFile(file, stringify(deployment('web', NS, IMAGE_A)));
    // --validate=false: the double serves no OpenAPI document for client-side validation.
    const applied = await kubectl('apply', '--server-side', '--validate=false', '-f', file);
    expect(applied).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('deployment.apps/web serverside-applied'),
    });

    const status = await kubectl('rollout', 'status', 'deploy/web', '-n', NS, '--timeout=20s');
    expect(status).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('deployment "web" successfully rolled out'),
    });

    const get = await kubectl('get', 'deploy', '-n', NS);
    expect(get.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    expect(get.stdout).toMatch(/^web\s+2\/2\s+2\s+2\s+/m);

    const describeDeploy = await kubectl('describe', 'deploy', 'web', '-n', NS);
    expect(describeDeploy.stdout).toContain('NewReplicaSetAvailable');
    expect(describeDeploy.stdout).toMatch(
      /ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-/,
    );

    const pods = await kubectl(
      'get',
      'pods',
      '-n',
      NS,
      '-o',
      'jsonpath={.items[*].status.containerStatuses[0].imageID}',
    );
    expect(pods.stdout.split(' ')).toEqual([IMAGE_A, IMAGE_A]);
  });

  it('rollout status fails for an image that cannot be pulled, and describe shows why', async () => {
    const set = await kubectl('set', 'image', 'deploy/web', `model-server=${IMAGE_B}`, '-n', NS);
    expect(set.code).toBe(0);
    const status = await kubectl('rollout', 'status', 'deploy/web', '-n', NS, '--timeout=20s');
    expect(status.code).not.toBe(0);
    expect(status.stderr).toContain('deployment "web" exceeded its progress deadline');

    const pods = await kubectl('get', 'pods', '-n', NS);
    expect(pods.stdout).toMatch(/\s0\/1\s+(ErrImagePull|ImagePullBackOff)\s/);
    const name = (await kubectl('get', 'pods', '-n', NS, '-l', 'app=web', '-o', 'name')).stdout
      .split('\n')
      .filter(Boolean);
    const described = await Promise.all(name.map((pod) => kubectl('describe', pod, '-n', NS)));
    const broken = described.find((d) => d.stdout.includes('Failed to pull image'));
    expect(broken?.stdout).toMatch(/Reason:\s+(ErrImagePull|ImagePullBackOff)/);
    // Old pods keep serving: maxUnavailable 0.
    expect((await kubectl('get', 'deploy', 'web', '-n', NS)).stdout).toMatch(/^web\s+2\/2\s+1\s+2\s+/m);
  });

  it('rollout undo goes back to the previous ReplicaSet and completes', async () => {
    const undo = await kubectl('rollout', 'undo', 'deploy/web', '-n', NS);
    expect(undo).toMatchObject({ code: 0, stdout: expect.stringContaining('rolled back') });
    const status = await kubectl('rollout', 'status', 'deploy/web', '-n', NS, '--timeout=20s');
    expect(status).toMatchObject({ code: 0, stdout: expect.stringContaining('successfully rolled out') });
    const image = await kubectl(
      'get',
      'deploy',
      'web',
      '-n',
      NS,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    );
    expect(image.stdout).toBe(IMAGE_A);
    const rs = cluster.store.list(typeOf('replicasets'), NS);
    expect(rs).toHaveLength(2);
    const revisions = rs.map((r) => [
      r.spec && (r.spec as { replicas: number }).replicas,
      r.metadata.annotations?.['deployment.kubernetes.io/revision'],
    ]);
    expect(revisions).toEqual(
      expect.arrayContaining([
        [2, '3'],
        [0, '2'],
      ]),
    );
    const history = await kubectl('rollout', 'history', 'deploy/web', '-n', NS);
    expect(history.stdout).toMatch(/^2\s/m);
    expect(history.stdout).toMatch(/^3\s/m);
  });

  it('logs, and a Forbidden answer as kubectl prints it', async () => {
    const pod = await waitFor(
      'a running pod',
      async () => (await kubectl('get', 'pods', '-n', NS, '-o', 'name')).stdout.split('\n')[0] || undefined,
    );
    const logs = await kubectl('logs', pod, '-n', NS, '--tail=1');
    expect(logs.stdout).toMatch(/GET \/healthz/);
    cluster.setForbidden([{ verbs: ['list'], resources: ['pods'], namespaces: [NS], users: ['ci-bot'] }]);
    try {
      const denied = await kubectl('get', 'pods', '-n', NS, '--as', 'ci-bot');
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toContain(
        'pods is forbidden: User "ci-bot" cannot list resource "pods" in API group "" in the namespace "web"',
      );
    } finally {
      cluster.setForbidden([]);
    }
  });
});
