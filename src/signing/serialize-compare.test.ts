import { describe, expect, it } from '@jest/globals';
import { compareManifest } from './serialize-compare.js';
import type { SerializeError } from './serialize-errors.js';
import type { Resource } from './serialize-types.js';

const r = (name: string, digest = 'aa', algorithm = 'sha256'): Resource => ({ name, algorithm, digest });

function mismatch(expected: Resource[], actual: Resource[]): SerializeError {
  try {
    compareManifest(expected, actual);
  } catch (error) {
    return error as SerializeError;
  }
  throw new Error('compareManifest did not throw');
}

describe('compareManifest', () => {
  it("names a single-file model's file, not '.', in the message (the differences keep the signed names)", () => {
    let error: SerializeError | undefined;
    try {
      compareManifest([r('.:0:10'), r('.:10:12')], [r('.:0:10'), r('.:10:12', 'bb')], 'model.gguf');
    } catch (e) {
      error = e as SerializeError;
    }
    expect(error?.message).toBe(
      "the model's files do not match its signature: 1 different (model.gguf:10:12)",
    );
    expect(error?.differences).toEqual({ missing: [], extra: [], different: ['.:10:12'] });
  });

  it('accepts the same resources in any order', () => {
    expect(() => compareManifest([r('a'), r('b', 'bb')], [r('b', 'bb'), r('a')])).not.toThrow();
    expect(() => compareManifest([], [])).not.toThrow();
  });

  it.each([
    {
      label: 'missing',
      expected: [r('a'), r('b')],
      actual: [r('a')],
      text: '1 missing (b)',
      differences: { missing: ['b'], extra: [], different: [] },
    },
    {
      label: 'extra',
      expected: [r('a')],
      actual: [r('a'), r('evil.py')],
      text: '1 extra (evil.py)',
      differences: { missing: [], extra: ['evil.py'], different: [] },
    },
    {
      label: 'different digest',
      expected: [r('a'), r('w')],
      actual: [r('a'), r('w', 'bb')],
      text: '1 different (w)',
      differences: { missing: [], extra: [], different: ['w'] },
    },
    {
      label: 'different algorithm',
      expected: [r('w')],
      actual: [r('w', 'aa', 'blake2b')],
      text: '1 different (w)',
      differences: { missing: [], extra: [], different: ['w'] },
    },
    {
      label: 'all three',
      expected: [r('gone'), r('same'), r('changed')],
      actual: [r('same'), r('changed', 'cc'), r('new')],
      text: '1 missing (gone); 1 extra (new); 1 different (changed)',
      differences: { missing: ['gone'], extra: ['new'], different: ['changed'] },
    },
  ])('names what is $label', ({ expected, actual, text, differences }) => {
    const error = mismatch(expected, actual);
    expect(error).toMatchObject({ code: 'model-mismatch', kind: 'refused', differences });
    expect(error.message).toContain(text);
  });

  it('caps the names listed and says how many more', () => {
    const expected = Array.from({ length: 25 }, (_, i) => r(`f${String(i).padStart(2, '0')}`));
    const error = mismatch(expected, []);
    expect(error.message).toContain(
      '25 missing (f00, f01, f02, f03, f04, f05, f06, f07, f08, f09 and 15 more)',
    );
    expect(error.message).not.toContain('f10');
    expect(error.differences?.missing).toHaveLength(25);
  });
});
