/**
 * A promotion as every entry point runs it: read inputs through the platform, promote, then
 * outputs, job summary and failure. Returns the exit code. Reporting problems are warnings: they
 * never hide or change the promotion's own result.
 */
import path from 'node:path';
import { chooseAttestationSigner } from './attest/choose-signer.js';
import { DEFAULT_CATALOG_PATH } from './environments/catalog-path.js';
import { asPromotionError, type PromotionError } from './errors.js';
import {
  DEFAULT_OUTPUT,
  parseBoolean,
  parsePromotionInputs,
  secretValues,
  type InputName,
  type OutputName,
  type PromotionInputs,
} from './inputs.js';
import { oneLine } from './outside-text.js';
import type { Platform, PromotionReporter } from './platform/platform.js';
import { promote, type PromotionResult } from './promote.js';
import { OutputFolder } from './report/output-folder.js';
import { newPromotionId, newRecord, recordError, type PromotionRecord } from './report/promotion-record.js';
import { renderSummaryMarkdown } from './report/summary-markdown.js';
import { pushgatewayReporter } from './report/telemetry-pushgateway.js';

export async function runPromotion(
  platform: Platform,
  options: { cwd?: string; onRecord?: (record: PromotionRecord) => void } = {},
): Promise<number> {
  const cwd = options.cwd ?? process.cwd();
  let inputs: PromotionInputs | undefined;
  let reporters: readonly PromotionReporter[] = [];
  let result: PromotionResult;
  let recordWritten: boolean;
  try {
    for (const secret of secretValues(platform.readInput)) platform.mask(secret);
    const parsed = parsePromotionInputs(platform.readInput);
    inputs = parsed;
    reporters = [
      ...(platform.reporters?.(parsed) ?? []),
      ...(parsed.pushgatewayUrl ? [pushgatewayReporter(parsed.pushgatewayUrl, platform.logger)] : []),
    ];
    // Before the reporters start: a missing key or token is a usage error, not a half-started run.
    const attestation = await chooseAttestationSigner(parsed, platform.identityToken, cwd);
    // Only a keyless bundle: GitHub's verifier (`gh attestation verify`) checks the certificate's
    // identity, which a key-signed bundle does not carry.
    const attestationStore =
      attestation?.method === 'keyless' ? platform.attestationStore?.(parsed) : undefined;
    await each(platform, reporters, (reporter) => reporter.started(parsed));
    result = await promote(parsed, {
      ...(attestation && { attestation }),
      ...(attestationStore && { attestationStore }),
      logger: platform.logger,
      group: (title, work) => platform.group(title, work),
      cwd,
      ...(platform.runUrl && { runUrl: platform.runUrl }),
      mask: (secret) => platform.mask(secret),
    });
    // An output folder that could not be claimed holds no record of this promotion.
    recordWritten = !result.record.error?.code.startsWith('output-folder-');
  } catch (thrown) {
    // The promotion could not start (an input missing or malformed): it still reports, so a
    // workflow reading `status` and the summary learns what was wrong and how to fix it.
    const error = asPromotionError(thrown);
    const record = unstartedRecord(platform, error, inputs);
    if (!inputs) reporters = platform.reporters?.(undefined) ?? [];
    recordWritten = await writeUnstartedRecord(record, cwd, platform);
    result = { record, error };
  }
  const { record, error } = result;
  options.onRecord?.(record);
  const summary = renderSummaryMarkdown(record);
  try {
    await platform.setOutputs(outputsOf(record, recordWritten));
    await platform.writeSummary(summary);
  } catch (thrown) {
    platform.logger.warn(`reporting the promotion: ${asPromotionError(thrown).message}`);
  }
  await each(platform, reporters, (reporter) => reporter.finished(record, summary));
  if (error) {
    platform.fail(error);
    return error.exitCode;
  }
  platform.logger.info(
    `${record.status}: ${record.request.model} v${record.model?.version} -> ${record.request.environment}`,
  );
  return 0;
}

/**
 * The record of a promotion that stopped before its first stage. What was asked comes from the
 * inputs as given (one line each: the error may be about the very text), defaults filled in.
 */
export function unstartedRecord(
  platform: Pick<Platform, 'readInput' | 'runUrl'>,
  error: PromotionError,
  inputs: PromotionInputs | undefined,
  now: Date = new Date(),
): PromotionRecord {
  const given = (name: InputName, fallback = '') => oneLine(platform.readInput(name)?.trim() || fallback);
  const request = inputs ?? {
    registry: given('registry'),
    model: given('model'),
    version: given('version', 'latest'),
    environment: given('environment'),
    catalog: given('catalog', DEFAULT_CATALOG_PATH),
    output: given('output', DEFAULT_OUTPUT),
    dryRun: givenDryRun(given('dry-run', 'false')),
  };
  const record = newRecord(request, {
    promotionId: newPromotionId(now),
    now,
    ...(platform.runUrl && { runUrl: platform.runUrl }),
  });
  record.status = error.kind === 'refused' ? 'refused' : 'failed';
  record.error = recordError(error);
  record.finishedAt = now.toISOString();
  return record;
}

/** The dry-run input when it can be read; a malformed one (the error, maybe) counts as false. */
function givenDryRun(raw: string): boolean {
  try {
    return parseBoolean('dry-run', raw);
  } catch {
    return false;
  }
}

/**
 * Leaves the record in the output folder, as every failed promotion does (and removes an earlier
 * run's artifacts, which no longer describe the last promotion). A folder that cannot be claimed
 * is not ours to write: the record then reaches the platform only.
 */
async function writeUnstartedRecord(
  record: PromotionRecord,
  cwd: string,
  platform: Platform,
): Promise<boolean> {
  const folder = new OutputFolder(path.resolve(cwd, record.request.output));
  try {
    await folder.claim(record.promotionId);
  } catch (thrown) {
    platform.logger.debug(`no record written: ${asPromotionError(thrown).message}`);
    return false;
  }
  try {
    await folder.discard(undefined);
    await folder.writeReport(record, renderSummaryMarkdown(record));
    return true;
  } catch (thrown) {
    platform.logger.warn(
      `writing the promotion record to ${folder.dir}: ${asPromotionError(thrown).message}`,
    );
    return false;
  } finally {
    await folder.release();
  }
}

/** Every output, always set (empty when the promotion stopped before it), so workflows can test them. */
export function outputsOf(record: PromotionRecord, recordWritten = true): Record<OutputName, string> {
  // A dry run builds no image: its reference would name nothing. The digest is the one a
  // promotion will build (the build is deterministic), so a plan can be checked against it.
  const image = record.dryRun ? undefined : record.image?.reference;
  return {
    status: record.status,
    environment: record.request.environment,
    pool: record.environment?.pool ?? '',
    image: image ?? '',
    digest: record.image?.digest ?? '',
    'image-digest': record.image?.digest ?? '',
    'model-digest': record.model?.digest ?? '',
    'manifests-path': record.manifests?.path ?? '',
    'record-path': recordWritten ? path.join(record.request.output, 'promotion.json') : '',
    url: record.environment?.endpoint ?? '',
    model: record.request.model,
    'model-version': record.model?.version ?? '',
    metadata: JSON.stringify({
      status: record.status,
      model: record.request.model,
      version: record.model?.version ?? null,
      environment: record.request.environment,
      pool: record.environment?.pool ?? null,
      image: image ?? null,
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
