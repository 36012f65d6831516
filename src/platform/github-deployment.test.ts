import { describe, expect, test } from '@jest/globals';
import { DESCRIPTION_LIMIT, oneLine, productionFromName } from './github-deployment.js';

describe('oneLine', () => {
  test('flattens and keeps at most 140 characters', () => {
    expect(oneLine('a\n  b')).toBe('a b');
    const long = oneLine('x'.repeat(500));
    expect(long).toHaveLength(DESCRIPTION_LIMIT);
    expect(long.endsWith('…')).toBe(true);
  });
});

test.each([
  { environment: 'production', production: true },
  { environment: 'Prod', production: true },
  { environment: 'staging', production: false },
  { environment: 'production-eu', production: false },
])('productionFromName($environment) = $production', ({ environment, production }) => {
  expect(productionFromName(environment)).toEqual({ production, source: 'name' });
});
