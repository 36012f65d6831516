/**
 * The metrics API (metrics.k8s.io/v1beta1) of the node agent's pods, as metrics-server serves it
 * (test code: it stands in for metrics-server, reading what the kubelet's cAdvisor would from the
 * pods' real processes). The API server reaches it through its aggregation layer: an APIService
 * pointing at a Service whose endpoint is the agent (registerMetricsApi in test-plane.ts).
 *
 * CPU is the process's CPU time (utime + stime from /proc/PID/stat) over its lifetime, the window
 * the item names; memory is its resident set (VmRSS), which metrics-server reports as the working
 * set. The rate must not depend on who asked before: the HPA controller polls this same API, and a
 * rate "since the last reading" gave a promotion that read after it only an idle server's zeros. Shapes follow k8s.io/metrics' PodMetrics type.
 * Authorization is the API server's (RBAC on pods.metrics.k8s.io, before it proxies); unlike
 * metrics-server this does not check the front-proxy client certificate.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LiveObject } from '../../../src/deploy/cluster.js';

/** USER_HZ: Linux reports CPU times in 1/100 s on every architecture that Node runs on here. */
const TICKS_PER_SECOND = 100;
const GROUP_VERSION = 'metrics.k8s.io/v1beta1';

export interface PodProcesses {
  readonly pod: LiveObject;
  readonly containers: readonly { readonly name: string; readonly pid: number }[];
}

/** CPU ticks used and ticks since boot at start, from /proc/PID/stat; undefined once it is gone. */
function procStat(pid: number): { ticks: number; startTicks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields count from after it.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ticks: Number(fields[11]) + Number(fields[12]), startTicks: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

function rssBytes(pid: number): number | undefined {
  try {
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

function uptimeSeconds(): number {
  return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
}

/** `a=b,c=d` (equality only: what kubectl and model-promote send) against the pod's labels. */
export function selects(selector: string | null, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [key = '', value = ''] = term.split(/==?/, 2);
    return labels[key.trim()] === value.trim();
  });
}

export class PodMetricsServer {
  constructor(private readonly pods: () => readonly PodProcesses[]) {}

  /** CPU cores the process used on average since it started, that lifetime, and its memory. */
  private usage(pid: number): { cpu: string; memory: string; seconds: number } | undefined {
    const stat = procStat(pid);
    const rss = rssBytes(pid);
    if (!stat || rss === undefined) return undefined;
    const seconds = Math.max(0.01, uptimeSeconds() - stat.startTicks / TICKS_PER_SECOND);
    const cores = stat.ticks / TICKS_PER_SECOND / seconds;
    return { cpu: `${Math.round(cores * 1e9)}n`, memory: `${Math.round(rss / 1024)}Ki`, seconds };
  }

  private item({ pod, containers }: PodProcesses, now: Date) {
    const measured = containers.flatMap((c) => {
      const usage = this.usage(c.pid);
      return usage ? [{ name: c.name, usage }] : [];
    });
    if (!measured.length) return undefined;
    const window = Math.min(...measured.map((m) => m.usage.seconds));
    return {
      metadata: {
        name: pod.metadata.name,
        namespace: pod.metadata.namespace,
        labels: pod.metadata.labels ?? {},
        creationTimestamp: now.toISOString(),
      },
      timestamp: now.toISOString(),
      window: `${Math.max(1, Math.round(window))}s`,
      containers: measured.map(({ name, usage: { cpu, memory } }) => ({ name, usage: { cpu, memory } })),
    };
  }

  /** Answers a request under /apis/metrics.k8s.io/v1beta1; false when the path is not one of ours. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === `/apis/${GROUP_VERSION}`) {
      json(200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: GROUP_VERSION,
        resources: [
          { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
        ],
      });
      return true;
    }
    const match = new RegExp(`^/apis/${GROUP_VERSION}(?:/namespaces/([^/]+))?/pods(?:/([^/]+))?$`).exec(
      url.pathname,
    );
    if (!match) return false;
    if (req.method !== 'GET') {
      json(405, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'MethodNotAllowed',
        code: 405,
      });
      return true;
    }
    const [, namespace, name] = match;
    const now = new Date();
    const items = this.pods()
      .filter(({ pod }) => !namespace || pod.metadata.namespace === namespace)
      .filter(({ pod }) => !name || pod.metadata.name === name)
      .filter(({ pod }) => selects(url.searchParams.get('labelSelector'), pod.metadata.labels ?? {}))
      .flatMap((p) => {
        const item = this.item(p, now);
        return item ? [{ kind: 'PodMetrics', apiVersion: GROUP_VERSION, ...item }] : [];
      });
    if (name) {
      if (items[0]) json(200, items[0]);
      else
        json(404, {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: `podmetrics.metrics.k8s.io "${name}" not found`,
          reason: 'NotFound',
          code: 404,
        });
      return true;
    }
    json(200, { kind: 'PodMetricsList', apiVersion: GROUP_VERSION, metadata: {}, items });
    return true;
  }
}
