import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/errors.ts
var PromotionError = class extends Error {
  constructor(kind, code, message, hint, options) {
    super(message, options);
    this.kind = kind;
    this.code = code;
    this.hint = hint;
  }
  kind;
  code;
  hint;
  name = "PromotionError";
  get exitCode() {
    return exitCodeFor(this.kind);
  }
};
function exitCodeFor(kind) {
  return kind === "usage" ? 2 : 1;
}
var UsageError = class extends PromotionError {
  name = "UsageError";
  constructor(message, hint) {
    super("usage", "usage", message, hint);
  }
};
function asPromotionError(error) {
  if (error instanceof PromotionError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PromotionError("failed", "internal", message, void 0, { cause: error });
}
function describeError(error) {
  return error.hint ? `${error.message}. Fix: ${error.hint}` : error.message;
}

export {
  PromotionError,
  UsageError,
  asPromotionError,
  describeError
};
