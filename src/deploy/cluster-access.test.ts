import { describe, expect, it } from '@jest/globals';
import { acceptsLayoutImages, clusterSource, looksLikeContent } from './cluster-access.js';
import { loadKubeConfig } from './kubeconfig.js';
import { apiFailure } from './cluster-error.js';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'https://k.example:6443'}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: one, context: {cluster: c, user: u}}, {name: two, context: {cluster: c, user: u}}]
current-context: one
`;

describe('cluster access', () => {
  it('content or path; KUBECONFIG; nothing', () => {
    expect(looksLikeContent(KUBECONFIG)).toBe(true);
    expect(looksLikeContent('/home/me/.kube/config')).toBe(false);
    expect(clusterSource(undefined, {})).toBeUndefined();
    expect(clusterSource(undefined, { KUBECONFIG: '/x' })).toBe('KUBECONFIG');
    expect(clusterSource('x', {})).toBe('input');
  });
  it('a kubeconfig that is not YAML is named with the reason and position, never its text', () => {
    const broken = 'apiVersion: v1\nusers:\n- name: u\n  user:\n    token: planted-secret-1234\n   bad: [\n';
    for (const read of [
      () => loadKubeConfig({ kubeconfig: broken, env: {} }),
      () => acceptsLayoutImages(broken, {}),
    ]) {
      let message = '';
      try {
        read();
      } catch (error) {
        message = (error as Error).message;
        expect((error as Error).cause).toBeUndefined();
      }
      expect(message).toMatch(/^reading the kubeconfig \(input\): it is not valid YAML \(.*(line 6|\(6:)/);
      expect(message).not.toContain('planted-secret-1234');
    }
  });

  it('picks the pool context; an unknown one names the contexts', () => {
    expect(loadKubeConfig({ kubeconfig: KUBECONFIG, context: 'two', env: {} }).getCurrentContext()).toBe(
      'two',
    );
    expect(() => loadKubeConfig({ kubeconfig: KUBECONFIG, context: 'three', env: {} })).toThrow(
      'context "three" is not in the kubeconfig (contexts: one, two)',
    );
    expect(() => loadKubeConfig({ env: {} })).toThrow(/no cluster to deploy to/);
    expect(() => loadKubeConfig({ kubeconfig: '/does/not/exist', env: {} })).toThrow(
      /^the kubeconfig input names no file that exists, and is not kubeconfig content$/,
    );
  });
  it('turns Status bodies into lines naming the object', () => {
    const invalid = apiFailure(
      {
        code: 422,
        body: JSON.stringify({
          message: 'Deployment.apps "m" is invalid',
          details: { causes: [{ field: 'spec.replicas' }] },
        }),
      },
      { verb: 'patch', kind: 'Deployment', name: 'm', namespace: 'ns' },
    );
    expect([invalid.code, invalid.kind]).toEqual(['invalid-manifest', 'usage']);
    expect(invalid.message).toBe(
      'patch Deployment ns/m: invalid field spec.replicas: Deployment.apps "m" is invalid',
    );
    const refused = apiFailure(
      Object.assign(new Error('request failed'), { cause: { code: 'ECONNREFUSED' } }),
      { verb: 'get', kind: 'Namespace' },
    );
    expect(refused.code).toBe('cluster-unreachable');
  });
});
