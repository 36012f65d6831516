/**
 * The smoke check, through the API server's service proxy
 * (`/api/v1/namespaces/NS/services/NAME:PORT/proxy/PATH`), so it needs nothing but the kubeconfig
 * (and `get`/`create` on services/proxy): the pool's health path, one inference request with the
 * model's input example, then N timed requests whose p50/p95 are checked against the pool's
 * latencySLO. The latency includes the API server hop: the SLO check is an upper bound.
 */
import { DeployError } from './cluster-error.js';
import type { KubeCluster } from './cluster.js';

export interface SmokeTarget {
  readonly namespace: string;
  readonly service: string;
  /** Port name or number of the Service; default `http`. */
  readonly port?: string;
  readonly healthPath: string;
  readonly inferencePath: string;
  /** The model's input_example.json (parsed); without it the timed requests use the health path. */
  readonly inputExample?: unknown;
  readonly slo?: { readonly p50Ms?: number; readonly p95Ms?: number };
  /** Timed requests; default 20. */
  readonly requests?: number;
}

export interface SmokeResult {
  readonly healthStatus: number;
  /** The inference reply (parsed JSON, or text). */
  readonly reply?: unknown;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly requests: number;
}

/** Where a request goes: a transport, so tests can also reach a pod directly. */
export type SmokeTransport = (
  method: 'GET' | 'POST',
  path: string,
  body?: string,
) => Promise<{ readonly status: number; readonly body: string }>;

export function serviceProxyTransport(cluster: KubeCluster, target: SmokeTarget): SmokeTransport {
  const base = `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/services/${encodeURIComponent(target.service)}:${encodeURIComponent(target.port ?? 'http')}/proxy`;
  return (method, path, body) =>
    cluster.request(
      method,
      `${base}${path}`,
      body,
      body === undefined ? {} : { 'Content-Type': 'application/json' },
      15_000,
    );
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

/** The SLO breaches, as text; empty when within it. */
export function sloBreaches(p50Ms: number, p95Ms: number, slo: SmokeTarget['slo']): string[] {
  const out: string[] = [];
  if (slo?.p50Ms !== undefined && p50Ms > slo.p50Ms) out.push(`p50 ${p50Ms.toFixed(1)} ms > ${slo.p50Ms} ms`);
  if (slo?.p95Ms !== undefined && p95Ms > slo.p95Ms) out.push(`p95 ${p95Ms.toFixed(1)} ms > ${slo.p95Ms} ms`);
  return out;
}

function fail(
  code: 'smoke-failed' | 'slo-breached',
  message: string,
  hint?: string,
  cause?: unknown,
): DeployError {
  return new DeployError('failed', code, message, hint, cause === undefined ? undefined : { cause });
}

async function call(transport: SmokeTransport, method: 'GET' | 'POST', path: string, body?: string) {
  try {
    return await transport(method, path, body);
  } catch (error) {
    throw fail(
      'smoke-failed',
      `smoke ${method} ${path}: ${error instanceof Error ? error.message : String(error)}`,
      undefined,
      error,
    );
  }
}

/** A few tries for the first request only: the Service's endpoints may lag the pods' readiness. */
async function firstHealth(transport: SmokeTransport, path: string, attempts = 5) {
  let last: { status: number; body: string } | undefined;
  for (let i = 0; i < attempts; i++) {
    last = await call(transport, 'GET', path);
    if (last.status >= 200 && last.status < 300) return last;
    if (last.status !== 503 && last.status !== 502) break;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return last as { status: number; body: string };
}

export async function smokeTest(transport: SmokeTransport, target: SmokeTarget): Promise<SmokeResult> {
  const health = await firstHealth(transport, target.healthPath);
  if (health.status < 200 || health.status >= 300) {
    throw fail(
      'smoke-failed',
      `smoke GET ${target.healthPath} via service ${target.namespace}/${target.service}: HTTP ${health.status} ${health.body.slice(0, 200)}`,
      'the pods are ready but the service does not answer its health path: check serving.healthPath and the Service ports',
    );
  }
  const body = target.inputExample === undefined ? undefined : JSON.stringify(target.inputExample);
  let reply: unknown;
  if (body !== undefined) {
    const answer = await call(transport, 'POST', target.inferencePath, body);
    if (answer.status < 200 || answer.status >= 300) {
      throw fail(
        'smoke-failed',
        `smoke POST ${target.inferencePath} with the model's input example: HTTP ${answer.status} ${answer.body.slice(0, 200)}`,
        'the model server refused its own input example: check serving.inferencePath and the model files',
      );
    }
    try {
      reply = JSON.parse(answer.body) as unknown;
    } catch {
      reply = answer.body;
    }
  }
  const count = target.requests ?? 20;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const answer =
      body === undefined
        ? await call(transport, 'GET', target.healthPath)
        : await call(transport, 'POST', target.inferencePath, body);
    times.push(performance.now() - started);
    if (answer.status < 200 || answer.status >= 300) {
      throw fail(
        'smoke-failed',
        `smoke request ${i + 1}/${count}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`,
      );
    }
  }
  times.sort((a, b) => a - b);
  const p50Ms = Math.round(percentile(times, 50) * 10) / 10;
  const p95Ms = Math.round(percentile(times, 95) * 10) / 10;
  const breaches = sloBreaches(p50Ms, p95Ms, target.slo);
  if (breaches.length > 0) {
    throw fail(
      'slo-breached',
      `latency over ${count} requests breaks the pool's SLO: ${breaches.join(', ')}`,
      'the new version is slower than the pool allows: profile it, or change serving.latencySLO in the catalog',
    );
  }
  return {
    healthStatus: health.status,
    ...(reply !== undefined ? { reply } : {}),
    p50Ms,
    p95Ms,
    requests: count,
  };
}
