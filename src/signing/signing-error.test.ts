import { describe, expect, it } from '@jest/globals';
import { PromotionError } from '../errors.js';
import { SigningError } from './signing-error.js';

describe('SigningError', () => {
  it('is a refusal for signature problems', () => {
    const error = new SigningError('bad-signature', 'verifying model.sig: no', 'sign again');
    expect(error).toBeInstanceOf(PromotionError);
    expect({ kind: error.kind, exitCode: error.exitCode, name: error.name, hint: error.hint }).toEqual({
      kind: 'refused',
      exitCode: 1,
      name: 'SigningError',
      hint: 'sign again',
    });
  });

  it.each(['invalid-policy', 'invalid-private-key'] as const)('is a usage error for %s', (code) => {
    expect(new SigningError(code, 'm', 'h')).toMatchObject({ kind: 'usage', exitCode: 2 });
  });
});
