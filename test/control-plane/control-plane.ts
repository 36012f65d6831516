/**
 * A real Kubernetes control plane on loopback, for tests and `npm run test-cluster`: etcd,
 * kube-apiserver, kube-controller-manager and kube-scheduler, built from source by
 * scripts/test-tools.sh (versions in test/tools/). Nothing here emulates Kubernetes; this file
 * only starts the four programs, waits until they serve, and stops them.
 *
 * Who is who: clients authenticate with bearer tokens from a static token file. `admin`,
 * the controllers and the node agent are in `system:masters`; `deployer` is in no group, so it can
 * do only what a test grants it with RBAC, as a CI service account would be.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { LOCAL_LAYOUTS_EXTENSION } from '../../src/deploy/cluster-access.js';
import { freePort } from '../registry/registry-server.js';
import { FRONT_PROXY_CLIENT, makePki, type Pki } from './pki.js';
import { toolPath } from './tools.js';

/** The users of the static token file. */
export const USERS = ['admin', 'deployer', 'controller-manager', 'scheduler', 'node-agent'] as const;
export type User = (typeof USERS)[number];

export interface ControlPlaneOptions {
  /** The context and cluster name in kubeconfigs (default `test-cluster`). */
  readonly name?: string;
  /** Port of the API server on 127.0.0.1; default: a free one. */
  readonly port?: number;
  /** Folder for data, certificates and logs; default: a new temporary folder, removed by stop(). */
  readonly dir?: string;
  /** Where the admin kubeconfig is written; default `<dir>/admin.kubeconfig`. */
  readonly kubeconfigPath?: string;
  /** Extra kube-apiserver flags, e.g. a short --watch-cache-sizes. */
  readonly apiServerArgs?: readonly string[];
  /**
   * Two API servers on one etcd, as in a highly available control plane: clients of the kubeconfigs
   * use the first, the controllers, the scheduler and the node agent (`via: 'second'`) the second,
   * so the cluster carries on while the first restarts.
   */
  readonly highlyAvailable?: boolean;
}

export interface ControlPlane {
  readonly name: string;
  /** `https://127.0.0.1:PORT` */
  readonly url: string;
  readonly dir: string;
  readonly caPem: string;
  /** The admin kubeconfig's path and text. */
  readonly kubeconfigPath: string;
  readonly kubeconfig: string;
  /** A kubeconfig that authenticates as `user` (or with any token, for 401 tests). */
  kubeconfigFor(
    user: User | { token: string },
    options?: { caPem?: string; namespace?: string; via?: 'second' },
  ): string;
  /** Kills the (first) kube-apiserver (SIGKILL: watches break mid-stream, as in a crash), then starts it again. */
  restartApiServer(options?: { downMs?: number }): Promise<void>;
  /** Stops all four (SIGTERM, then SIGKILL), removes the folder if it made it; idempotent. */
  stop(): Promise<void>;
}

const SERVICE_CIDR = '10.96.0.0/16';
const IN_CLUSTER_NAMES = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'localhost'];

interface Running {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
}

function start(name: string, binary: string, args: readonly string[], logDir: string): Running {
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(toolPath(binary), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', () => undefined);
  return { name, child, exited };
}

async function stopProcess(p: Running, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill(signal);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
}

/** GET `path` with a token; resolves with the status code, or 0 when nothing answers. */
function get(url: string, path: string, token: string, ca: string): Promise<{ code: number; body: string }> {
  return new Promise((resolve) => {
    const req = request(
      new URL(path, url),
      { headers: { Authorization: `Bearer ${token}` }, ca, timeout: 2000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', () => resolve({ code: 0, body: '' }));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, process: Running, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void process.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${what} exited while starting (see ${process.name}.log)`);
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not become ready in ${timeoutMs / 1000} s (see ${process.name}.log)`);
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const name = options.name ?? 'test-cluster';
  const made = options.dir ? undefined : await mkdtemp(join(tmpdir(), 'control-plane-'));
  const dir = options.dir ?? (made as string);
  const logs = join(dir, 'logs');
  await mkdir(logs, { recursive: true });
  const pki: Pki = await makePki(dir, { ips: ['127.0.0.1', '10.96.0.1'], dns: IN_CLUSTER_NAMES });
  const caPem = await readFile(pki.caCert, 'utf8');

  const tokens = Object.fromEntries(USERS.map((u) => [u, randomBytes(24).toString('hex')])) as Record<
    User,
    string
  >;
  const masters = new Set<User>(['admin', 'controller-manager', 'scheduler', 'node-agent']);
  const tokenFile = join(dir, 'tokens.csv');
  await writeFile(
    tokenFile,
    USERS.map((u) => `${tokens[u]},${u},${u}${masters.has(u) ? ',"system:masters"' : ''}\n`).join(''),
    { mode: 0o600 },
  );

  const [etcdClient, etcdPeer, apiPort, secondPort] = await Promise.all([
    freePort(),
    freePort(),
    options.port ? Promise.resolve(options.port) : freePort(),
    freePort(),
  ]);
  const url = `https://127.0.0.1:${apiPort}`;
  const secondUrl = options.highlyAvailable ? `https://127.0.0.1:${secondPort}` : url;
  const processes: Running[] = [];

  const kubeconfigFor: ControlPlane['kubeconfigFor'] = (user, o = {}) =>
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name,
          cluster: {
            server: o.via === 'second' ? secondUrl : url,
            'certificate-authority-data': Buffer.from(o.caPem ?? caPem).toString('base64'),
            // The node agent runs images straight from OCI layouts on this machine (test/control-plane/node-agent).
            extensions: [{ name: LOCAL_LAYOUTS_EXTENSION, extension: { nodeAgent: true } }],
          },
        },
      ],
      users: [{ name, user: { token: typeof user === 'string' ? tokens[user] : user.token } }],
      contexts: [{ name, context: { cluster: name, user: name, namespace: o.namespace ?? 'default' } }],
      'current-context': name,
    });
  const internal = async (user: User) => {
    const path = join(dir, `${user}.kubeconfig`);
    await writeFile(path, kubeconfigFor(user, { via: 'second' }), { mode: 0o600 });
    return path;
  };

  const etcdData = join(dir, 'etcd');
  const etcd = () =>
    start(
      'etcd',
      'etcd',
      [
        '--name', 'default', '--data-dir', etcdData,
        '--listen-client-urls', `http://127.0.0.1:${etcdClient}`, '--advertise-client-urls', `http://127.0.0.1:${etcdClient}`,
        '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
        '--initial-cluster', `default=http://127.0.0.1:${etcdPeer}`,
        // Test data: losing it in a power cut costs nothing, and fsync is most of etcd's latency.
        '--unsafe-no-fsync', '--quota-backend-bytes', String(1 << 30), '--log-level', 'warn',
      ],
      logs,
    ); // prettier-ignore
  const apiServerArgs = (port: number) => [
    '--etcd-servers', `http://127.0.0.1:${etcdClient}`,
    '--bind-address', '127.0.0.1', '--advertise-address', '127.0.0.1', '--secure-port', String(port),
    '--tls-cert-file', pki.serverCert, '--tls-private-key-file', pki.serverKey, '--client-ca-file', pki.caCert,
    '--token-auth-file', tokenFile, '--authorization-mode', 'RBAC', '--anonymous-auth=false',
    '--service-account-issuer', 'https://kubernetes.default.svc', '--service-account-key-file', pki.serviceAccountPub,
    '--service-account-signing-key-file', pki.serviceAccountKey, '--service-cluster-ip-range', SERVICE_CIDR,
    // The `kubernetes` Service would list 127.0.0.1, which Endpoints validation refuses.
    '--endpoint-reconciler-type', 'none',
    // Reach the node agent (pods/log) at its address: a node's name resolves nowhere here.
    '--kubelet-preferred-address-types', 'InternalIP',
    '--allow-privileged=true', '--profiling=false', '--event-ttl', '1h',
    // The aggregation layer, as kubeadm sets it up, so an APIService (the metrics API the node agent
    // serves) is proxied with the front-proxy identity; routed to the Service's endpoints, as no
    // kube-proxy gives ClusterIPs a route here.
    '--requestheader-client-ca-file', pki.caCert, '--requestheader-allowed-names', FRONT_PROXY_CLIENT,
    '--requestheader-username-headers', 'X-Remote-User', '--requestheader-group-headers', 'X-Remote-Group',
    '--requestheader-extra-headers-prefix', 'X-Remote-Extra-',
    '--proxy-client-cert-file', pki.proxyClientCert, '--proxy-client-key-file', pki.proxyClientKey,
    '--enable-aggregator-routing=true',
    ...(options.apiServerArgs ?? []),
  ]; // prettier-ignore
  const apiServer = () => start('kube-apiserver', 'kube-apiserver', apiServerArgs(apiPort), logs);
  const admin = tokens.admin;
  const readyAt = (at: string) => () => get(at, '/readyz', admin, caPem).then((r) => r.code === 200);
  const ready = readyAt(url);

  const stop = async () => {
    for (const p of [...processes].reverse()) await stopProcess(p);
    processes.length = 0;
    if (made) await rm(made, { recursive: true, force: true });
  };

  try {
    const e = etcd();
    processes.push(e);
    const api = apiServer();
    processes.push(api);
    await waitFor('kube-apiserver', ready, api, 90_000);
    if (options.highlyAvailable) {
      const second = start('kube-apiserver-2', 'kube-apiserver', apiServerArgs(secondPort), logs);
      processes.push(second);
      await waitFor('the second kube-apiserver', readyAt(secondUrl), second, 90_000);
    }
    const [cm, scheduler] = await Promise.all([internal('controller-manager'), internal('scheduler')]);
    processes.push(
      start(
        'kube-controller-manager',
        'kube-controller-manager',
        [
          '--kubeconfig', cm, '--bind-address', '127.0.0.1', '--secure-port', '0', '--leader-elect=false',
          '--service-account-private-key-file', pki.serviceAccountKey, '--root-ca-file', pki.caCert,
          '--cluster-signing-cert-file', pki.caCert, '--cluster-signing-key-file', pki.caKey,
          '--use-service-account-credentials=false', '--cluster-name', name,
        ],
        logs,
      ),
      start(
        'kube-scheduler',
        'kube-scheduler',
        ['--kubeconfig', scheduler, '--bind-address', '127.0.0.1', '--secure-port', '0', '--leader-elect=false'],
        logs,
      ),
    ); // prettier-ignore
    // The plane is usable once namespaces get their `default` ServiceAccount (pods need it).
    const sa = () =>
      get(secondUrl, '/api/v1/namespaces/default/serviceaccounts/default', admin, caPem).then(
        (r) => r.code === 200,
      );
    const manager = processes.find((p) => p.name === 'kube-controller-manager') as Running;
    await waitFor('kube-controller-manager', sa, manager, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }

  const kubeconfig = kubeconfigFor('admin');
  const kubeconfigPath = options.kubeconfigPath ?? join(dir, 'admin.kubeconfig');
  await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });

  let stopping: Promise<void> | undefined;
  return {
    name,
    url,
    dir,
    caPem,
    kubeconfigPath,
    kubeconfig,
    kubeconfigFor,
    async restartApiServer({ downMs = 0 } = {}) {
      const index = processes.findIndex((p) => p.name === 'kube-apiserver');
      const old = processes[index] as Running;
      await stopProcess(old, 'SIGKILL');
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      const next = apiServer();
      processes[index] = next;
      await waitFor('kube-apiserver', ready, next, 90_000);
    },
    stop() {
      stopping ??= stop();
      return stopping;
    },
  };
}
