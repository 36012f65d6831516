import { describe, expect, it } from '@jest/globals';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';

const doc = {
  spec: {
    replicas: 1,
    template: {
      spec: {
        containers: [
          { name: 'a', image: 'one', ports: [{ containerPort: 80 }] },
          { name: 'b', image: 'two' },
        ],
      },
    },
  },
};

describe('patches', () => {
  it('merge patch replaces lists and deletes with null', () => {
    const out = mergePatch(doc, {
      spec: { replicas: null, template: { spec: { containers: [{ name: 'a', image: 'new' }] } } },
    });
    expect(out).toEqual({ spec: { template: { spec: { containers: [{ name: 'a', image: 'new' }] } } } });
  });

  it('strategic merge patch merges named items, drops directives, honours $patch: delete', () => {
    const out = strategicMergePatch(doc, {
      spec: {
        template: {
          spec: {
            $setElementOrder_containers: [],
            containers: [
              { name: 'a', image: 'new' },
              { name: 'b', $patch: 'delete' },
              { name: 'c', image: 'three' },
            ],
          },
        },
      },
    }) as typeof doc;
    expect(out.spec.template.spec.containers).toEqual([
      { name: 'a', image: 'new', ports: [{ containerPort: 80 }] },
      { name: 'c', image: 'three' },
    ]);
    expect(Object.keys(out.spec.template.spec)).toEqual(['containers']);
  });

  it('JSON patch applies add/replace/remove/test in order, and fails a test', () => {
    const out = jsonPatch(doc, [
      { op: 'test', path: '/spec/replicas', value: 1 },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/metadata', value: { annotations: { a: 'b' } } },
      { op: 'remove', path: '/spec/template/spec/containers/1' },
    ]) as typeof doc & { metadata: unknown };
    expect(out.spec.replicas).toBe(3);
    expect(out.metadata).toEqual({ annotations: { a: 'b' } });
    expect(out.spec.template.spec.containers).toHaveLength(1);
    expect(doc.spec.replicas).toBe(1);
    expect(() => jsonPatch(doc, [{ op: 'test', path: '/spec/replicas', value: 2 }])).toThrow(/test failed/);
    expect(() => jsonPatch(doc, { op: 'add' })).toThrow(expect.objectContaining({ code: 400 }));
  });
});
