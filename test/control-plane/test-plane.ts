/**
 * The whole test cluster: the real control plane (control-plane.ts) and the node agent
 * (node-agent/) with Nodes shaped like a catalog's pools, the catalog's namespaces, and KServe's
 * real InferenceService CRD. What `npm run test-cluster` serves and the test suites deploy to.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { KubeCluster } from '../../src/deploy/cluster.js';
import type { Catalog } from '../../src/environments/catalog-schema.js';
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from './control-plane.js';
import { startNodeAgent, type NodeAgent } from './node-agent/agent.js';
import { nodesForCatalog } from './node-agent/nodes.js';
import { startKServeController, type KServeController } from './kserve-controller.js';
import { kserveCrdPath, modelValidationCrdPath } from './tools.js';

export interface TestPlaneOptions extends ControlPlaneOptions {
  /** Pools to shape Nodes after (plus the `general` node). */
  readonly catalog?: Catalog;
  /** Namespaces to create besides `default`. */
  readonly namespaces?: readonly string[];
  /** The node agent's time scale (default 1: the kubelet's real periods and back-offs). */
  readonly timeScale?: number;
  /** Where relative `oci-layout:` image paths start. */
  readonly cwd?: string;
}

export interface TestPlane {
  readonly plane: ControlPlane;
  readonly agent: NodeAgent;
  readonly kserve: KServeController;
  /** The admin's kubeconfig, path and text. */
  readonly kubeconfigPath: string;
  readonly kubeconfig: string;
  /** An admin client, for test set-up and checks. */
  readonly admin: KubeCluster;
  close(): Promise<void>;
}

export function clusterFor(kubeconfig: string): KubeCluster {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  return new KubeCluster(kc);
}

export async function createNamespace(admin: KubeCluster, name: string): Promise<void> {
  const res = await admin.request(
    'POST',
    '/api/v1/namespaces',
    JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
    { 'Content-Type': 'application/json' },
  );
  if (res.status !== 201 && res.status !== 409)
    throw new Error(`namespace ${name}: ${res.status} ${res.body}`);
}

/** Installs KServe's InferenceService CRD and waits until the API serves it. */
export async function installKServeCrd(admin: KubeCluster): Promise<void> {
  await installCrd(admin, kserveCrdPath(), 'serving.kserve.io/v1beta1');
}

/** Installs the model-validation-operator's ModelValidation CRD and waits until the API serves it. */
export async function installModelValidationCrd(admin: KubeCluster): Promise<void> {
  await installCrd(admin, modelValidationCrdPath(), 'ml.sigstore.dev/v1alpha1');
}

async function installCrd(admin: KubeCluster, file: string, groupVersion: string): Promise<void> {
  const crd = parseYaml(await readFile(file, 'utf8')) as { metadata: { name: string } };
  const res = await admin.request(
    'PATCH',
    `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}?fieldManager=test-plane&force=true`,
    JSON.stringify(crd),
    { 'Content-Type': 'application/apply-patch+yaml' },
  );
  if (res.status >= 300) throw new Error(`${crd.metadata.name}: ${res.status} ${res.body.slice(0, 500)}`);
  for (let i = 0; i < 300; i++) {
    const served = await admin.request('GET', `/apis/${groupVersion}`);
    if (served.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${crd.metadata.name}: ${groupVersion} was not served within 30 s`);
}

const METRICS_SERVICE = { namespace: 'kube-system', name: 'metrics-server' };
const METRICS_APISERVICE = '/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io';

async function applyObject(admin: KubeCluster, path: string, object: unknown): Promise<void> {
  const res = await admin.request(
    'PATCH',
    `${path}?fieldManager=test-plane&force=true`,
    JSON.stringify(object),
    { 'Content-Type': 'application/apply-patch+yaml' },
  );
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${res.body.slice(0, 500)}`);
}

/**
 * Registers the node agent's metrics API with the API server's aggregation layer, as installing
 * metrics-server does: a Service with the agent as its one endpoint, and the APIService
 * v1beta1.metrics.k8s.io pointing at it (insecureSkipTLSVerify, as metrics-server's own manifest
 * has it). Waits until the API server serves the group.
 */
export async function registerMetricsApi(admin: KubeCluster, agent: NodeAgent): Promise<void> {
  const { namespace, name } = METRICS_SERVICE;
  const ns = `/api/v1/namespaces/${namespace}`;
  await applyObject(admin, `${ns}/services/${name}`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { ports: [{ name: 'https', port: 443, targetPort: agent.kubeletPort }] },
  });
  await applyObject(admin, `${ns}/endpoints/${name}`, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace },
    subsets: [{ addresses: [{ ip: agent.hostIP }], ports: [{ name: 'https', port: agent.kubeletPort }] }],
  });
  await applyObject(admin, METRICS_APISERVICE, {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: 'v1beta1.metrics.k8s.io' },
    spec: {
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      service: { namespace, name, port: 443 },
      insecureSkipTLSVerify: true,
      groupPriorityMinimum: 100,
      versionPriority: 100,
    },
  });
  let last = '';
  for (let i = 0; i < 300; i++) {
    const served = await admin.request('GET', '/apis/metrics.k8s.io/v1beta1');
    if (served.status === 200) return;
    last = `${served.status} ${served.body.slice(0, 300)}`;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`metrics API: not served within 30 s (last answer ${last})`);
}

/** Removes the APIService: the API server then answers 404 for the group, as without metrics-server. */
export async function unregisterMetricsApi(admin: KubeCluster): Promise<void> {
  const res = await admin.request('DELETE', METRICS_APISERVICE);
  if (res.status >= 300 && res.status !== 404) throw new Error(`APIService: ${res.status} ${res.body}`);
  for (let i = 0; i < 300; i++) {
    if ((await admin.request('GET', '/apis/metrics.k8s.io/v1beta1')).status === 404) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('metrics API: still served 30 s after its APIService was deleted');
}

export async function startTestPlane(options: TestPlaneOptions = {}): Promise<TestPlane> {
  const plane = await startControlPlane(options);
  let agent: NodeAgent | undefined;
  let kserve: KServeController | undefined;
  try {
    const admin = clusterFor(plane.kubeconfig);
    await installKServeCrd(admin);
    await installModelValidationCrd(admin);
    agent = await startNodeAgent({
      kubeconfig: plane.kubeconfigFor('node-agent', { via: 'second' }),
      nodes: nodesForCatalog(options.catalog),
      ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    kserve = await startKServeController(plane.kubeconfigFor('admin', { via: 'second' }));
    for (const name of options.namespaces ?? []) await createNamespace(admin, name);
    await writeFile(join(plane.dir, 'deployer.kubeconfig'), plane.kubeconfigFor('deployer'), { mode: 0o600 });
    const started = { agent, kserve };
    let closing: Promise<void> | undefined;
    return {
      plane,
      agent,
      kserve,
      kubeconfigPath: plane.kubeconfigPath,
      kubeconfig: plane.kubeconfig,
      admin,
      close() {
        closing ??= (async () => {
          await started.kserve.close();
          await started.agent.close();
          await plane.stop();
        })();
        return closing;
      },
    };
  } catch (error) {
    await kserve?.close();
    await agent?.close();
    await plane.stop();
    throw error;
  }
}
