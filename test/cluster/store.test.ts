import { describe, expect, it } from '@jest/globals';
import { typeOf } from './resources.js';
import { EVENT_LOG_LIMIT, ObjectStore } from './store.js';

const cm = (name: string, data: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'd' },
  data,
});

describe('object store', () => {
  const type = typeOf('configmaps');

  it('keeps uid and creationTimestamp, bumps resourceVersion, refuses stale writes', () => {
    const store = new ObjectStore();
    const created = store.create(type, cm('a'));
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const updated = store.update(type, { ...created, data: { k: 'v' } });
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(
      Number(created.metadata.resourceVersion),
    );
    expect(updated.metadata.uid).toBe(created.metadata.uid);
    expect(() => store.update(type, { ...created, data: { k: 'w' } })).toThrow(
      expect.objectContaining({ code: 409 }),
    );
    expect(() => store.create(type, cm('a'))).toThrow(expect.objectContaining({ code: 409 }));
    expect(store.update(type, updated).metadata.resourceVersion).toBe(updated.metadata.resourceVersion);
  });

  it('replays changes after a resourceVersion, and is Gone past its log', () => {
    const store = new ObjectStore();
    const start = Number(store.resourceVersion);
    store.create(type, cm('a'));
    const { replay, unsubscribe } = store.subscribe(type, start, () => undefined);
    expect(replay.map((e) => e.type)).toEqual(['ADDED']);
    unsubscribe();
    for (let i = 0; i <= EVENT_LOG_LIMIT; i++) store.create(type, cm(`n${i}`));
    expect(() => store.subscribe(type, start, () => undefined)).toThrow(
      expect.objectContaining({ code: 410 }),
    );
  });
});
