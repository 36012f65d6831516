/**
 * Shared by the deploy tests: real model images (v1, v2) in OCI layouts, and the shared test cluster
 * (the real control plane; the node agent's pods serve the images), in namespaces of each suite's own.
 */
import { DeployError } from '../../src/deploy/cluster-error.js';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderManifests } from '../../src/deploy/render.js';
import { renderInput } from './render-fixture.js';
import type { DeployInput } from '../../src/deploy/deploy.js';
import type { RenderInput } from '../../src/deploy/render-input.js';
import { poolSchema, type Pool } from '../../src/environments/catalog-schema.js';
import { scratchImage } from '../../src/image/base-image.js';
import { buildImage } from '../../src/image/build.js';
import { MemoryLogger } from '../../src/logger.js';
import { OciLayoutSink } from '../../src/oci/layout-sink.js';
import { collectionPath, type KubeCluster, type LiveObject } from '../../src/deploy/cluster.js';
import {
  deleteNamespaces,
  setFault,
  sharedPlane,
  testNamespace,
  type Fault,
  type FaultTarget,
} from '../control-plane/shared-plane.js';

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
    serving: { readinessPath: '/ready', latencySLO: { p50Ms: 500, p95Ms: 2000 } },
    namespace,
    ...overrides,
  });
}

export interface DeployWorld {
  /** The admin's kubeconfig text and path: what deploy() is given. */
  readonly kubeconfig: string;
  readonly kubeconfigPath: string;
  /** An admin client for set-up and checks. */
  readonly admin: KubeCluster;
  readonly dir: string;
  readonly v1: ModelImage;
  readonly v2: ModelImage;
  /** A namespace of this suite's own, removed by close(). */
  namespace(prefix: string): Promise<string>;
  /** Faults for pods created from now on in `namespace` (see node-agent/faults.ts). */
  setFault(
    namespace: string,
    target: Omit<FaultTarget, 'namespace'>,
    fault: Fault | undefined,
  ): Promise<void>;
  /** The live objects of a kind in a namespace (`kube-root-ca.crt`, which every namespace has, left out). */
  list(kind: ListedKind, namespace: string): Promise<LiveObject[]>;
  close(): Promise<void>;
}

const KINDS = {
  Deployment: 'apps/v1',
  Service: 'v1',
  ConfigMap: 'v1',
  Pod: 'v1',
  Lease: 'coordination.k8s.io/v1',
  InferenceService: 'serving.kserve.io/v1beta1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  ReplicaSet: 'apps/v1',
} as const;
export type ListedKind = keyof typeof KINDS;

/** Lists `kind` in `namespace` through the API. */
export async function listKind(
  admin: KubeCluster,
  kind: ListedKind,
  namespace: string,
): Promise<LiveObject[]> {
  const { items } = await admin.list(collectionPath(KINDS[kind], kind, namespace));
  return items.filter((o) => !(kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt'));
}

export async function startWorld(): Promise<DeployWorld> {
  const plane = sharedPlane();
  const dir = await mkdtemp(join(tmpdir(), 'deploy-test-'));
  const pool = testPool('default');
  const [v1, v2] = [await buildExampleImage(dir, '1', pool), await buildExampleImage(dir, '2', pool)];
  const made: string[] = [];
  return {
    kubeconfig: plane.kubeconfig,
    kubeconfigPath: plane.kubeconfigPath,
    admin: plane.admin,
    dir,
    v1: v1 as ModelImage,
    v2: v2 as ModelImage,
    async namespace(prefix) {
      const name = await testNamespace(plane.admin, prefix);
      made.push(name);
      return name;
    },
    setFault: (namespace, target, fault) => setFault(plane.admin, namespace, target, fault),
    list: (kind, namespace) => listKind(plane.admin, kind, namespace),
    async close() {
      await deleteNamespaces(plane.admin, made);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A stuck rollout must fail within a test: the Deployment controller's progress deadline, 900 s as
 * rendered, is 10 s here (the real controller then sets ProgressDeadlineExceeded).
 */
export const TEST_PROGRESS_DEADLINE_SECONDS = 10;

export function render(pool: Pool, image: ModelImage, promotionId: string, extra: Partial<RenderInput> = {}) {
  const base = renderInput();
  const { previousVersion: _p, ...rest } = base;
  const objects = renderManifests({
    ...rest,
    promotionId,
    pool,
    model: { name: 'sentiment', version: image.version, digest: image.modelDigest, requested: image.version },
    image: { reference: image.reference, digest: image.digest },
    ...extra,
  });
  for (const object of objects) {
    if (object.kind === 'Deployment') {
      (object.spec as { progressDeadlineSeconds?: number }).progressDeadlineSeconds =
        TEST_PROGRESS_DEADLINE_SECONDS;
    }
  }
  return objects;
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
    kubeconfig: world.kubeconfig,
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
