/**
 * One promotion, read like the operating checklist: plan (configure, fetch, verify, schema,
 * resolve, plan), then apply (build, attest, manifests, deploy), then report. Nothing outside this
 * machine changes before the apply, so `dry-run` shows a preview instead and a refusal leaves
 * nothing half-done. Each stage adds its entry to the one record every report renders.
 */
import path from 'node:path';
import { EnvironmentError } from './environments/environment-error.js';
import { asPromotionError, type PromotionError } from './errors.js';
import type { PromotionInputs } from './inputs.js';
import { PROMOTION_RECORD_TYPE } from './oci/remote/referrers.js';
import { applyPromotion, attachToImage, previewPromotion } from './promotion-apply.js';
import {
  planPromotion,
  type PromoteOptions,
  type PromotionContext,
  type PromotionPlan,
  type VerifiedVersion,
} from './promotion-plan.js';
import type { PromotionHistoryEntry } from './registry/model-version.js';
import { environmentStats, historyWith } from './report/history-stats.js';
import { OutputFolder } from './report/output-folder.js';
import { renderPlanText } from './report/plan-text.js';
import { newPromotionId, newRecord, recordError, type PromotionRecord } from './report/promotion-record.js';
import { StageRunner } from './report/stage-runner.js';
import { renderSummaryMarkdown } from './report/summary-markdown.js';

export type { PromoteOptions } from './promotion-plan.js';
export { imageTags } from './promotion-plan.js';

export interface PromotionResult {
  readonly record: PromotionRecord;
  readonly error?: PromotionError;
}

export async function promote(inputs: PromotionInputs, options: PromoteOptions): Promise<PromotionResult> {
  const clock = options.clock ?? (() => new Date());
  const cwd = options.cwd ?? process.cwd();
  const record = newRecord(inputs, {
    promotionId: options.promotionId ?? newPromotionId(clock()),
    now: clock(),
    ...(options.runUrl && { runUrl: options.runUrl }),
  });
  const context: PromotionContext = {
    inputs,
    options,
    cwd,
    env: options.env ?? process.env,
    record,
    stages: new StageRunner(record, options.logger, clock, options.group),
    output: new OutputFolder(path.resolve(cwd, inputs.output)),
  };
  let plan: PromotionPlan | undefined;
  let verified: VerifiedVersion | undefined;
  let staging: string | undefined;
  let error: PromotionError | undefined;
  try {
    await context.output.claim(record.promotionId);
    plan = await planPromotion(context, (version) => (verified = version));
    if (inputs.dryRun) {
      staging = await context.output.createStaging();
      const diffs = await previewPromotion(context, plan, staging);
      options.logger.info(
        renderPlanText({ model: { name: plan.version.model, version: plan.version.version }, ...plan }),
      );
      for (const diff of diffs) options.logger.info(diff);
      record.status = 'planned';
      // The folder describes this plan: its manifests, and no earlier run's image.
      await context.output.commit(staging);
    } else {
      staging = await context.output.createStaging();
      await applyPromotion(context, plan, staging);
      record.status = 'succeeded';
    }
  } catch (thrown) {
    error = asPromotionError(thrown);
    record.status = error.kind === 'refused' ? 'refused' : 'failed';
    record.error = recordError(error);
    if (error instanceof EnvironmentError && error.explanation.length && record.environment === undefined) {
      record.environment = { name: inputs.environment, explanation: error.explanation };
    }
    // A failed attestation comes after a healthy deploy that stays (promotion-attest.ts): its image
    // and manifests are what runs, so they stay too.
    const deployed = record.stages.some((s) => s.name === 'attestation' && s.outcome !== 'ok');
    if (context.output.isClaimed && !deployed) await context.output.discard(staging);
  }
  record.finishedAt = clock().toISOString();
  try {
    await report(context, plan, verified);
  } finally {
    await context.output.release();
  }
  return { record, ...(error && { error }) };
}

/**
 * Writes the outcome onto the model version, the record onto the pushed image, and the record and
 * summary. Never throws: the promotion's result is already decided.
 */
async function report(
  context: PromotionContext,
  plan: PromotionPlan | undefined,
  verified: VerifiedVersion | undefined,
): Promise<void> {
  const { record, output, options, inputs } = context;
  const warn = (doing: string, error: unknown) =>
    options.logger.warn(`${doing}: ${asPromotionError(error).message} (the promotion's result is unchanged)`);
  // First, so that every rendering of the record carries the environment's figures with this run.
  // Once the signature held, every outcome is history (a refusal for a breaking interface or no
  // pool too, so success rates count it); before, the promotion touches nothing.
  if (verified && !inputs.dryRun) await writeBack(context, verified, warn);
  if (plan?.target && record.image && !inputs.dryRun) {
    try {
      const attached = await attachToImage(plan, record.image.digest, {
        artifactType: PROMOTION_RECORD_TYPE,
        mediaType: PROMOTION_RECORD_TYPE,
        bytes: Buffer.from(JSON.stringify(record)),
        annotations: { 'dev.model-promote.promotion-id': record.promotionId },
      });
      record.attestations = { ...record.attestations, record: attached.digest };
    } catch (error) {
      warn('attaching the promotion record to the image', error);
    }
  }
  // A folder that could not be claimed is not ours to write: the record reaches the platform only.
  if (output.isClaimed) {
    try {
      await output.writeReport(record, renderSummaryMarkdown(record));
    } catch (error) {
      warn(`writing the promotion record to ${output.dir}`, error);
    }
  }
}

/**
 * The outcome onto the model version (its history), with how long the promotion took; then the
 * environment's success rate and durations into the record, from the history read at fetch plus
 * this entry, so the figures cost no second trip to the registry.
 */
async function writeBack(
  context: PromotionContext,
  plan: VerifiedVersion,
  warn: (doing: string, error: unknown) => void,
): Promise<void> {
  const { record, inputs } = context;
  const time = record.finishedAt ?? new Date().toISOString();
  const entry: PromotionHistoryEntry = {
    promotionId: record.promotionId,
    environment: inputs.environment,
    version: plan.version.version,
    status: record.status,
    time,
    ...(record.image && { image: record.image.reference }),
    ...(record.environment?.pool && { pool: record.environment.pool }),
    ...(record.error && { reason: record.error.message }),
    durationSeconds: Math.max(0, Date.parse(time) - Date.parse(record.startedAt)) / 1000,
  };
  let history = plan.history;
  try {
    await plan.registry.recordPromotion(plan.version, entry);
    history = historyWith(plan.history, entry, plan.registry.historyKeeps);
  } catch (error) {
    // The figures then describe what the registry holds: the history without this promotion.
    warn('writing the promotion back to the registry', error);
  }
  const stats = environmentStats(history, inputs.environment, new Date(time));
  if (stats) record.history = stats;
}
