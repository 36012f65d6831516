/**
 * `model-promote drift` against the real control plane: promote, then change what runs the ways
 * people do (another manager's server-side apply, `kubectl scale`, `kubectl set image`, a delete),
 * and check each is found with the manager named; a clean environment has no drift.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubernetesObject } from '@kubernetes/client-node';
import { main, type CliIo } from '../../src/cli/program.js';
import { deploy } from '../../src/deploy/deploy.js';
import { diffText, dryRunDiff } from '../../src/deploy/apply-diff.js';
import { MemoryLogger } from '../../src/logger.js';
import { recordName } from '../../src/deploy/applied-record.js';
import type { DriftRecord } from '../../src/report/drift-record.js';
import { waitFor } from '../control-plane/wait.js';
import { deployInput, startWorld, testPool, type DeployWorld } from './deploy-fixtures.js';

const run = promisify(execFile);
let world: DeployWorld;

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world.close();
});

/** A catalog whose `production` pool deploys to `namespace` (what drift reads: where to look). */
async function catalogFor(namespace: string): Promise<string> {
  const file = join(world.dir, `catalog-${namespace}.yaml`);
  await writeFile(
    file,
    [
      'apiVersion: model-promote/v1',
      'kind: ComputeCatalog',
      'environments:',
      '  production:',
      '    pools:',
      '      - name: cpu-small',
      '        image: { base: { default: scratch } }',
      `        namespace: ${namespace}`,
      '',
    ].join('\n'),
  );
  return file;
}

async function drift(namespace: string, ...flags: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: world.dir,
    env: {},
  };
  const code = await main(
    [
      'drift',
      '--environment',
      'production',
      '--catalog',
      await catalogFor(namespace),
      '--kubeconfig',
      world.kubeconfigPath,
      ...flags,
    ],
    io,
  );
  return { code, stdout, stderr };
}

async function driftRecord(namespace: string, ...flags: string[]) {
  const result = await drift(namespace, '--json', ...flags);
  return { ...result, record: JSON.parse(result.stdout) as DriftRecord };
}

const kubectl = (namespace: string, ...args: string[]) =>
  run('kubectl', ['--kubeconfig', world.kubeconfigPath, '-n', namespace, ...args], { timeout: 20_000 });

describe('model-promote drift', () => {
  it('a clean environment: no drift, exit 0 even with --fail-on-drift; the applied record is in the cluster', async () => {
    const ns = await world.namespace('drift-clean');
    const input = deployInput(world, testPool(ns), world.v1);
    await deploy(input);
    const records = (await world.list('ConfigMap', ns)).filter(
      (c) => c.metadata.name === recordName('sentiment-production'),
    );
    expect(records).toHaveLength(1);

    const { code, record } = await driftRecord(ns, '--fail-on-drift');
    expect(code).toBe(0);
    expect(record.status).toBe('clean');
    expect(record.promotions).toEqual([
      expect.objectContaining({
        model: 'sentiment',
        version: '1',
        promotionId: input.promotionId,
        imageDigest: world.v1.digest,
        findings: [],
        objects: [
          expect.stringMatching(/^ConfigMap\/sentiment-production-/),
          'Deployment/sentiment-production',
          'Service/sentiment-production',
          'HorizontalPodAutoscaler/sentiment-production',
        ],
      }),
    ]);
  });

  it('another manager, kubectl scale, kubectl set image and a delete: each found, the manager named, exit 1', async () => {
    const ns = await world.namespace('drift');
    await deploy(deployInput(world, testPool(ns), world.v1));

    // The platform team's server-side apply takes the autoscaler's maximum.
    await world.admin.apply(
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'sentiment-production', namespace: ns },
        spec: {
          maxReplicas: 8,
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'sentiment-production' },
        },
      } as KubernetesObject,
      { fieldManager: 'platform-team', force: true },
    );
    // Below the applied range (2..4).
    await kubectl(ns, 'scale', 'deployment/sentiment-production', '--replicas=1');
    const live = (await world.list('Deployment', ns))[0]!;
    const container = (live.spec as { template: { spec: { containers: { name: string }[] } } }).template.spec
      .containers[0]!.name;
    await kubectl(
      ns,
      'set',
      'image',
      'deployment/sentiment-production',
      `${container}=${world.v2.reference}`,
    );
    await kubectl(ns, 'delete', 'service/sentiment-production');
    await waitFor(
      'a pod running v2',
      async () =>
        (await world.list('Pod', ns)).some((pod) =>
          (pod.status as { containerStatuses?: { imageID?: string }[] } | undefined)?.containerStatuses?.some(
            (s) => s.imageID?.endsWith(world.v2.digest),
          ),
        ),
      30_000,
    );

    const { code, record, stderr } = await driftRecord(
      ns,
      '--fail-on-drift',
      '--output',
      join(world.dir, 'out'),
    );
    expect(stderr).toContain('drift record: ');
    expect(code).toBe(1);
    expect(record.status).toBe('drift');
    const findings = record.promotions[0]!.findings;
    expect(findings).toEqual(
      expect.arrayContaining([
        {
          kind: 'replicas',
          object: 'HorizontalPodAutoscaler/sentiment-production',
          field: 'spec.maxReplicas',
          expected: '4',
          live: '8',
          manager: 'platform-team',
        },
        {
          kind: 'replicas',
          object: 'Deployment/sentiment-production',
          field: 'spec.replicas',
          expected: '2..4',
          live: '1',
          manager: expect.stringMatching(/^kubectl/),
        },
        {
          kind: 'field',
          object: 'Deployment/sentiment-production',
          field: `spec.template.spec.containers[${container}].image`,
          expected: world.v1.reference,
          live: world.v2.reference,
          manager: expect.stringMatching(/^kubectl/),
        },
        expect.objectContaining({
          kind: 'image',
          object: expect.stringMatching(/^Pod\/sentiment-production-/),
          expected: world.v1.digest,
          live: expect.stringContaining(world.v2.digest),
        }),
        {
          kind: 'deleted',
          object: 'Service/sentiment-production',
          field: '',
          expected: 'present',
          live: '(absent)',
        },
      ]),
    );
    // A promotion's dry run shows the same drift as what it will overwrite, and who owns it now.
    const diffs = await dryRunDiff(world.admin, deployInput(world, testPool(ns), world.v1).objects, {
      force: false,
      logger: new MemoryLogger(),
    });
    const plan = diffText(diffs);
    expect(plan).toContain('drift this promotion overwrites (fields another field manager owns now):');
    expect(plan).toContain(
      '! HorizontalPodAutoscaler/sentiment-production spec.maxReplicas: 8 -> 4 (owned by platform-team; the apply needs force)',
    );
    expect(plan).toContain(
      `! Deployment/sentiment-production spec.template.spec.containers[${container}].image: ${world.v2.reference} -> ${world.v1.reference} (owned by kubectl-set; the apply needs force)`,
    );

    // The same record on disk, and the table names the managers.
    const { readFile } = await import('node:fs/promises');
    const written = JSON.parse(await readFile(join(world.dir, 'out', 'drift.json'), 'utf8')) as DriftRecord;
    expect(written.promotions).toEqual(record.promotions);
    const table = await drift(ns);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /HorizontalPodAutoscaler\/sentiment-production +spec\.maxReplicas +4 +8 +platform-team/,
    );
    expect(table.stdout).toMatch(/Service\/sentiment-production +- +present +\(absent\)/);
  });

  it('nothing promoted yet: says so, exit 0 with --fail-on-drift (a scheduled job before the first promotion)', async () => {
    const ns = await world.namespace('drift-none');
    const { code, record } = await driftRecord(ns, '--fail-on-drift');
    expect([code, record.status, record.promotions]).toEqual([0, 'nothing-promoted', []]);
    const text = await drift(ns);
    expect(text.stdout).toBe(
      `production: nothing promoted yet (no applied record in ${ns}); nothing to compare\n`,
    );
  });

  it('bad input: no environment exits 2; an unknown one names the known ones; no cluster reachable is a cluster error', async () => {
    const ns = await world.namespace('drift-bad');
    let stderr = '';
    const io: CliIo = { stdout: () => {}, stderr: (t) => void (stderr += t), cwd: world.dir, env: {} };
    expect(await main(['drift', '--catalog', await catalogFor(ns)], io)).toBe(2);
    expect(stderr).toContain('drift needs --environment');

    stderr = '';
    expect(await main(['drift', '--environment', 'staging', '--catalog', await catalogFor(ns)], io)).toBe(2);
    expect(stderr).toContain('unknown environment "staging"');

    const closed = join(world.dir, 'closed.kubeconfig');
    await writeFile(
      closed,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "http://127.0.0.1:9"}}]',
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
        '',
      ].join('\n'),
    );
    stderr = '';
    const code = await main(
      ['drift', '--environment', 'production', '--catalog', await catalogFor(ns), '--kubeconfig', closed],
      io,
    );
    expect(code).toBe(1);
    expect(stderr).toContain('cannot reach the Kubernetes API server');

    stderr = '';
    expect(
      await main(
        ['drift', '--environment', 'production', '--catalog', await catalogFor(ns), '--report-issue'],
        io,
      ),
    ).toBe(2);
    expect(stderr).toContain('--report-issue needs GITHUB_REPOSITORY');
  });
});
