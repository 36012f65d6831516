/**
 * Utilization after the rollout, end to end through the CLI, on a control plane of its own (the
 * metrics API is registered and removed here, which would change every other suite's promotions on
 * the shared one): the real API server's aggregation layer proxies metrics.k8s.io to the node
 * agent, which reads the pods' processes; the real Prometheus scrapes a DCGM-shaped exporter.
 * Without the metrics API, with an identity RBAC forbids it, and with Prometheus down, the
 * promotion still succeeds and says why figures are missing.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadCatalog } from '../../src/environments/catalog-loader.js';
import { promotionMetrics, renderExposition } from '../../src/report/telemetry.js';
import { quantityValue, type PodUsage, type Utilization } from '../../src/usage/resource-usage.js';
import { serviceAccountKubeconfig } from '../control-plane/shared-plane.js';
import {
  registerMetricsApi,
  startTestPlane,
  unregisterMetricsApi,
  type TestPlane,
} from '../control-plane/test-plane.js';
import {
  copyExampleRegistry,
  EXAMPLE_CATALOG,
  EXAMPLE_PUBLIC_KEY,
  promoteArgs,
  REPO,
  runCli,
  TempDirs,
} from '../e2e/helpers.js';
import { freePort } from '../registry/registry-server.js';
import {
  GPU_VALUES,
  startDcgmExporter,
  startPrometheus,
  type DcgmExporter,
  type TestPrometheus,
} from './prometheus-server.js';

const NAMESPACE = 'models-prod';
const MIB = 1024 * 1024;

interface PromotionJson {
  status: string;
  deploy: { utilization?: Utilization }[];
}

describe('utilization after the rollout (own control plane, real Prometheus)', () => {
  const temp = new TempDirs();
  let plane: TestPlane;
  let registry: string;
  let catalog: string;
  let exporter: DcgmExporter;
  let prometheus: TestPrometheus;

  beforeAll(async () => {
    registry = await copyExampleRegistry(await temp.make());
    catalog = path.join(await temp.make(), 'catalog.yaml');
    await writeFile(
      catalog,
      (await readFile(EXAMPLE_CATALOG, 'utf8'))
        .replace(/latencySLO: \{[^}]*\}/g, 'latencySLO: { p50Ms: 30000, p95Ms: 60000 }')
        .replace('keys/example-signing.pub.pem', EXAMPLE_PUBLIC_KEY),
    );
    plane = await startTestPlane({
      name: 'metrics',
      catalog: (await loadCatalog(catalog)).catalog,
      namespaces: [NAMESPACE],
      timeScale: 0.1,
      cwd: REPO,
    });
    exporter = await startDcgmExporter(NAMESPACE, async () =>
      (await plane.admin.list(`/api/v1/namespaces/${NAMESPACE}/pods`)).items.map((p) => p.metadata.name),
    );
    prometheus = await startPrometheus(exporter.target);
  }, 240_000);

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
    await plane?.close();
    await temp.cleanup();
  }, 120_000);

  async function promote(version: string, ...extra: string[]) {
    const output = path.join(await temp.make(), 'out');
    const run = await runCli(promoteArgs({ registry, catalog, output, version }, '--json', ...extra));
    const summary = await readFile(path.join(output, 'summary.md'), 'utf8');
    return { ...run, record: JSON.parse(run.stdout) as PromotionJson, summary };
  }

  const utilizationOf = (record: PromotionJson) => record.deploy[0]?.utilization as Utilization;

  it('without the metrics API (no metrics-server): promoted, with a warning naming the fix', async () => {
    const run = await promote('1', '--kubeconfig', plane.kubeconfigPath, '--metrics-window', '2');
    expect(run.code).toBe(0);
    expect(run.record.status).toBe('succeeded');
    const utilization = utilizationOf(run.record);
    expect(utilization.warnings.map((w) => w.code)).toEqual(['metrics-api-missing']);
    expect(utilization.pods.every((p) => p.samples === 0 && !p.cpu)).toBe(true);
    expect(run.stderr).toMatch(/warning: .*does not serve the metrics API.*install metrics-server/);
    expect(run.summary).toMatch(
      /> ⚠️ cluster metrics does not serve the metrics API .*Fix: install metrics-server/,
    );
  }, 180_000);

  it('reads CPU and memory through the aggregation layer and GPUs from Prometheus, per pod', async () => {
    await registerMetricsApi(plane.admin, plane.agent);
    const run = await promote(
      '2',
      '--kubeconfig',
      plane.kubeconfigPath,
      '--metrics-window',
      '4',
      '--prometheus-url',
      prometheus.url,
    );
    expect(run.code).toBe(0);
    const utilization = utilizationOf(run.record);
    expect(utilization.warnings).toEqual([]);
    expect(utilization.windowSeconds).toBe(4);
    const live = await plane.admin.list(`/api/v1/namespaces/${NAMESPACE}/pods`, {
      labelSelector: 'model-promote.dev/version=2',
    });
    const names = live.items.map((p) => p.metadata.name).sort();
    expect(utilization.pods.map((p) => p.pod).sort()).toEqual(names);
    for (const pod of utilization.pods as PodUsage[]) {
      const spec = live.items.find((p) => p.metadata.name === pod.pod)!.spec as {
        containers: { resources: { requests?: Record<string, string> } }[];
      };
      const requests = spec.containers[0]!.resources.requests ?? {};
      // Read for real from the pod's process: some CPU since it started, a node process's memory.
      expect(pod.samples).toBeGreaterThanOrEqual(2);
      expect(pod.cpu!.peak).toBeGreaterThan(0);
      expect(pod.memory!.peak).toBeGreaterThan(10 * MIB);
      expect(pod.memory!.peak).toBeLessThan(2048 * MIB);
      // Against the requests the rendered pod really has.
      expect(pod.cpu!.request).toBe(quantityValue(requests.cpu!));
      expect(pod.memory!.request).toBe(quantityValue(requests.memory!));
      expect(pod.cpu!.ofRequest).toBeCloseTo(pod.cpu!.average / pod.cpu!.request!, 3);
      expect(pod.memory!.ofRequest).toBeCloseTo(pod.memory!.average / pod.memory!.request!, 3);
      // What the exporter served, as Prometheus answered it over the window.
      expect(pod.gpu).toEqual({
        gpus: 1,
        utilizationAverage: GPU_VALUES.utilization,
        utilizationPeak: GPU_VALUES.utilization,
        memoryPeakBytes: GPU_VALUES.usedMiB * MIB,
        memoryTotalBytes: (GPU_VALUES.usedMiB + GPU_VALUES.freeMiB) * MIB,
        memoryOfTotal: 0.375,
      });
      expect(run.summary).toMatch(
        new RegExp(
          `\\| \`${pod.pod}\` \\| ${pod.samples} \\| [0-9.]+ / [0-9.]+ \\| .* \\| 42% / 42% \\| 2\\.9 GiB of 7\\.8 GiB \\(38%\\) \\|`,
        ),
      );
    }
    const metrics = renderExposition(promotionMetrics(run.record as never));
    expect(metrics).toContain(
      `model_promote_pod_gpu_utilization_percent{cluster="metrics",pod="${names[0]}",stat="average"} 42\n`,
    );
  }, 180_000);

  it('an identity RBAC forbids the metrics API, and Prometheus down: promoted, with both warnings', async () => {
    await registerMetricsApi(plane.admin, plane.agent);
    await grantDeployOnly(plane, NAMESPACE, 'deployer-no-metrics');
    const kubeconfig = path.join(await temp.make(), 'deployer.kubeconfig');
    await writeFile(kubeconfig, await serviceAccountKubeconfig(plane, NAMESPACE, 'deployer-no-metrics'), {
      mode: 0o600,
    });
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await promote(
      '1',
      '--kubeconfig',
      kubeconfig,
      '--metrics-window',
      '2',
      '--prometheus-url',
      closed,
    );
    expect(run.code).toBe(0);
    expect(run.record.status).toBe('succeeded');
    const warnings = utilizationOf(run.record).warnings;
    expect(warnings.map((w) => w.code)).toEqual(['metrics-api-forbidden', 'prometheus-unreachable']);
    expect(run.summary).toContain('Fix: grant get and list on pods.metrics.k8s.io');
    expect(run.summary).toContain(`querying Prometheus at ${closed}`);
  }, 180_000);

  it('a Prometheus answering an error (a wrong path): the warning shows its answer and the fix', async () => {
    await unregisterMetricsApi(plane.admin);
    const run = await promote(
      '2',
      '--kubeconfig',
      plane.kubeconfigPath,
      '--metrics-window',
      '1',
      '--prometheus-url',
      `${prometheus.url}/not-prometheus`,
    );
    expect(run.code).toBe(0);
    const warnings = utilizationOf(run.record).warnings;
    expect(warnings.map((w) => w.code)).toEqual(['metrics-api-missing', 'prometheus-error']);
    expect(warnings[1]!.message).toMatch(/answered 404/);
    expect(warnings[1]!.hint).toMatch(/prometheus-url is the Prometheus root/);
  }, 180_000);
});

/**
 * A Role for `sa` with what a promotion applies and watches, and nothing of metrics.k8s.io: as a
 * CI service account set up before utilization sampling existed.
 */
async function grantDeployOnly(plane: TestPlane, namespace: string, sa: string): Promise<void> {
  const json = { 'Content-Type': 'application/json' };
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: sa, namespace },
    rules: [
      {
        apiGroups: ['', 'apps', 'autoscaling', 'coordination.k8s.io', 'events.k8s.io'],
        resources: ['*'],
        verbs: ['*'],
      },
    ],
  };
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: sa, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sa },
    subjects: [{ kind: 'ServiceAccount', name: sa, namespace }],
  };
  for (const [kind, object] of [
    ['roles', role],
    ['rolebindings', binding],
  ] as const) {
    const res = await plane.admin.request(
      'POST',
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/${kind}`,
      JSON.stringify(object),
      json,
    );
    if (res.status !== 201 && res.status !== 409) throw new Error(`${kind}: ${res.status} ${res.body}`);
  }
}
