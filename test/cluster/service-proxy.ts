/**
 * The API server's service proxy, for the test cluster:
 * `/api/v1/namespaces/NS/services/NAME[:PORT]/proxy/PATH` forwards the request to a ready pod
 * selected by the Service (round robin), at the URL the `startPod` hook gave the pod
 * (POD_URL_ANNOTATION). As a real server: 404 Status for an unknown Service, 503 when no ready
 * endpoint exists. No RBAC check (a real server asks `services/proxy`).
 *
 * Two ways in: `serviceProxy(store)` is a handler for server.ts (one line, first thing in
 * `handle`: `if (serviceProxy(ctx.store)(req, res)) return;`), and `withServiceProxy(cluster)`
 * puts the same handler in a small front server before an unchanged cluster (other requests,
 * watches included, are piped through), with its own kubeconfig.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POD_URL_ANNOTATION } from './kubelet.js';
import { kubeconfigYaml } from './kubeconfig.js';
import { typeOf } from './resources.js';
import { matchesRequirements, parseLabelSelector } from './selectors.js';
import type { ObjectStore } from './store.js';

const PROXY = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/:]+)(?::([^/]+))?\/proxy(\/.*)?$/;

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** A request handler that answers service proxy paths and returns false for anything else. */
export function serviceProxy(store: ObjectStore): (req: IncomingMessage, res: ServerResponse) => boolean {
  const turn = new Map<string, number>();
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://test-cluster');
    const match = PROXY.exec(decodeURIComponent(url.pathname));
    if (!match) return false;
    const [, namespace = '', name = '', , rest = '/'] = match;
    const service = store.get(typeOf('services'), namespace, name);
    if (!service) {
      status(res, 404, 'NotFound', `services "${name}" not found`);
      return true;
    }
    const selector = (service.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {};
    const requirements = parseLabelSelector(
      Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    );
    const ready = store
      .list(typeOf('pods'), namespace)
      .filter(
        (pod) => Object.keys(selector).length > 0 && matchesRequirements(pod.metadata.labels, requirements),
      )
      .filter((pod) =>
        (
          (pod.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ??
          []
        ).some((c) => c.type === 'Ready' && c.status === 'True'),
      )
      .map((pod) => pod.metadata.annotations?.[POD_URL_ANNOTATION])
      .filter((u): u is string => Boolean(u));
    if (ready.length === 0) {
      status(res, 503, 'ServiceUnavailable', `no endpoints available for service "${name}"`);
      return true;
    }
    const key = `${namespace}/${name}`;
    const index = (turn.get(key) ?? 0) % ready.length;
    turn.set(key, index + 1);
    const target = new URL(`${rest}${url.search}`, ready[index]);
    const upstream = request(
      target,
      { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'application/json' } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) =>
      status(res, 503, 'ServiceUnavailable', `error trying to reach service: ${error.message}`),
    );
    req.pipe(upstream);
    return true;
  };
}

export interface ProxiedCluster {
  readonly url: string;
  readonly kubeconfig: string;
  readonly kubeconfigPath: string;
  close(): Promise<void>;
}

/** A front server: service proxy paths answered here, everything else piped to `cluster.url`. */
export async function withServiceProxy(cluster: {
  url: string;
  store: ObjectStore;
}): Promise<ProxiedCluster> {
  const proxy = serviceProxy(cluster.store);
  const server = createServer((req, res) => {
    if (proxy(req, res)) return;
    const upstream = request(
      new URL(req.url ?? '/', cluster.url),
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfig = kubeconfigYaml(url);
  const dir = await mkdtemp(join(tmpdir(), 'test-cluster-proxy-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
  return {
    url,
    kubeconfig,
    kubeconfigPath,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
