/**
 * A promotion as Prometheus metrics, in the text exposition format (version 0.0.4), for a
 * Pushgateway. Pure: a record in, text and a grouping key out; telemetry-pushgateway.ts sends it.
 *
 * A Pushgateway keeps the last value pushed per group, so every metric is a gauge about the last
 * promotion of one model to one environment (the group); Prometheus turns them into rates and
 * counts (docs/telemetry.md).
 */
import type { EnvironmentStats } from './history-stats.js';
import type { PromotionRecord, PromotionStatus } from './promotion-record.js';
import { utilizationFamilies } from './utilization-telemetry.js';

export const PUSHGATEWAY_JOB = 'model_promote';

const RESULTS: readonly PromotionStatus[] = ['succeeded', 'planned', 'refused', 'failed'];

/** Smoke-test latency of the last cluster the promotion deployed to. */
export interface SmokeLatency {
  readonly p50Ms?: number;
  readonly p95Ms?: number;
}

export function smokeLatencyOf(record: PromotionRecord): SmokeLatency | undefined {
  const smoke = record.deploy?.at(-1)?.smoke;
  return smoke ? { p50Ms: smoke.p50Ms, p95Ms: smoke.p95Ms } : undefined;
}

export interface Family {
  readonly name: string;
  readonly help: string;
  readonly samples: readonly { readonly labels?: Readonly<Record<string, string>>; readonly value: number }[];
}

export function promotionMetrics(record: PromotionRecord): Family[] {
  const finished = Date.parse(record.finishedAt ?? record.startedAt);
  const started = Date.parse(record.startedAt);
  const families: Family[] = [
    {
      name: 'model_promote_last_run_timestamp_seconds',
      help: 'When the last promotion of this model to this environment finished (Unix seconds).',
      samples: [{ value: finished / 1000 }],
    },
    {
      name: 'model_promote_last_result',
      help: "The last promotion's result: 1 for the result it had, 0 for the others.",
      samples: RESULTS.map((result) => ({ labels: { result }, value: record.status === result ? 1 : 0 })),
    },
    {
      name: 'model_promote_duration_seconds',
      help: 'How long the last promotion took, first stage to report.',
      samples: [{ value: Math.max(0, finished - started) / 1000 }],
    },
    {
      name: 'model_promote_stage_duration_seconds',
      help: 'How long each stage of the last promotion took, with its outcome.',
      samples: record.stages.map((stage) => ({
        labels: { stage: stage.name, outcome: stage.outcome },
        value: stage.durationMs / 1000,
      })),
    },
    {
      name: 'model_promote_info',
      help: 'What the last promotion promoted: model version, pool, digests, tool version. Always 1.',
      samples: [
        {
          labels: {
            version: record.model?.version ?? '',
            pool: record.environment?.pool ?? '',
            image_digest: record.image?.digest ?? '',
            model_digest: record.model?.digest ?? '',
            dry_run: String(record.dryRun),
            tool_version: record.tool.version,
          },
          value: 1,
        },
      ],
    },
  ];
  // Pushed with POST, a family left out keeps its previous value: a failure keeps the last success.
  if (record.status === 'succeeded') {
    families.push({
      name: 'model_promote_last_success_timestamp_seconds',
      help: 'When this model last reached this environment successfully (Unix seconds).',
      samples: [{ value: finished / 1000 }],
    });
  }
  families.push(...historyFamilies(record.history));
  const smoke = smokeLatencyOf(record);
  if (smoke) {
    families.push({
      name: 'model_promote_smoke_latency_seconds',
      help: "Latency of the last promotion's smoke requests to the new version, by quantile.",
      samples: [
        ...(smoke.p50Ms !== undefined ? [{ labels: { quantile: '0.5' }, value: smoke.p50Ms / 1000 }] : []),
        ...(smoke.p95Ms !== undefined ? [{ labels: { quantile: '0.95' }, value: smoke.p95Ms / 1000 }] : []),
      ],
    });
  }
  families.push(...utilizationFamilies(record));
  return families.filter((family) => family.samples.length > 0);
}

/**
 * The environment's figures over the registry's history, this promotion included. Left out when
 * the record has none (a promotion that stopped before its plan, a registry with no history), so a
 * POST keeps the previous push's; a figure with no value (no success yet) is left out alike.
 */
function historyFamilies(stats: EnvironmentStats | undefined): Family[] {
  if (!stats) return [];
  const quantiles = [
    { quantile: '0.5', value: stats.medianSeconds },
    { quantile: '0.95', value: stats.p95Seconds },
  ].flatMap(({ quantile, value }) => (value === null ? [] : [{ labels: { quantile }, value }]));
  return [
    {
      name: 'model_promote_history_promotions',
      help: "Promotions of this model to this environment in the registry's history, by result.",
      samples: (['succeeded', 'refused', 'failed'] as const).map((result) => ({
        labels: { result },
        value: stats[result],
      })),
    },
    {
      name: 'model_promote_history_success_ratio',
      help: "Share of this model's promotions to this environment in the registry's history that succeeded (0 to 1).",
      samples: [{ value: stats.successRate }],
    },
    {
      name: 'model_promote_history_duration_seconds',
      help: "Duration of this model's successful promotions to this environment in the registry's history, by quantile (nearest rank).",
      samples: quantiles,
    },
    {
      name: 'model_promote_history_since_last_success_seconds',
      help: 'Seconds from the last successful promotion of this model to this environment to this push.',
      samples: stats.sinceLastSuccessSeconds === null ? [] : [{ value: stats.sinceLastSuccessSeconds }],
    },
  ];
}

/** The text exposition format: HELP, TYPE gauge, then one line per sample. */
export function renderExposition(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    lines.push(`# TYPE ${family.name} gauge`);
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels ?? {})
        .map(
          ([key, value]) =>
            `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
        )
        .join(',');
      lines.push(`${family.name}${labels ? `{${labels}}` : ''} ${formatValue(sample.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}

/**
 * The Pushgateway URL path of one model and environment:
 * `/metrics/job/model_promote/model/M/environment/E`. A value that is not a plain path segment
 * (or is empty) is sent base64url-encoded, as the Pushgateway's `label@base64` form allows.
 */
export function groupingPath(model: string, environment: string): string {
  const segment = (label: string, value: string) =>
    /^[A-Za-z0-9_.-]+$/.test(value) && value !== '.' && value !== '..'
      ? `${label}/${value}`
      : `${label}@base64/${Buffer.from(value).toString('base64url') || '='}`;
  return `/metrics/${segment('job', PUSHGATEWAY_JOB)}/${segment('model', model)}/${segment('environment', environment)}`;
}
