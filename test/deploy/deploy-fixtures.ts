/** Shared by the deploy tests: real model images (v1, v2) in OCI layouts, and a test cluster whose pods serve them. */
import { DeployError } from '../../src/deploy/cluster-error.js';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderManifests } from '../../src/deploy/render.js';
import { renderInput } from '../../src/deploy/render-fixture.js';
import type { DeployInput } from '../../src/deploy/deploy.js';
import { poolSchema, type Pool } from '../../src/environments/catalog-schema.js';
import { scratchImage } from '../../src/image/base-image.js';
import { buildImage } from '../../src/image/build.js';
import { MemoryLogger } from '../../src/logger.js';
import { OciLayoutSink } from '../../src/oci/layout-sink.js';
import { startTestCluster, type TestCluster, type TestClusterOptions } from '../cluster/index.js';
import { withServiceProxy, type ProxiedCluster } from '../cluster/service-proxy.js';
import { modelServerPods, type ModelServerPods } from '../model-server/pods.js';

export const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'registry', 'sentiment');
export const INPUT_EXAMPLE = { text: 'great product, fast delivery' };

export interface ModelImage {
  readonly version: string;
  readonly reference: string;
  readonly digest: string;
  readonly modelDigest: string;
}

/** Builds the example model's version into an OCI layout under `dir` (only the served files). */
export async function buildExampleImage(dir: string, version: string, pool: Pool): Promise<ModelImage> {
  const source = join(EXAMPLE, version);
  const files = [];
  for (const name of (await readdir(source)).sort()) {
    if (name === 'model.sig') continue;
    files.push({ path: name, size: (await stat(join(source, name))).size });
  }
  const modelDigest = `sha256:${version
    .repeat(64)
    .slice(0, 64)
    .replace(/[^0-9a-f]/g, 'a')}`;
  const layout = join(dir, `image-v${version}`);
  const built = await buildImage(
    {
      files,
      directory: source,
      pool,
      base: scratchImage({ os: 'linux', architecture: 'amd64' }),
      model: { name: 'sentiment', version, digest: modelDigest },
      tags: [version],
    },
    await OciLayoutSink.open(layout),
  );
  return {
    version,
    reference: `oci-layout:${layout}@${built.manifestDigest}`,
    digest: built.manifestDigest,
    modelDigest,
  };
}

export function testPool(namespace: string, overrides: Record<string, unknown> = {}): Pool {
  return poolSchema.parse({
    name: 'cpu-small',
    cpu: 1,
    memory: '1Gi',
    image: { base: { default: 'scratch' } },
    scaling: { minReplicas: 2, maxReplicas: 4, targetCPUUtilization: 70 },
    serving: { latencySLO: { p50Ms: 500, p95Ms: 2000 } },
    namespace,
    ...overrides,
  });
}

export interface DeployWorld {
  readonly cluster: TestCluster;
  readonly front: ProxiedCluster;
  readonly pods: ModelServerPods;
  readonly dir: string;
  readonly v1: ModelImage;
  readonly v2: ModelImage;
  close(): Promise<void>;
}

export async function startWorld(options: TestClusterOptions = {}): Promise<DeployWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'deploy-test-'));
  const pool = testPool('default');
  const [v1, v2] = [await buildExampleImage(dir, '1', pool), await buildExampleImage(dir, '2', pool)];
  const pods = modelServerPods();
  const cluster = await startTestCluster({ progressDeadlineMs: 6000, ...options, startPod: pods.startPod });
  pods.attach(cluster.store);
  const front = await withServiceProxy(cluster);
  return {
    cluster,
    front,
    pods,
    dir,
    v1: v1 as ModelImage,
    v2: v2 as ModelImage,
    async close() {
      await front.close();
      await cluster.close();
      await pods.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function render(pool: Pool, image: ModelImage, promotionId: string) {
  const base = renderInput();
  const { previousVersion: _p, ...rest } = base;
  return renderManifests({
    ...rest,
    promotionId,
    pool,
    model: { name: 'sentiment', version: image.version, digest: image.modelDigest, requested: image.version },
    image: { reference: image.reference, digest: image.digest },
  });
}

let counter = 0;
export function deployInput(
  world: DeployWorld,
  pool: Pool,
  image: ModelImage,
  extra: Partial<DeployInput> = {},
): DeployInput & { logger: MemoryLogger } {
  const promotionId = extra.promotionId ?? `test-${++counter}`;
  return {
    objects: render(pool, image, promotionId),
    pool,
    kubeconfig: world.front.kubeconfig,
    promotionId,
    model: { name: 'sentiment', version: image.version, digest: image.modelDigest },
    image: { reference: image.reference, digest: image.digest },
    inputExample: INPUT_EXAMPLE,
    timeouts: { rolloutSeconds: 30, leaseWaitSeconds: 2 },
    force: false,
    dryRun: false,
    smokeRequests: 10,
    progressEveryMs: 500,
    allowLayoutImages: true,
    ...extra,
    logger: (extra.logger as MemoryLogger | undefined) ?? new MemoryLogger(),
  };
}

/** A namespace of its own for each test. */
export async function namespace(world: DeployWorld, name: string): Promise<string> {
  world.cluster.store.create((await import('../cluster/resources.js')).typeOf('namespaces'), {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
    spec: {},
    status: { phase: 'Active' },
  });
  return name;
}

/** The DeployError a promise fails with; fails the test when it succeeds or throws anything else. */
export async function deployFailure(promise: Promise<unknown>): Promise<DeployError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DeployError) return error;
    throw error;
  }
  throw new Error('expected a DeployError');
}
