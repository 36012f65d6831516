import { describe, expect, it } from '@jest/globals';
import { PromotionError, UsageError, asPromotionError, describeError, exitCodeFor } from './errors.js';

describe('errors', () => {
  it.each([
    { kind: 'refused', exit: 1 },
    { kind: 'failed', exit: 1 },
    { kind: 'usage', exit: 2 },
  ] as const)('$kind exits $exit', ({ kind, exit }) => {
    expect(exitCodeFor(kind)).toBe(exit);
    expect(new PromotionError(kind, 'x', 'm').exitCode).toBe(exit);
  });

  it('prints the cause and the fix on one line', () => {
    expect(describeError(new UsageError('--model is required', 'pass --model NAME'))).toBe(
      '--model is required. Fix: pass --model NAME',
    );
  });

  it('wraps non-errors without losing them', () => {
    const wrapped = asPromotionError('boom');
    expect(wrapped.kind).toBe('failed');
    expect(wrapped.message).toBe('boom');
    expect(wrapped.cause).toBe('boom');
  });
});
