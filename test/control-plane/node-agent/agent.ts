/**
 * THE NODE AGENT: A TEST DOUBLE OF THE KUBELET (AND ITS CONTAINER RUNTIME). The one part of a
 * cluster that cannot run here: no container runtime can start the model images on this machine.
 * Everything else the tests meet is the real control plane (control-plane.ts).
 *
 * It registers Nodes (nodes.ts) with capacity, labels and taints, keeps them Ready with Lease
 * heartbeats, and runs every pod the real scheduler binds to them (pod-worker.ts): the image pulled
 * from its layout or registry, the model server started in the pod's own network namespace
 * (pod-network.ts), probes, restarts, status and events. It serves the kubelet's log endpoint so
 * `pods/log` through the API server works, and pods answer on their pod IPs so the API server's
 * service proxy reaches them. It talks to the API server only through @kubernetes/client-node.
 *
 * What it does not do: volumes, init containers, exec/attach/port-forward, resource enforcement,
 * eviction, static pods, images other than the model server's (every container runs
 * test/model-server over the image's files).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeCluster, type LiveObject } from '../../../src/deploy/cluster.js';
import type { ContainerSpec } from './container.js';
import { faultFor, FAULTS_ANNOTATION, type FaultRule } from './faults.js';
import { pullImage, type PulledImage } from './images.js';
import { nodeObject, type NodeSpec } from './nodes.js';
import { PodNetwork } from './pod-network.js';
import { PodWorker } from './pod-worker.js';
import { PodMetricsServer } from './pod-metrics.js';

const run = promisify(execFile);
const KUBELET_VERSION = 'v1.37.2';
const HEARTBEAT_MS = 10_000;

export interface NodeAgentOptions {
  /** Kubeconfig text of a user allowed to write nodes, pods/status and events. */
  readonly kubeconfig: string;
  readonly nodes: readonly NodeSpec[];
  /** Multiplies the kubelet's probe periods and back-offs (default 1; tests use less). */
  readonly timeScale?: number;
  /** Where relative `oci-layout:` paths start. */
  readonly cwd?: string;
  /** Where problems of the agent itself go (default stderr). */
  readonly log?: (line: string) => void;
}

export interface NodeAgent {
  readonly nodes: readonly string[];
  /** The nodes' address (the pod network's gateway). */
  readonly hostIP: string;
  /** Pods running now. */
  readonly running: () => number;
  /** Where the kubelet endpoint listens (logs, and the metrics API for an APIService). */
  readonly kubeletPort: number;
  close(): Promise<void>;
}

const iso = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const microIso = (d = new Date()) => d.toISOString().replace(/Z$/, '000Z');

async function servingCertificate(dir: string): Promise<{ key: Buffer; cert: Buffer }> {
  const [key, cert] = [join(dir, 'kubelet.key'), join(dir, 'kubelet.crt')];
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', '/CN=node-agent', '-keyout', key, '-out', cert,
  ]); // prettier-ignore
  return { key: await readFile(key), cert: await readFile(cert) };
}

export async function startNodeAgent(options: NodeAgentOptions): Promise<NodeAgent> {
  const log = options.log ?? ((line: string) => process.stderr.write(`node agent: ${line}\n`));
  const onError = (error: unknown) => log(error instanceof Error ? error.message : String(error));
  const kc = new KubeConfig();
  kc.loadFromString(options.kubeconfig);
  const api = new KubeCluster(kc);
  const nodeNames = new Set(options.nodes.map((n) => n.name));
  const network = await PodNetwork.create();
  const dir = await mkdtemp(join(tmpdir(), 'node-agent-'));
  const workers = new Map<string, PodWorker>();
  const images = new Map<string, Promise<PulledImage>>();
  const sent = new Map<string, Set<string>>();
  let closed = false;

  const request = async (method: string, path: string, body?: unknown, type = 'application/json') => {
    const res = await api.request(method, path, body === undefined ? undefined : JSON.stringify(body), {
      'Content-Type': type,
    });
    return { status: res.status, body: res.body };
  };

  // --- the kubelet's log endpoint (`pods/log` through the API server lands here) -------------
  const tls = await servingCertificate(dir);
  const metrics = new PodMetricsServer(() => [...workers.values()].map((w) => w.processes()));
  const kubelet: Server = createServer(tls, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://node');
    if (url.pathname.startsWith('/apis/') && metrics.handle(req, res, url)) return;
    const match = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    const worker = match && [...workers.values()].find((w) => w.matches(match[1] ?? '', match[2] ?? ''));
    if (!match || !worker) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found');
      return;
    }
    const answer = worker.logs(match[3], url.searchParams.get('previous') === 'true');
    if ('error' in answer) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end(answer.error);
      return;
    }
    const tail = Number(url.searchParams.get('tailLines') ?? -1);
    const lines = tail >= 0 ? answer.lines.slice(-tail || answer.lines.length) : answer.lines;
    const shown = tail === 0 ? [] : lines;
    const stamp = url.searchParams.get('timestamps') === 'true';
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(shown.map((l) => `${stamp ? `${l.time} ` : ''}${l.text}\n`).join(''));
  });
  await new Promise<void>((resolve) => kubelet.listen(0, network.gateway, () => resolve()));
  const kubeletPort = (kubelet.address() as AddressInfo).port;

  // --- Nodes and their heartbeats ------------------------------------------------------------
  const nodeStatus = (spec: NodeSpec) => ({
    status: {
      capacity: spec.capacity,
      allocatable: spec.capacity,
      conditions: [
        ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
        ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
        ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
        ['Ready', 'True', 'KubeletReady'],
      ].map(([type, status, reason]) => ({
        type,
        status,
        reason,
        message: type === 'Ready' ? 'node agent is posting ready status' : `kubelet has ${reason}`,
        lastHeartbeatTime: iso(),
        lastTransitionTime: iso(),
      })),
      addresses: [
        { type: 'InternalIP', address: network.gateway },
        { type: 'Hostname', address: spec.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
      nodeInfo: {
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: '',
        osImage: 'model-promote node agent',
        containerRuntimeVersion: 'node-agent://1',
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  });
  const register = async (spec: NodeSpec) => {
    const object = nodeObject(spec);
    const created = await request('POST', '/api/v1/nodes', object);
    if (created.status === 409) {
      await request('PATCH', `/api/v1/nodes/${spec.name}`, object, 'application/merge-patch+json');
    } else if (created.status >= 300) {
      throw new Error(`registering node ${spec.name}: ${created.status} ${created.body}`);
    }
  };
  /** The node's status with fresh heartbeat times, as the kubelet posts it. */
  const postStatus = async (spec: NodeSpec) => {
    const status = await request(
      'PATCH',
      `/api/v1/nodes/${spec.name}/status`,
      nodeStatus(spec),
      'application/strategic-merge-patch+json',
    );
    if (status.status >= 300) throw new Error(`node ${spec.name} status: ${status.status} ${status.body}`);
  };
  const renewLease = async (name: string) => {
    const path = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${name}`;
    const spec = { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microIso() };
    const res = await request('PATCH', path, { spec }, 'application/merge-patch+json');
    if (res.status === 404) {
      await request('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace: 'kube-node-lease' },
        spec,
      });
    }
  };
  for (const spec of options.nodes) await register(spec);
  const heartbeat = async () => {
    for (const spec of options.nodes) {
      await renewLease(spec.name);
      await postStatus(spec);
    }
  };
  await heartbeat();
  const heartbeats = setInterval(() => void heartbeat().catch(onError), HEARTBEAT_MS);

  // --- pods ------------------------------------------------------------------------------------
  const event: ConstructorParameters<typeof PodWorker>[1]['event'] = (
    pod,
    type,
    reason,
    message,
    fieldPath,
  ) => {
    const uid = pod.metadata.uid ?? '';
    const seen = sent.get(uid) ?? new Set<string>();
    sent.set(uid, seen);
    const key = `${fieldPath}/${type}/${reason}/${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    const namespace = pod.metadata.namespace ?? 'default';
    void request('POST', `/api/v1/namespaces/${namespace}/events`, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${pod.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        name: pod.metadata.name,
        namespace,
        uid,
        ...(fieldPath ? { fieldPath } : {}),
      },
      type,
      reason,
      message,
      source: { component: 'kubelet', host: (pod.spec as { nodeName?: string }).nodeName },
      firstTimestamp: iso(),
      lastTimestamp: iso(),
      count: 1,
      reportingComponent: 'kubelet',
      reportingInstance: (pod.spec as { nodeName?: string }).nodeName,
    }).catch(onError);
  };

  /** The Deployment (or other top owner) a pod belongs to, for fault rules that name one. */
  const ownerOf = async (pod: LiveObject): Promise<string | undefined> => {
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller);
    if (!ref || ref.kind !== 'ReplicaSet') return ref?.name;
    const rs = await api.read({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: ref.name, namespace: pod.metadata.namespace ?? 'default' },
    });
    return rs?.metadata.ownerReferences?.find((r) => r.controller)?.name ?? ref.name;
  };
  const faults = async (pod: LiveObject, container: ContainerSpec) => {
    const namespace = pod.metadata.namespace ?? 'default';
    const ns = await api.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const text = ns?.metadata.annotations?.[FAULTS_ANNOTATION];
    if (!text) return undefined;
    const rules = JSON.parse(text) as FaultRule[];
    const owner = await ownerOf(pod);
    return faultFor(rules, { namespace, ...(owner ? { owner } : {}), image: container.image });
  };
  const pull = (reference: string) => {
    let pulled = images.get(reference);
    if (!pulled) {
      pulled = pullImage(reference, options.cwd);
      images.set(reference, pulled);
      // A failed pull is tried again next time, as a runtime would.
      pulled.catch(() => images.delete(reference));
    }
    return pulled;
  };
  const context = {
    api,
    hostIP: network.gateway,
    network,
    pull,
    timeScale: options.timeScale ?? 1,
    faults,
    event,
    onError,
  };

  const onPod = (type: string, pod: LiveObject) => {
    if (closed) return;
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    const uid = pod.metadata.uid ?? '';
    if (!node || !nodeNames.has(node)) return;
    let worker = workers.get(uid);
    if (type === 'DELETED') {
      if (worker) {
        workers.delete(uid);
        sent.delete(uid);
        void worker.kill().catch(onError);
      }
      return;
    }
    if (!worker) {
      worker = new PodWorker(pod, { ...context, node });
      workers.set(uid, worker);
      worker.start();
    }
    if (pod.metadata.deletionTimestamp) void worker.terminate(pod).catch(onError);
  };

  // List, then watch from the list's resourceVersion; a broken watch resumes from the last event
  // seen, and a 410 Gone (or any failure to resume) lists again, as an informer does.
  let resourceVersion = '';
  let watch: AbortController | undefined;
  const list = async () => {
    const { items, resourceVersion: rv } = await api.list('/api/v1/pods');
    const present = new Set(items.map((p) => p.metadata.uid));
    for (const pod of items) onPod('MODIFIED', pod);
    for (const [uid, worker] of workers) {
      if (!present.has(uid)) {
        workers.delete(uid);
        void worker.kill().catch(onError);
      }
    }
    resourceVersion = rv;
  };
  const startWatch = async (): Promise<void> => {
    if (closed) return;
    try {
      if (!resourceVersion) await list();
      let gone = false;
      watch = await api.watch(
        '/api/v1/pods',
        { resourceVersion, allowWatchBookmarks: true },
        (type, object) => {
          if (type === 'ERROR') {
            gone = true;
            return;
          }
          resourceVersion = object.metadata.resourceVersion ?? resourceVersion;
          if (type !== 'BOOKMARK') onPod(type, object);
        },
        () => {
          if (gone) resourceVersion = '';
          if (!closed) setTimeout(() => void startWatch(), 200);
        },
      );
    } catch (error) {
      resourceVersion = '';
      if (!closed) {
        if (!String(error).includes('ECONNREFUSED')) onError(error);
        setTimeout(() => void startWatch(), 500);
      }
    }
  };
  await list();
  await startWatch();

  return {
    nodes: [...nodeNames],
    hostIP: network.gateway,
    running: () => workers.size,
    kubeletPort,
    async close() {
      closed = true;
      clearInterval(heartbeats);
      watch?.abort();
      await Promise.all([...workers.values()].map((w) => w.kill().catch(onError)));
      workers.clear();
      await new Promise<void>((resolve) => {
        kubelet.close(() => resolve());
        kubelet.closeAllConnections();
      });
      await network.close();
      for (const pulled of images.values()) await (await pulled.catch(() => undefined))?.remove();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
