/**
 * Pushes a promotion's metrics (telemetry.ts) to a Prometheus Pushgateway after the promotion,
 * whatever its outcome. A reporter: a failed push is a warning, never the promotion's result.
 */
import { PromotionError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PromotionReporter } from '../platform/platform.js';
import { groupingPath, promotionMetrics, renderExposition } from './telemetry.js';

export type TelemetryErrorCode = 'pushgateway-unreachable' | 'pushgateway-refused';

export class TelemetryError extends PromotionError<TelemetryErrorCode> {
  override readonly name = 'TelemetryError';
  constructor(code: TelemetryErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super('failed', code, message, hint, options);
  }
}

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface PushgatewayOptions {
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

/** A reporter that pushes to the Pushgateway at `url` (e.g. `http://pushgateway:9091`). */
export function pushgatewayReporter(
  url: string,
  logger: Logger,
  options: PushgatewayOptions = {},
): PromotionReporter {
  const base = url.replace(/\/+$/, '');
  const send = options.fetch ?? fetch;
  return {
    name: 'Pushgateway metrics',
    async started() {},
    async finished(record) {
      const target = `${base}${groupingPath(record.request.model, record.request.environment)}`;
      let response: Response;
      try {
        // POST replaces only the families pushed, so the last success survives a later failure.
        response = await send(target, {
          method: 'POST',
          headers: { 'Content-Type': EXPOSITION_CONTENT_TYPE },
          body: renderExposition(promotionMetrics(record)),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        throw new TelemetryError(
          'pushgateway-unreachable',
          `pushing metrics to ${target}: ${error instanceof Error ? error.message : String(error)}`,
          'check pushgateway-url and that the Pushgateway is reachable from the job',
          { cause: error },
        );
      }
      if (!response.ok) {
        const said = (await response.text()).trim().slice(0, 300);
        throw new TelemetryError(
          'pushgateway-refused',
          `pushing metrics to ${target}: ${response.status} ${said || response.statusText}`,
          response.status === 404
            ? 'pushgateway-url is the Pushgateway root, e.g. http://pushgateway:9091'
            : undefined,
        );
      }
      logger.info(
        `metrics pushed to ${base} (${record.request.model}/${record.request.environment}: ${record.status})`,
      );
    },
  };
}
