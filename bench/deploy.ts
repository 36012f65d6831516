/**
 * Benchmark: a promotion's deploy against the real control plane, beside kubectl doing the same.
 *
 *   npx tsx bench/deploy.ts [--runs 4] [--smoke 20] [--time-scale 0.1]   (as root: pods get netns)
 *
 * Starts its own test cluster (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, the
 * node agent) and, each run, rolls the example model to the other version twice, in two namespaces:
 *
 * - ours: deploy() (access check, Lease, server-side apply, watch, digest check, smoke requests,
 *   HPA, release);
 * - reference: the same objects with `kubectl apply --server-side` then `kubectl rollout status`,
 *   the way a CI script without this tool would deploy.
 *
 * A watch of the bench's own records when the controllers made each rollout complete (the first
 * Deployment status that satisfies kubectl's rules). "noticed" is how long after that each side
 * knew (goal < 1 s: watch, not poll); "overhead" is each side's wall time minus the controllers'
 * rollout (apply to complete). The last column is ours / kubectl's wall time. The node agent's
 * probe periods are scaled as in the tests (--time-scale 1: the kubelet's own, where the rendered
 * startup probe's 10 s period dominates every rollout); the Deployments keep the rendered progress
 * deadline.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { deploy } from '../src/deploy/deploy.js';
import { PROGRESS_DEADLINE_SECONDS } from '../src/deploy/render-container.js';
import { deploymentRolloutState, type DeploymentView } from '../src/deploy/rollout-status.js';
import { silentLogger } from '../src/logger.js';
import { startTestPlane } from '../test/control-plane/test-plane.js';
import {
  buildExampleImage,
  deployInput,
  render,
  testPool,
  type DeployWorld,
} from '../test/deploy/deploy-fixtures.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '4' },
    smoke: { type: 'string', default: '20' },
    'time-scale': { type: 'string', default: '0.1' },
  },
});
const runs = Number(values.runs);
const plane = await startTestPlane({
  timeScale: Number(values['time-scale']),
  namespaces: ['ours', 'kubectl'],
});
const now = () => performance.timeOrigin + performance.now();

/** When the controllers completed the rollout of `digest` in `namespace` (epoch ms), from a watch. */
function completion(
  namespace: string,
  digest: string,
): { applied: () => number; complete: Promise<number>; stop: () => void } {
  const kc = new KubeConfig();
  kc.loadFromString(plane.kubeconfig);
  let appliedAt = 0;
  let resolve: (at: number) => void = () => undefined;
  const complete = new Promise<number>((r) => (resolve = r));
  const watching = new Watch(kc).watch(
    `/apis/apps/v1/namespaces/${namespace}/deployments`,
    {},
    (
      _type,
      d: DeploymentView & {
        metadata: { annotations?: Record<string, string> };
        spec?: { template?: unknown };
      },
    ) => {
      if (d.metadata.annotations?.['model-promote.dev/image-digest'] !== digest) return;
      appliedAt ||= now();
      if (deploymentRolloutState(d).phase === 'complete') resolve(now());
    },
    () => undefined,
  );
  return { applied: () => appliedAt, complete, stop: () => void watching.then((c) => c.abort()) };
}

/** The objects as rendered for production (the test fixtures shorten the progress deadline). */
function asRendered<T extends { kind?: string; spec?: unknown }>(objects: readonly T[]): T[] {
  for (const o of objects) {
    if (o.kind === 'Deployment')
      (o.spec as { progressDeadlineSeconds: number }).progressDeadlineSeconds = PROGRESS_DEADLINE_SECONDS;
  }
  return [...objects];
}

try {
  const dir = plane.plane.dir;
  const pool = testPool('ours');
  const world = {
    kubeconfig: plane.kubeconfig,
    kubeconfigPath: plane.kubeconfigPath,
    admin: plane.admin,
    dir,
  } as unknown as DeployWorld;
  const images = [await buildExampleImage(dir, '1', pool), await buildExampleImage(dir, '2', pool)];
  const rows: string[][] = [];
  for (let i = 0; i < runs; i++) {
    const image = images[i % 2]!;
    // Ours.
    const ours = completion('ours', image.digest);
    let started = now();
    const input = deployInput(world, pool, image, { smokeRequests: Number(values.smoke) });
    const result = await deploy({ ...input, objects: asRendered(input.objects), logger: silentLogger });
    const oursTotal = now() - started;
    const oursComplete = await ours.complete;
    ours.stop();
    // kubectl, the same objects in the other namespace.
    const objects = asRendered(render(testPool('kubectl'), image, `bench-${i}`)).map((o) => ({
      ...o,
      metadata: { ...o.metadata, namespace: 'kubectl' },
    }));
    const file = join(dir, `kubectl-${i}.yaml`);
    await writeFile(file, objects.map((o) => stringify(o)).join('---\n'));
    const theirs = completion('kubectl', image.digest);
    started = now();
    await run('kubectl', [
      '--kubeconfig',
      plane.kubeconfigPath,
      'apply',
      '--server-side',
      '--force-conflicts',
      '-f',
      file,
    ]);
    await run('kubectl', [
      '--kubeconfig', plane.kubeconfigPath, '-n', 'kubectl', 'rollout', 'status', 'deployment/sentiment-production', '--timeout=300s',
    ]); // prettier-ignore
    const theirsDone = now();
    const theirsComplete = await theirs.complete;
    theirs.stop();
    const oursRollout = oursComplete - ours.applied();
    const theirsRollout = theirsComplete - theirs.applied();
    const theirsTotal = theirsDone - started;
    rows.push([
      `${i + 1}`,
      `${result.previousVersion ? `v${result.previousVersion} -> ` : ''}v${image.version}`,
      (oursRollout / 1000).toFixed(2),
      ((result.noticedAt ?? 0) - oursComplete).toFixed(0),
      (oursTotal / 1000).toFixed(2),
      ((oursTotal - oursRollout) / 1000).toFixed(2),
      (theirsRollout / 1000).toFixed(2),
      (theirsDone - theirsComplete).toFixed(0),
      (theirsTotal / 1000).toFixed(2),
      ((theirsTotal - theirsRollout) / 1000).toFixed(2),
      (oursTotal / theirsTotal).toFixed(2),
    ]);
  }
  const head = [
    'run', 'promotion',
    'ours: rollout s', 'noticed ms', 'total s', 'overhead s',
    'kubectl: rollout s', 'noticed ms', 'total s', 'overhead s',
    'ours / kubectl',
  ]; // prettier-ignore
  console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
} finally {
  await plane.close();
}
