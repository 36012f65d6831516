/**
 * Why a source of utilization figures gave none. Never an error: the promotion has already
 * succeeded when these are read, so each becomes a warning in the log and the summary, with the fix.
 */
import { oneLine } from '../outside-text.js';

export type UsageWarningCode =
  | 'metrics-api-missing'
  | 'metrics-api-forbidden'
  | 'metrics-api-unavailable'
  | 'metrics-api-failed'
  | 'prometheus-unreachable'
  | 'prometheus-error'
  | 'prometheus-no-series';

export interface UsageWarning {
  readonly code: UsageWarningCode;
  readonly message: string;
  readonly hint: string;
}

/** What a server said, made safe to show: one line, control characters gone, short. */
export function outsideSaid(text: string, max = 300): string {
  const line = oneLine(text).trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
