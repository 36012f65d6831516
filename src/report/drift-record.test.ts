import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { PromotionDrift } from '../deploy/drift-check.js';
import {
  DRIFT_SCHEMA_FILE,
  driftJsonSchema,
  driftMarkdown,
  driftRecord,
  driftRecordSchema,
  driftTable,
} from './drift-record.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const NOW = new Date('2026-12-05T12:00:00Z');
const targets = [{ context: 'prod', namespace: 'models' }];

function promotion(findings: PromotionDrift['findings']): PromotionDrift {
  return {
    cluster: 'prod',
    namespace: 'models',
    model: 'sentiment',
    version: '2',
    promotionId: 'p-1',
    appliedAt: '2026-12-05T10:00:00.000Z',
    imageDigest: `sha256:${'a'.repeat(64)}`,
    objects: ['Deployment/sentiment-production', 'Service/sentiment-production'],
    findings,
  };
}

const scaled = {
  kind: 'replicas' as const,
  object: 'Deployment/sentiment-production',
  field: 'spec.replicas',
  expected: '2',
  live: '5',
  manager: 'kubectl-scale',
};
const deleted = {
  kind: 'deleted' as const,
  object: 'Service/sentiment-production',
  field: '',
  expected: 'present',
  live: '(absent)',
};

describe('the drift record', () => {
  it('is in sync with schema/drift-record.schema.json (regenerate: npx tsx scripts/generate-schemas.ts)', async () => {
    const committed: unknown = JSON.parse(await readFile(path.join(root, DRIFT_SCHEMA_FILE), 'utf8'));
    expect(committed).toEqual(driftJsonSchema());
  });

  const cases = [
    { name: 'nothing recorded', promotions: [], status: 'nothing-promoted' },
    { name: 'no findings', promotions: [promotion([])], status: 'clean' },
    { name: 'findings', promotions: [promotion([scaled, deleted]), promotion([])], status: 'drift' },
  ];
  it.each(cases)('$name: status $status, and the record satisfies its schema', ({ promotions, status }) => {
    const record = driftRecord('production', targets, promotions, NOW);
    expect(record.status).toBe(status);
    expect(driftRecordSchema.parse(JSON.parse(JSON.stringify(record)))).toEqual(record);
  });

  it('the table: object, field, expected, live, manager, aligned', () => {
    const text = driftTable(driftRecord('production', targets, [promotion([scaled, deleted])], NOW));
    expect(text.split('\n')).toEqual([
      'sentiment v2 in prod/models (promotion p-1, 2026-12-05T10:00:00.000Z): 2 drift finding(s)',
      '  object                           field          expected  live      manager',
      '  Deployment/sentiment-production  spec.replicas  2         5         kubectl-scale',
      '  Service/sentiment-production     -              present   (absent)  -',
      '',
    ]);
  });

  it('nothing promoted says so, naming where it looked', () => {
    expect(driftTable(driftRecord('production', targets, [], NOW))).toBe(
      'production: nothing promoted yet (no applied record in prod/models); nothing to compare\n',
    );
  });

  it('the Markdown table escapes what the cluster said', () => {
    const text = driftMarkdown(
      driftRecord('production', targets, [promotion([{ ...scaled, live: 'a|b`c' }])], NOW),
      'https://run',
    );
    expect(text).toContain(
      "| `Deployment/sentiment-production` | `spec.replicas` | `2` | `a\\|b'c` | `kubectl-scale` |",
    );
    expect(text).toContain('[this run](https://run)');
  });
});
