/**
 * Runs the pipeline's stages and appends one entry per stage to the record: its name, start,
 * duration, outcome and a one-line detail. A thrown PromotionError marks the stage refused or
 * failed and travels on unchanged.
 */
import { asPromotionError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PromotionRecord, StageOutcome } from './promotion-record.js';

export class StageRunner {
  constructor(
    private readonly record: PromotionRecord,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
    /** Wraps each stage, e.g. in a collapsible log group. */
    private readonly group: <T>(name: string, work: () => Promise<T>) => Promise<T> = (_name, work) => work(),
  ) {}

  async run<T>(name: string, work: () => Promise<T>, detail?: (result: T) => string | undefined): Promise<T> {
    const startedAt = this.clock().toISOString();
    const t0 = performance.now();
    try {
      // The detail is logged inside the group: logged after it, every group closed empty and the
      // stage's one line sat below it, outside.
      const { result, said } = await this.group(name, async () => {
        const result = await work();
        const said = detail?.(result);
        if (said) this.logger.info(`${name}: ${said}`);
        return { result, said };
      });
      this.push(name, startedAt, performance.now() - t0, 'ok', said);
      return result;
    } catch (error) {
      const failure = asPromotionError(error);
      const outcome = failure.kind === 'refused' ? 'refused' : 'failed';
      this.push(name, startedAt, performance.now() - t0, outcome, failure.code);
      throw failure;
    }
  }

  skip(name: string, detail: string): void {
    this.push(name, this.clock().toISOString(), 0, 'skipped', detail);
  }

  private push(
    name: string,
    startedAt: string,
    durationMs: number,
    outcome: StageOutcome,
    detail?: string,
  ): void {
    this.record.stages.push({
      name,
      startedAt,
      durationMs: Math.round(durationMs),
      outcome,
      ...(detail && { detail }),
    });
  }
}
