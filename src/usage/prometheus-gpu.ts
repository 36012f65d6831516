/**
 * GPU utilization and framebuffer of our pods from Prometheus, as the NVIDIA DCGM exporter reports
 * them (DCGM_FI_DEV_GPU_UTIL in percent, DCGM_FI_DEV_FB_USED and _FB_FREE in MiB, each GPU labelled
 * with the pod using it), over the window with the HTTP API's range query (/api/v1/query_range).
 * Prometheus down or answering an error is a warning; its error text is outside text.
 */
import { z } from 'zod';
import type { PromSeries } from './resource-usage.js';
import { outsideSaid, type UsageWarning } from './usage-warning.js';

export const DCGM_METRICS = {
  utilization: 'DCGM_FI_DEV_GPU_UTIL',
  memoryUsed: 'DCGM_FI_DEV_FB_USED',
  memoryFree: 'DCGM_FI_DEV_FB_FREE',
} as const;

export interface GpuQuery {
  readonly namespace: string;
  readonly pods: readonly string[];
  /** Unix seconds. */
  readonly start: number;
  readonly end: number;
  readonly stepSeconds: number;
}

export interface GpuSeries {
  readonly utilization: readonly PromSeries[];
  readonly memoryUsed: readonly PromSeries[];
  readonly memoryFree: readonly PromSeries[];
}

const answer = z.union([
  z.object({
    status: z.literal('success'),
    data: z.object({
      resultType: z.literal('matrix'),
      result: z.array(
        z.object({
          metric: z.record(z.string(), z.string()),
          values: z.array(z.tuple([z.number(), z.string()])),
        }),
      ),
    }),
  }),
  z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }),
]);

/** A PromQL string literal (double-quoted; backslash and quote escaped). */
function literal(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** RE2 metacharacters escaped, so a name matches itself only. */
function regexQuote(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/**
 * The series of `metric` for our pods. The exporter's own `pod`/`namespace` labels, or, when
 * Prometheus scraped the exporter as a pod target (its labels win), `exported_pod`/`exported_namespace`.
 */
export function dcgmSelector(metric: string, namespace: string, pods: readonly string[]): string {
  const ns = literal(namespace);
  const names = literal(`^(?:${pods.map(regexQuote).join('|')})$`);
  return (
    `${metric}{namespace=${ns},pod=~${names}} or ` +
    `${metric}{exported_namespace=${ns},exported_pod=~${names}}`
  );
}

/**
 * The URL without credentials (fetch refuses them in a URL, and messages must not show them), and
 * the Basic authorization they stand for.
 */
export function endpoint(url: string): { base: string; headers: Record<string, string> } {
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const base = parsed.toString().replace(/\/+$/, '');
  return user || password
    ? { base, headers: { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } }
    : { base, headers: {} };
}

export type GpuRead = { readonly series: GpuSeries } | { readonly warning: UsageWarning };

/** The three DCGM series of `query.pods` over the window, from the Prometheus at `url`. */
export async function readGpuSeries(
  url: string,
  query: GpuQuery,
  options: { readonly fetch?: typeof fetch; readonly timeoutMs?: number } = {},
): Promise<GpuRead> {
  const { base, headers } = endpoint(url);
  const send = options.fetch ?? fetch;
  const range = async (metric: string): Promise<PromSeries[] | UsageWarning> => {
    const params = new URLSearchParams({
      query: dcgmSelector(metric, query.namespace, query.pods),
      start: String(query.start),
      end: String(query.end),
      step: `${query.stepSeconds}s`,
    });
    let response: Response;
    try {
      response = await send(`${base}/api/v1/query_range`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: params.toString(),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      const why =
        cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
      return {
        code: 'prometheus-unreachable',
        message: `querying Prometheus at ${base}: ${outsideSaid(why)}: no GPU figures`,
        hint: 'check prometheus-url and that Prometheus is reachable from the job',
      };
    }
    const text = await response.text();
    let parsed: z.infer<typeof answer> | undefined;
    try {
      const result = answer.safeParse(JSON.parse(text));
      parsed = result.success ? result.data : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed?.status === 'success') return parsed.data.result;
    const said = parsed?.status === 'error' ? (parsed.error ?? parsed.errorType ?? '') : text;
    return {
      code: 'prometheus-error',
      message: `Prometheus at ${base} answered ${response.status} to ${metric}: ${outsideSaid(said) || response.statusText}: no GPU figures`,
      hint:
        response.status === 404
          ? 'prometheus-url is the Prometheus root, e.g. http://prometheus:9090 (the HTTP API is under /api/v1)'
          : 'check the Prometheus server, and that the query is allowed by any proxy in front of it',
    };
  };
  // One after the other: a Prometheus that is down answers the first and the others would repeat it.
  const utilization = await range(DCGM_METRICS.utilization);
  if (!Array.isArray(utilization)) return { warning: utilization };
  const memoryUsed = await range(DCGM_METRICS.memoryUsed);
  if (!Array.isArray(memoryUsed)) return { warning: memoryUsed };
  const memoryFree = await range(DCGM_METRICS.memoryFree);
  if (!Array.isArray(memoryFree)) return { warning: memoryFree };
  return { series: { utilization, memoryUsed, memoryFree } };
}
