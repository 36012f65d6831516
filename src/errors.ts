/**
 * One error type for the whole promotion. Every failure a user can meet carries a stable `code`
 * (tests assert on it), a one-line `message` naming the object, and a `hint` saying how to fix it.
 * The `kind` decides the exit code, so entry points never guess.
 */
export type ErrorKind =
  /** Policy said no: signature, no matching pool, breaking schema. Exit 1. */
  | 'refused'
  /** Something broke: registry, build, rollout. Exit 1. */
  | 'failed'
  /** Bad flags, inputs or configuration (catalog, metadata). Exit 2. */
  | 'usage';

export class PromotionError<Code extends string = string> extends Error {
  override readonly name: string = 'PromotionError';

  constructor(
    readonly kind: ErrorKind,
    readonly code: Code,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get exitCode(): number {
    return exitCodeFor(this.kind);
  }
}

export function exitCodeFor(kind: ErrorKind): number {
  return kind === 'usage' ? 2 : 1;
}

/** Bad flags or inputs given to a command. */
export class UsageError extends PromotionError<'usage'> {
  override readonly name = 'UsageError';
  constructor(message: string, hint?: string) {
    super('usage', 'usage', message, hint);
  }
}

/** Turns anything thrown into a PromotionError, keeping the original as `cause`. */
export function asPromotionError(error: unknown): PromotionError {
  if (error instanceof PromotionError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PromotionError('failed', 'internal', message, undefined, { cause: error });
}

/** "message. Fix: hint" — the one line printed for a failure. */
export function describeError(error: PromotionError): string {
  return error.hint ? `${error.message}. Fix: ${error.hint}` : error.message;
}
