/**
 * Benchmark: the promotion's own overhead over the cluster's rollout, against the test cluster
 * (a Kubernetes API TEST DOUBLE, with pods that really serve the example model).
 *
 *   npx tsx bench/deploy.ts [--runs 5] [--smoke 20]
 *
 * Each run promotes v1 then v2 alternately. "complete in cluster" is the moment the API server
 * stored the Deployment status that satisfies kubectl's rollout rules (seen in-process, from the
 * double's store); "noticed" is when deploy()'s watch saw it. Their difference is the watch
 * latency (goal < 1 s: watch, not poll). "overhead" is deploy()'s wall time minus the cluster's
 * rollout time (apply to complete): lease, applies, digest check, smoke requests, HPA, release.
 */
import { parseArgs } from 'node:util';
import { deploy } from '../src/deploy/deploy.js';
import { deploymentRolloutState, type DeploymentView } from '../src/deploy/rollout-status.js';
import { silentLogger } from '../src/logger.js';
import { typeOf } from '../test/cluster/resources.js';
import { deployInput, namespace, startWorld, testPool } from '../test/deploy/deploy-fixtures.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, smoke: { type: 'string', default: '20' } },
});
const runs = Number(values.runs);
const world = await startWorld({ progressDeadlineMs: 30_000 });
try {
  const ns = await namespace(world, 'bench');
  const pool = testPool(ns);
  const rows: string[][] = [];
  for (let i = 0; i < runs; i++) {
    const image = i % 2 === 0 ? world.v1 : world.v2;
    let appliedAt = 0;
    let completeAt = 0;
    const sub = world.cluster.store.subscribe(
      typeOf('deployments'),
      Number(world.cluster.store.resourceVersion),
      (event) => {
        const d = event.object as DeploymentView & {
          metadata: { namespace?: string; annotations?: Record<string, string> };
        };
        if (
          d.metadata.namespace !== ns ||
          d.metadata.annotations?.['model-promote.dev/image-digest'] !== image.digest
        )
          return;
        if (!appliedAt) appliedAt = performance.timeOrigin + performance.now();
        if (!completeAt && deploymentRolloutState(d).phase === 'complete')
          completeAt = performance.timeOrigin + performance.now();
      },
    );
    const started = Date.now();
    const result = await deploy({
      ...deployInput(world, pool, image, { smokeRequests: Number(values.smoke) }),
      logger: silentLogger,
    });
    const total = Date.now() - started;
    sub.unsubscribe();
    const rollout = completeAt - appliedAt;
    rows.push([
      `${i + 1}`,
      `${result.previousVersion ? `v${result.previousVersion} -> ` : ''}v${image.version}`,
      (rollout / 1000).toFixed(3),
      ((result.noticedAt ?? 0) - completeAt).toFixed(1),
      (total / 1000).toFixed(3),
      ((total - rollout) / 1000).toFixed(3),
      `${result.smoke?.p50Ms ?? '-'} / ${result.smoke?.p95Ms ?? '-'}`,
    ]);
  }
  const head = [
    'run',
    'promotion',
    'cluster rollout s',
    'noticed after complete ms',
    'deploy() total s',
    'overhead s',
    'smoke p50/p95 ms',
  ];
  console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
} finally {
  await world.close();
}
