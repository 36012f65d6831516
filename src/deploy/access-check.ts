/**
 * Before the Lease and the first apply: does the cluster accept us, and may we do everything a
 * promotion does in the namespace? Asked with SelfSubjectAccessReview (every authenticated identity
 * may ask about itself), so a missing permission is named up front, all of them at once, and
 * nothing is written; instead of the third apply failing and the first two being rolled back.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeCluster } from './cluster.js';
import { apiFailure, DeployError } from './cluster-error.js';

export interface Permission {
  readonly verb: string;
  /** API group; '' is the core group. */
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
}

/** Plurals of the kinds promotions render; a user manifest of another kind is left to the apply. */
const RESOURCES: Record<string, string> = {
  ConfigMap: 'configmaps',
  Service: 'services',
  Deployment: 'deployments',
  HorizontalPodAutoscaler: 'horizontalpodautoscalers',
  InferenceService: 'inferenceservices',
  ModelValidation: 'modelvalidations',
  Secret: 'secrets',
  ServiceAccount: 'serviceaccounts',
  PodDisruptionBudget: 'poddisruptionbudgets',
  NetworkPolicy: 'networkpolicies',
};

const groupOf = (apiVersion: string | undefined) =>
  apiVersion?.includes('/') ? (apiVersion.split('/')[0] ?? '') : '';

/** What a promotion of `objects` does in the namespace (docs/deploy.md, Permissions). Pure. */
export function requiredPermissions(objects: readonly KubernetesObject[], dryRun: boolean): Permission[] {
  const wanted = new Map<string, Permission>();
  const add = (group: string, resource: string, verbs: readonly string[], subresource?: string) => {
    for (const verb of verbs) {
      const p = { verb, group, resource, ...(subresource ? { subresource } : {}) };
      wanted.set(`${verb} ${group}/${resource}/${subresource ?? ''}`, p);
    }
  };
  for (const object of objects) {
    const resource = RESOURCES[object.kind ?? ''];
    if (resource)
      add(
        groupOf(object.apiVersion),
        resource,
        dryRun ? ['get', 'patch'] : ['get', 'patch', 'update', 'delete'],
      );
  }
  if (dryRun) return [...wanted.values()];
  const kinds = new Set(objects.map((o) => o.kind));
  add('coordination.k8s.io', 'leases', ['get', 'create', 'update', 'patch', 'delete']);
  add('', 'pods', ['list', 'watch']);
  add('', 'events', ['list']);
  if (kinds.has('Deployment')) {
    add('apps', 'deployments', ['list', 'watch']);
    add('apps', 'replicasets', ['list', 'watch']);
    add('', 'pods', ['get'], 'log');
    if (kinds.has('Service')) add('', 'services', ['get', 'create'], 'proxy');
  }
  if (kinds.has('InferenceService')) add('serving.kserve.io', 'inferenceservices', ['list', 'watch']);
  return [...wanted.values()];
}

export const describePermission = (p: Permission) =>
  `${p.verb} ${p.resource}${p.subresource ? `/${p.subresource}` : ''}${p.group ? `.${p.group}` : ''}`;

interface Review {
  status?: { allowed?: boolean; reason?: string };
}

/** Who the cluster says we are (SelfSubjectReview), or undefined when it will not say. */
async function whoAmI(cluster: KubeCluster): Promise<string | undefined> {
  const res = await cluster
    .request(
      'POST',
      '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
      { 'Content-Type': 'application/json' },
    )
    .catch(() => undefined);
  if (res?.status !== 201 && res?.status !== 200) return undefined;
  return (JSON.parse(res.body) as { status?: { userInfo?: { username?: string } } }).status?.userInfo
    ?.username;
}

/**
 * Fails with `unauthorized` when the cluster refuses our credentials, and with `forbidden` naming
 * every missing permission; resolves when all are granted.
 */
export async function checkAccess(
  cluster: KubeCluster,
  namespace: string,
  permissions: readonly Permission[],
): Promise<void> {
  const denied: Permission[] = [];
  await Promise.all(
    permissions.map(async (p) => {
      const body = {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: {
          resourceAttributes: {
            namespace,
            verb: p.verb,
            group: p.group,
            resource: p.resource,
            ...(p.subresource ? { subresource: p.subresource } : {}),
          },
        },
      };
      const res = await cluster
        .request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', JSON.stringify(body), {
          'Content-Type': 'application/json',
        })
        .catch((error: unknown) => {
          throw apiFailure(error, {
            verb: 'check access in',
            kind: 'namespace',
            namespace,
            cluster: cluster.name,
          });
        });
      if (res.status === 201 || res.status === 200) {
        if (!(JSON.parse(res.body) as Review).status?.allowed) denied.push(p);
        return;
      }
      throw apiFailure(
        { code: res.status, body: res.body },
        { verb: 'check access in', kind: 'namespace', namespace, cluster: cluster.name },
      );
    }),
  );
  if (denied.length === 0) return;
  const order = new Map(permissions.map((p, i) => [p, i]));
  denied.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  const user = await whoAmI(cluster);
  const list = denied.map(describePermission).join(', ');
  throw new DeployError(
    'failed',
    'forbidden',
    `${user ? `user "${user}"` : 'the promoting identity'} may not ${list} in namespace ${namespace} (cluster ${cluster.name}); nothing was applied`,
    `grant ${list} in namespace ${namespace} (a Role and RoleBinding); docs/deploy.md lists every permission a promotion needs`,
  );
}
