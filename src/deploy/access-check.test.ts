import { describe, expect, it } from '@jest/globals';
import { describePermission, requiredPermissions } from './access-check.js';
import { renderManifests } from './render.js';
import { renderInput } from '../../test/deploy/render-fixture.js';

const names = (objects: Parameters<typeof requiredPermissions>[0], dryRun = false) =>
  requiredPermissions(objects, dryRun).map(describePermission);

describe('requiredPermissions', () => {
  it('the Deployment form: what docs/deploy.md lists, nothing more', () => {
    const objects = renderManifests(renderInput());
    expect(names(objects).sort()).toEqual(
      [
        ...['get', 'patch', 'update', 'delete'].flatMap((verb) => [
          `${verb} configmaps`,
          `${verb} deployments.apps`,
          `${verb} services`,
          `${verb} horizontalpodautoscalers.autoscaling`,
          `${verb} leases.coordination.k8s.io`,
        ]),
        'create leases.coordination.k8s.io',
        'list deployments.apps',
        'watch deployments.apps',
        'list replicasets.apps',
        'watch replicasets.apps',
        'list pods',
        'watch pods',
        'list events',
        'get pods/log',
        'get services/proxy',
        'create services/proxy',
      ].sort(),
    );
  });

  it('a dry run needs only get and patch on the objects (a server-side dry-run apply)', () => {
    const objects = renderManifests(renderInput());
    expect(names(objects, true)).toEqual(
      expect.arrayContaining(['get deployments.apps', 'patch deployments.apps', 'patch configmaps']),
    );
    expect(names(objects, true).some((n) => n.includes('leases') || n.includes('watch'))).toBe(false);
  });

  it('the KServe form asks for inferenceservices, not Deployments or pods/log', () => {
    const input = renderInput();
    const objects = renderManifests({ ...input, pool: { ...input.pool, form: 'kserve' } });
    const wanted = names(objects);
    expect(wanted).toEqual(
      expect.arrayContaining([
        'patch inferenceservices.serving.kserve.io',
        'watch inferenceservices.serving.kserve.io',
      ]),
    );
    expect(wanted.some((n) => n.includes('deployments') || n.includes('pods/log'))).toBe(false);
  });

  it('a kind of the user manifests it has no plural for is left to the apply', () => {
    expect(names([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }], true)).toEqual(
      [],
    );
  });
});
