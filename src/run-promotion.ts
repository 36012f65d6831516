/**
 * A promotion as every entry point runs it: read inputs through the platform, promote, then
 * outputs, job summary and failure. Returns the exit code. Reporting problems are warnings: they
 * never hide or change the promotion's own result.
 */
import path from 'node:path';
import { asPromotionError, exitCodeFor } from './errors.js';
import { parsePromotionInputs, secretValues, type OutputName } from './inputs.js';
import type { Platform, PromotionReporter } from './platform/platform.js';
import { promote, type PromotionResult } from './promote.js';
import type { PromotionRecord } from './report/promotion-record.js';
import { renderSummaryMarkdown } from './report/summary-markdown.js';
import { pushgatewayReporter } from './report/telemetry-pushgateway.js';

export async function runPromotion(
  platform: Platform,
  options: { cwd?: string; onRecord?: (record: PromotionRecord) => void } = {},
): Promise<number> {
  let result: PromotionResult;
  let reporters: readonly PromotionReporter[] = [];
  try {
    for (const secret of secretValues(platform.readInput)) platform.mask(secret);
    const inputs = parsePromotionInputs(platform.readInput);
    reporters = [
      ...(platform.reporters?.(inputs) ?? []),
      ...(inputs.pushgatewayUrl ? [pushgatewayReporter(inputs.pushgatewayUrl, platform.logger)] : []),
    ];
    await each(platform, reporters, (reporter) => reporter.started(inputs));
    result = await promote(inputs, {
      logger: platform.logger,
      group: (title, work) => platform.group(title, work),
      ...(options.cwd && { cwd: options.cwd }),
      ...(platform.runUrl && { runUrl: platform.runUrl }),
      mask: (secret) => platform.mask(secret),
    });
  } catch (thrown) {
    const error = asPromotionError(thrown);
    platform.fail(error);
    return error.exitCode;
  }
  const { record, error } = result;
  options.onRecord?.(record);
  const summary = renderSummaryMarkdown(record);
  try {
    await platform.setOutputs(outputsOf(record));
    await platform.writeSummary(summary);
  } catch (thrown) {
    platform.logger.warn(`reporting the promotion: ${asPromotionError(thrown).message}`);
  }
  await each(platform, reporters, (reporter) => reporter.finished(record, summary));
  if (error) {
    platform.fail(error);
    return exitCodeFor(error.kind);
  }
  platform.logger.info(
    `${record.status}: ${record.request.model} v${record.model?.version} -> ${record.request.environment}`,
  );
  return 0;
}

/** Every output, always set (empty when the promotion stopped before it), so workflows can test them. */
export function outputsOf(record: PromotionRecord): Record<OutputName, string> {
  return {
    status: record.status,
    environment: record.request.environment,
    pool: record.environment?.pool ?? '',
    image: record.image?.reference ?? '',
    digest: record.image?.digest ?? '',
    'image-digest': record.image?.digest ?? '',
    'model-digest': record.model?.digest ?? '',
    'manifests-path': record.manifests?.path ?? '',
    // An output folder that could not be claimed holds no record of this promotion.
    'record-path': record.error?.code.startsWith('output-folder-')
      ? ''
      : path.join(record.request.output, 'promotion.json'),
    url: record.environment?.endpoint ?? '',
    model: record.request.model,
    'model-version': record.model?.version ?? '',
    metadata: JSON.stringify({
      status: record.status,
      model: record.request.model,
      version: record.model?.version ?? null,
      environment: record.request.environment,
      pool: record.environment?.pool ?? null,
      image: record.image?.reference ?? null,
      digest: record.image?.digest ?? null,
      url: record.environment?.endpoint ?? null,
      promotionId: record.promotionId,
    }),
  };
}

/** Runs every reporter; one that fails is a warning naming it, and the others still run. */
async function each(
  platform: Platform,
  reporters: readonly PromotionReporter[],
  call: (reporter: PromotionReporter) => Promise<void>,
): Promise<void> {
  for (const reporter of reporters) {
    try {
      await call(reporter);
    } catch (thrown) {
      platform.logger.warn(
        `${reporter.name}: ${asPromotionError(thrown).message} (the promotion's result is unchanged)`,
      );
    }
  }
}
