import { describe, expect, it } from '@jest/globals';
import { PromotionError } from '../errors.js';
import { FolderRegistry } from './folder-registry.js';
import { openRegistry } from './open-registry.js';

describe('openRegistry', () => {
  it.each([
    { name: 'relative path', location: 'registry', root: '/work/repo/registry' },
    { name: 'absolute path', location: '/srv/registry', root: '/srv/registry' },
    { name: 'file:// URI', location: 'file:///srv/registry', root: '/srv/registry' },
    { name: 'path with a colon (not a scheme)', location: 'c:registry', root: '/work/repo/c:registry' },
  ])('$name -> folder registry at $root', ({ location, root }) => {
    const registry = openRegistry(location, '/work/repo');
    expect(registry).toBeInstanceOf(FolderRegistry);
    expect((registry as FolderRegistry).root).toBe(root);
  });

  it.each([{ location: 'gopher://example.com/registry' }, { location: 'ftp://example.com/models' }])(
    '$location is unsupported-registry (usage)',
    ({ location }) => {
      let error: unknown;
      try {
        openRegistry(location, '/');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PromotionError);
      expect(error).toMatchObject({ kind: 'usage', code: 'unsupported-registry' });
    },
  );
});
