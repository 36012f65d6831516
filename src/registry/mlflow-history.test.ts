import { describe, expect, it } from '@jest/globals';
import { historyFromTags, promotionTags } from './mlflow-history.js';

const entry = {
  promotionId: 'p1',
  environment: 'production',
  version: '3',
  status: 'succeeded',
  time: '2026-01-01T00:00:00Z',
} as const;

describe('the duration_seconds tag', () => {
  it('round-trips a duration, and an entry without one writes no tag', () => {
    const tags = promotionTags({ ...entry, durationSeconds: 12.5 });
    expect(tags).toContainEqual({ key: 'model_promote.production.duration_seconds', value: '12.5' });
    expect(historyFromTags([{ name: 'm', version: '3', tags }])).toEqual([
      { ...entry, durationSeconds: 12.5 },
    ]);
    expect(promotionTags(entry).map((tag) => tag.key)).not.toContain(
      'model_promote.production.duration_seconds',
    );
  });

  it.each([
    { name: 'empty', value: '' },
    { name: 'not a number', value: 'fast' },
    { name: 'negative', value: '-3' },
    { name: 'infinite', value: 'Infinity' },
  ])('an edited tag ($name) reads as no duration, and the entry is kept', ({ value }) => {
    const tags = [...promotionTags(entry), { key: 'model_promote.production.duration_seconds', value }];
    expect(historyFromTags([{ name: 'm', version: '3', tags }])).toEqual([entry]);
  });
});
