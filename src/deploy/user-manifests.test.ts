import { describe, expect, it } from '@jest/globals';
import { parseManifests, substitute } from './user-manifests.js';

const values = {
  IMAGE: 'r/x@sha256:1',
  IMAGE_DIGEST: 'sha256:1',
  MODEL_NAME: 'sentiment',
  MODEL_VERSION: '7',
  MODEL_DIGEST: 'sha256:2',
  NAMESPACE: 'models',
};

describe('user manifests', () => {
  it('substitutes the placeholders and leaves other ${...} alone', () => {
    expect(substitute('${IMAGE} ${MODEL_NAME}:${MODEL_VERSION} ${OTHER}', values)).toBe(
      'r/x@sha256:1 sentiment:7 ${OTHER}',
    );
  });
  it('parses documents, defaults the namespace, annotates', () => {
    const text = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {image: "${IMAGE}"}',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: other}',
      '',
    ].join('\n---\n');
    const objects = parseManifests(text, 'extra.yaml', values, { promotionId: 'p1' });
    expect(objects.map((o) => [o.kind, o.metadata?.namespace])).toEqual([
      ['ConfigMap', 'models'],
      ['Namespace', undefined],
    ]);
    expect((objects[0] as { data?: Record<string, string> }).data?.image).toBe('r/x@sha256:1');
    expect(objects[0]?.metadata?.annotations?.['model-promote.dev/promotion-id']).toBe('p1');
  });
  it('refuses a document that is not an object', () => {
    expect(() => parseManifests('kind: X', 'bad.yaml', values, { promotionId: 'p' })).toThrow(
      /bad.yaml: document 1 is not a Kubernetes object/,
    );
  });
});
