import { describe, expect, it } from '@jest/globals';
import {
  applyConfig,
  conflictMessage,
  fromFieldsV1,
  leafPaths,
  recordUpdate,
  toFieldsV1,
} from './field-managers.js';
import type { KubeObject } from './resources.js';

const T = '2025-01-01T00:00:00Z';

function config(image: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', labels: { app: 'd' } },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'm', image }] } }, ...extra },
  };
}

describe('field ownership', () => {
  it('keys name-carrying list items and round-trips FieldsV1', () => {
    const paths = leafPaths(config('x'));
    expect(paths).toContainEqual([
      'f:spec',
      'f:template',
      'f:spec',
      'f:containers',
      'k:{"name":"m"}',
      'f:image',
    ]);
    expect(fromFieldsV1(toFieldsV1(paths))).toEqual(paths);
  });

  it('conflicts only where another manager owns a field set to a different value', () => {
    const first = applyConfig(undefined, config('one'), 'a', false, T).object;
    expect(applyConfig(first, config('one'), 'b', false, T).conflicts).toEqual([]);
    const clash = applyConfig(first, config('two'), 'b', false, T);
    expect(conflictMessage(clash.conflicts)).toBe(
      'Apply failed with 1 conflict: conflict with "a" using apps/v1: .spec.template.spec.containers[name="m"].image',
    );
    const forced = applyConfig(first, config('two'), 'b', true, T).object;
    const owners = (
      forced.metadata.managedFields as Array<{ manager: string; fieldsV1: Record<string, unknown> }>
    ).map((e) => [e.manager, JSON.stringify(e.fieldsV1).includes('f:image')]);
    expect(owners).toEqual([
      ['a', false],
      ['b', true],
    ]);
  });

  it('removes a field its manager stops applying, unless someone else owns it', () => {
    const withPaused = applyConfig(undefined, config('one', { paused: true }), 'a', false, T).object;
    const dropped = applyConfig(withPaused, config('one'), 'a', false, T).object;
    expect((dropped.spec as { paused?: boolean }).paused).toBeUndefined();
    const shared = applyConfig(withPaused, config('one', { paused: true }), 'b', false, T).object;
    const kept = applyConfig(shared, config('one'), 'a', false, T).object;
    expect((kept.spec as { paused?: boolean }).paused).toBe(true);
  });

  it('a non-apply write takes the fields it changes', () => {
    const applied = applyConfig(undefined, config('one'), 'a', false, T).object;
    const edited = structuredClone(applied);
    (edited.spec as { replicas: number }).replicas = 5;
    const entries = recordUpdate(applied, edited, 'kubectl-scale', T);
    expect(entries.map((e) => `${e.manager}/${e.operation}`)).toEqual(['a/Apply', 'kubectl-scale/Update']);
    expect(JSON.stringify(entries[0]?.fieldsV1)).not.toContain('f:replicas');
    expect(
      applyConfig(
        { ...edited, metadata: { ...edited.metadata, managedFields: entries } },
        config('one'),
        'a',
        false,
        T,
      ).conflicts,
    ).toHaveLength(1);
  });
});
