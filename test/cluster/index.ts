/**
 * THE TEST CLUSTER: A TEST DOUBLE OF THE KUBERNETES API SERVER. IT IS NOT KUBERNETES.
 *
 * No API server can be installed where the project is tested, so this in-memory HTTP server
 * answers the parts of the Kubernetes API that model-promote and kubectl use, closely enough that
 * @kubernetes/client-node and the real kubectl (1.32) work against it unchanged.
 *
 * What it does:
 * - discovery (/version, /api, /apis, group versions; plain form, not aggregated) for core v1
 *   (namespaces, configmaps, secrets, serviceaccounts, services, pods, pods/log, events), apps/v1
 *   (deployments, replicasets, with status and scale), autoscaling/v2 (horizontalpodautoscalers),
 *   coordination.k8s.io/v1 (leases), serving.kserve.io/v1beta1 (inferenceservices);
 * - create, get, list (labelSelector, fieldSelector on any dotted path), watch (resourceVersion,
 *   newline-delimited events, bookmarks, 410 Gone past its log), update with resourceVersion
 *   preconditions (409 Conflict), delete (with owner cascade), patch: server-side apply
 *   (fieldManager required, conflicts and force, dryRun=All), JSON patch, JSON merge patch, and
 *   strategic merge patch approximated (see patch.ts); `kubectl get` gets Tables;
 * - every write validated against the Kubernetes schema (kubernetes-models; InferenceService:
 *   a minimal structural check) plus a few semantic checks: 422 Invalid naming the field;
 * - failures as real `Status` objects; a missing namespace is 404 on create; optional RBAC
 *   denials (403 with the real message); uid, creationTimestamp, resourceVersion, generation and
 *   managedFields bookkeeping;
 * - a controller loop: Deployment -> ReplicaSets (revisions, history limit, undo) -> Pods with
 *   statuses and events, pod logs, InferenceService Ready, HPA status; scriptable faults per
 *   workload or image (faults.ts); a `startPod` hook for pods that should really serve HTTP.
 *
 * What it does not do: run containers (unless startPod does), schedule (one node, `test-node`),
 * authenticate (any token; the user is DEFAULT_USER or Impersonate-User), admission webhooks,
 * finalizers or graceful deletion, protobuf, the aggregated discovery form, OpenAPI documents,
 * CRDs other than InferenceService, Services with endpoints, HPA metrics or scaling, watch events
 * for objects leaving a label selector, deletecollection, exact SSA semantics (field-managers.ts
 * lists the simplifications), KServe's own Deployments/Knative objects.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller } from './controller.js';
import { withFault, type Fault, type FaultRule, type FaultTarget } from './faults.js';
import { kubeconfigYaml } from './kubeconfig.js';
import type { StartPod } from './kubelet.js';
import { DEFAULT_TIMINGS, type Timings } from './pod-lifecycle.js';
import type { ForbidRule } from './rbac.js';
import { ResourceApi } from './resource-api.js';
import { typeOf } from './resources.js';
import { createHandler } from './server.js';
import { ObjectStore } from './store.js';

export type { Fault, FaultRule, FaultTarget } from './faults.js';
export type { StartPod, StartedPod } from './kubelet.js';
export { POD_URL_ANNOTATION } from './kubelet.js';
export type { Timings } from './pod-lifecycle.js';
export type { ForbidRule } from './rbac.js';
export { DEFAULT_USER } from './rbac.js';
export type { KubeObject } from './resources.js';
export { REVISION } from './deployment-controller.js';
export type { Controller } from './controller.js';
export type { ObjectStore } from './store.js';

export interface TestClusterOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** Where to write the kubeconfig; default: a new temporary directory, removed by close(). */
  readonly kubeconfigPath?: string;
  /** Namespaces that exist from the start, besides `default` and `kube-system`. */
  readonly namespaces?: readonly string[];
  readonly faults?: readonly FaultRule[];
  /** RBAC denials (everything else is allowed). */
  readonly forbid?: readonly ForbidRule[];
  readonly timings?: Partial<Timings>;
  /** Caps each Deployment's progressDeadlineSeconds, so a stuck rollout fails within a test. */
  readonly progressDeadlineMs?: number;
  /** Run something for each started pod (e.g. a process serving the model); see kubelet.ts. */
  readonly startPod?: StartPod;
  /** Watch bookmark period when a client allows bookmarks (default 5000 ms). */
  readonly bookmarkMs?: number;
}

export interface TestCluster {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly kubeconfigPath: string;
  /** The kubeconfig's text, for KubeConfig.loadFromString. */
  readonly kubeconfig: string;
  readonly controller: Controller;
  readonly store: ObjectStore;
  /** Sets (or, with undefined, clears) the fault for pods created from now on that match `target`. */
  setFault(target: FaultTarget, fault: Fault | undefined): void;
  /** Replaces the RBAC denials. */
  setForbidden(rules: readonly ForbidRule[]): void;
  /** Stops the controller, ends watches, closes the server and every connection; idempotent. */
  close(): Promise<void>;
}

export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const store = new ObjectStore();
  let faults: readonly FaultRule[] = [...(options.faults ?? [])];
  let forbid: readonly ForbidRule[] = [...(options.forbid ?? [])];
  const timings: Timings = { ...DEFAULT_TIMINGS, ...options.timings };
  const controller = new Controller({
    store,
    timings,
    faults: () => faults,
    ...(options.progressDeadlineMs !== undefined ? { progressDeadlineMs: options.progressDeadlineMs } : {}),
    ...(options.startPod ? { startPod: options.startPod } : {}),
  });
  const namespaces = typeOf('namespaces');
  for (const name of new Set(['default', 'kube-system', ...(options.namespaces ?? [])])) {
    store.create(namespaces, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }

  let url = '';
  const watches = new Set<() => void>();
  const api = new ResourceApi(store, () => forbid);
  const server = createServer(
    createHandler({
      store,
      api,
      kubelet: controller.kubelet,
      rules: () => forbid,
      serverAddress: () => url.replace(/^http:\/\//, ''),
      bookmarkMs: options.bookmarkMs ?? 5000,
      watches,
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const kubeconfig = kubeconfigYaml(url);
  const tmp = options.kubeconfigPath ? undefined : await mkdtemp(join(tmpdir(), 'test-cluster-'));
  const kubeconfigPath = options.kubeconfigPath ?? join(tmp as string, 'kubeconfig');
  await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
  controller.start();

  let closing: Promise<void> | undefined;
  return {
    url,
    kubeconfigPath,
    kubeconfig,
    controller,
    store,
    setFault(target, fault) {
      faults = withFault(faults, target, fault);
    },
    setForbidden(rules) {
      forbid = [...rules];
    },
    close() {
      closing ??= (async () => {
        await controller.stop();
        for (const end of [...watches]) end();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        if (tmp) await rm(tmp, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
