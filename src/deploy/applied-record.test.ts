import { describe, expect, it } from '@jest/globals';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  readRecord,
  recordConfigMap,
  recordSelector,
  RECORD_LIMIT,
  type AppliedRecord,
} from './applied-record.js';

const record: AppliedRecord = {
  model: 'my_model',
  version: '3',
  environment: 'production',
  promotionId: 'p-1',
  imageDigest: `sha256:${'a'.repeat(64)}`,
  appliedAt: '2026-12-05T10:00:00.000Z',
  objects: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'models' } }],
};

type WithData = KubernetesObject & { data: Record<string, string> };

describe('the applied record', () => {
  it('round-trips through its ConfigMap, found by the environment selector', () => {
    const configMap = recordConfigMap(record, 'my-model-production-1a2b3c4d', 'models') as WithData;
    expect(configMap.metadata?.name).toBe('my-model-production-1a2b3c4d-applied');
    expect(configMap.metadata?.labels).toMatchObject({
      'model-promote.dev/record': 'applied',
      'model-promote.dev/environment': 'production',
    });
    expect(recordSelector('production')).toBe(
      'model-promote.dev/record=applied,model-promote.dev/environment=production',
    );
    expect(readRecord(configMap)).toEqual(record);
  });

  it('objects too large for one ConfigMap: a reason, not a ConfigMap', () => {
    const big = { ...record, objects: [{ kind: 'ConfigMap', data: { x: 'y'.repeat(RECORD_LIMIT) } }] };
    expect(recordConfigMap(big, 'n', 'models')).toMatch(/more than one ConfigMap keeps/);
  });

  const broken: [string, (c: WithData) => void, RegExp][] = [
    ['no objects', (c) => delete c.data['objects.json'], /has no objects\.json/],
    ['objects not JSON', (c) => (c.data['objects.json'] = '[{'), /is not JSON/],
    [
      'objects not a list of objects',
      (c) => (c.data['objects.json'] = '{"kind":"x"}'),
      /not a list of objects/,
    ],
    [
      'an annotation removed',
      (c) => delete c.metadata!.annotations!['model-promote.dev/image-digest'],
      /lacks the annotation\(s\) model-promote\.dev\/image-digest/,
    ],
  ];
  it.each(broken)('edited by hand (%s): says why it cannot be read', (_name, edit, reason) => {
    const configMap = structuredClone(recordConfigMap(record, 'n', 'models')) as WithData;
    edit(configMap);
    expect(readRecord(configMap)).toMatch(reason);
  });
});
