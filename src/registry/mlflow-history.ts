/**
 * The promotion history as MLflow model version tags, one set per environment:
 *
 *   model_promote.<env>.status        succeeded | failed | refused
 *   model_promote.<env>.promotion_id  the promotion record's id
 *   model_promote.<env>.time          ISO 8601, when it finished
 *   model_promote.<env>.image         the image by digest (when built)
 *   model_promote.<env>.pool          the compute pool (when chosen)
 *   model_promote.<env>.reason        why it did not succeed
 *   model_promote.<env>.duration_seconds  how long it took (absent from older entries)
 *
 * Tags hold the latest promotion of each version to each environment (a later one overwrites), so
 * the history read back is one entry per version and environment: enough to know which version an
 * environment runs (the newest success), which is what the pipeline asks of it.
 */
import type { MlflowModelVersion, MlflowTag } from './mlflow-client.js';
import type { PromotionHistoryEntry } from './model-version.js';

const PREFIX = 'model_promote.';
/** MLflow caps model version tag values at 5000 characters. */
const MAX_VALUE = 5000;
const STATUSES: ReadonlySet<string> = new Set(['succeeded', 'failed', 'refused', 'planned']);

export function promotionTags(entry: PromotionHistoryEntry): MlflowTag[] {
  const key = (field: string) => `${PREFIX}${entry.environment}.${field}`;
  const tags: MlflowTag[] = [
    { key: key('status'), value: entry.status },
    { key: key('promotion_id'), value: entry.promotionId },
    { key: key('time'), value: entry.time },
  ];
  if (entry.image) tags.push({ key: key('image'), value: entry.image });
  if (entry.pool) tags.push({ key: key('pool'), value: entry.pool });
  if (entry.reason) tags.push({ key: key('reason'), value: entry.reason.slice(0, MAX_VALUE) });
  if (entry.durationSeconds !== undefined)
    tags.push({ key: key('duration_seconds'), value: String(entry.durationSeconds) });
  return tags;
}

export function historyFromTags(versions: readonly MlflowModelVersion[]): PromotionHistoryEntry[] {
  const entries: PromotionHistoryEntry[] = [];
  for (const version of versions) {
    const byEnvironment = new Map<string, Map<string, string>>();
    for (const tag of version.tags ?? []) {
      if (!tag.key.startsWith(PREFIX)) continue;
      const rest = tag.key.slice(PREFIX.length);
      const dot = rest.lastIndexOf('.');
      if (dot <= 0) continue;
      const environment = rest.slice(0, dot);
      const fields = byEnvironment.get(environment) ?? new Map<string, string>();
      fields.set(rest.slice(dot + 1), tag.value);
      byEnvironment.set(environment, fields);
    }
    for (const [environment, fields] of byEnvironment) {
      const status = fields.get('status');
      const time = fields.get('time');
      if (!status || !STATUSES.has(status) || !time) continue;
      const image = fields.get('image');
      const pool = fields.get('pool');
      const reason = fields.get('reason');
      const durationTag = fields.get('duration_seconds')?.trim();
      const duration = durationTag ? Number(durationTag) : Number.NaN;
      entries.push({
        promotionId: fields.get('promotion_id') ?? '',
        environment,
        version: version.version,
        status: status as PromotionHistoryEntry['status'],
        time,
        ...(image && { image }),
        ...(pool && { pool }),
        ...(reason && { reason }),
        // A tag someone edited into something else is left out, like a missing one.
        ...(Number.isFinite(duration) && duration >= 0 && { durationSeconds: duration }),
      });
    }
  }
  return entries.sort((a, b) => a.time.localeCompare(b.time));
}
