/**
 * For test suites: the test cluster the jest global setup started (test/global-setup.js), and the
 * small things a suite does to it through the API: namespaces of its own, and faults for the
 * node agent to inject.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml, stringify } from 'yaml';
import type { KubeCluster } from '../../src/deploy/cluster.js';
import {
  FAULTS_ANNOTATION,
  withFault,
  type Fault,
  type FaultRule,
  type FaultTarget,
} from './node-agent/faults.js';
import { clusterFor, createNamespace } from './test-plane.js';

export type { Fault, FaultTarget } from './node-agent/faults.js';

export interface SharedPlane {
  readonly url: string;
  /** Admin kubeconfig, path and text. */
  readonly kubeconfigPath: string;
  readonly kubeconfig: string;
  /** A kubeconfig of `deployer`, a user with no rights but those a test grants. */
  readonly deployerKubeconfigPath: string;
  readonly admin: KubeCluster;
}

let shared: SharedPlane | undefined;

export function sharedPlane(): SharedPlane {
  if (shared) return shared;
  const file = process.env.TEST_PLANE;
  if (!file)
    throw new Error(
      'TEST_PLANE is not set: run the tests with `npm test` (jest starts the test cluster in test/global-setup.js)',
    );
  const info = JSON.parse(readFileSync(file, 'utf8')) as {
    url: string;
    kubeconfigPath: string;
    deployerKubeconfigPath: string;
  };
  const kubeconfig = readFileSync(info.kubeconfigPath, 'utf8');
  shared = { ...info, kubeconfig, admin: clusterFor(kubeconfig) };
  return shared;
}

/** A new namespace named `prefix-xxxx`: suites share the cluster, so names must not collide. */
export async function testNamespace(admin: KubeCluster, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`.slice(0, 63);
  await createNamespace(admin, name);
  return name;
}

/**
 * A ServiceAccount `name` in `namespace` and a kubeconfig with a token for it (TokenRequest, one
 * hour), as a CI job deploying with a service account has: it may do what RBAC grants it, no more.
 */
export async function serviceAccountKubeconfig(
  plane: Pick<SharedPlane, 'admin' | 'kubeconfig'>,
  namespace: string,
  name: string,
): Promise<string> {
  const json = { 'Content-Type': 'application/json' };
  const created = await plane.admin.request(
    'POST',
    `/api/v1/namespaces/${namespace}/serviceaccounts`,
    JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } }),
    json,
  );
  if (created.status !== 201 && created.status !== 409)
    throw new Error(`serviceaccount ${name}: ${created.body}`);
  const res = await plane.admin.request(
    'POST',
    `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    JSON.stringify({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 3600 },
    }),
    json,
  );
  if (res.status !== 201) throw new Error(`token for ${name}: ${res.status} ${res.body}`);
  const token = (JSON.parse(res.body) as { status: { token: string } }).status.token;
  const config = parseYaml(plane.kubeconfig) as { users: Array<{ user: Record<string, string> }> };
  for (const user of config.users) user.user = { token };
  return stringify(config);
}

/** Deletes namespaces (and so their pods); does not wait for them to go. */
export async function deleteNamespaces(admin: KubeCluster, names: Iterable<string>): Promise<void> {
  for (const name of names) await admin.request('DELETE', `/api/v1/namespaces/${name}`);
}

/**
 * Sets (or, with undefined, clears) the fault for pods created from now on in `namespace` that match
 * `target`: an annotation on the namespace, which the node agent reads when it starts a pod.
 */
export async function setFault(
  admin: KubeCluster,
  namespace: string,
  target: Omit<FaultTarget, 'namespace'>,
  fault: Fault | undefined,
): Promise<void> {
  const ns = await admin.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  const rules = JSON.parse(ns?.metadata.annotations?.[FAULTS_ANNOTATION] ?? '[]') as FaultRule[];
  const next = withFault(rules, { namespace, ...target }, fault);
  const res = await admin.request(
    'PATCH',
    `/api/v1/namespaces/${namespace}`,
    JSON.stringify({ metadata: { annotations: { [FAULTS_ANNOTATION]: JSON.stringify(next) } } }),
    { 'Content-Type': 'application/merge-patch+json' },
  );
  if (res.status !== 200) throw new Error(`fault on ${namespace}: ${res.status} ${res.body}`);
}
