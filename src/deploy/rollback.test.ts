import { describe, expect, it } from '@jest/globals';
import type { LiveObject } from './cluster.js';
import { equalIgnoreHash, undoPatch } from './rollback.js';

describe('kubectl rollout undo logic', () => {
  const template = (image: string, hash?: string) => ({
    metadata: { labels: { app: 'm', ...(hash ? { 'pod-template-hash': hash } : {}) } },
    spec: { containers: [{ name: 'c', image }] },
  });
  it('templates compare without the pod-template-hash label', () => {
    expect(equalIgnoreHash(template('a', 'h1'), template('a'))).toBe(true);
    expect(equalIgnoreHash(template('a', 'h1'), template('b', 'h1'))).toBe(false);
  });
  it('the patch: the RS template without its hash, skipped annotations kept from the Deployment', () => {
    const current = {
      metadata: {
        name: 'm',
        annotations: { 'deployment.kubernetes.io/revision': '3', 'model-promote.dev/version': '2' },
      },
    } as unknown as LiveObject;
    const rs = {
      metadata: {
        name: 'm-h1',
        annotations: { 'deployment.kubernetes.io/revision': '2', 'model-promote.dev/version': '1' },
      },
      spec: { template: template('a', 'h1') },
    } as unknown as LiveObject;
    expect(undoPatch(current, rs, { app: 'm' })).toEqual([
      { op: 'replace', path: '/spec/template', value: template('a') },
      {
        op: 'replace',
        path: '/metadata/annotations',
        value: { 'deployment.kubernetes.io/revision': '3', 'model-promote.dev/version': '1' },
      },
      { op: 'replace', path: '/metadata/labels', value: { app: 'm' } },
    ]);
  });
});
