/**
 * The kubeconfig that points kubectl and @kubernetes/client-node at the double: plain HTTP on
 * loopback, so `insecure-skip-tls-verify: true` (client-node refuses http:// without it) and a
 * fixed bearer token (the double accepts any).
 */
import { stringify } from 'yaml';
import { LOCAL_LAYOUTS_EXTENSION } from '../../src/deploy/cluster-access.js';

export const CONTEXT = 'test-cluster';
export const TOKEN = 'test-cluster-token';

export function kubeconfigYaml(server: string, namespace = 'default'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: CONTEXT,
        cluster: {
          server,
          'insecure-skip-tls-verify': true,
          // The double's pods run images from OCI layouts on this machine (test/model-server).
          extensions: [{ name: LOCAL_LAYOUTS_EXTENSION, extension: { testDouble: true } }],
        },
      },
    ],
    users: [{ name: CONTEXT, user: { token: TOKEN } }],
    contexts: [{ name: CONTEXT, context: { cluster: CONTEXT, user: CONTEXT, namespace } }],
    'current-context': CONTEXT,
    preferences: {},
  });
}
