/**
 * Optional RBAC, inverted for tests: everything is allowed except what a `ForbidRule` names, which
 * answers 403 Forbidden with the message format of the real authorizer. Pure.
 */
import type { ResourceType, Verb } from './resources.js';
import { failure, qualifiedResource, type ApiError } from './status.js';

export interface ForbidRule {
  /** Verbs denied; omitted: all. */
  readonly verbs?: readonly Verb[];
  /** Resources denied, by plural, or `plural/subresource` (`deployments/scale`); omitted: all. */
  readonly resources?: readonly string[];
  /** API groups ('' for core); omitted: all. */
  readonly groups?: readonly string[];
  /** Namespaces; omitted: all. */
  readonly namespaces?: readonly string[];
  /** Object names; omitted: all. */
  readonly names?: readonly string[];
  /** Users (the kubeconfig user is DEFAULT_USER; `--as`/Impersonate-User picks another); omitted: all. */
  readonly users?: readonly string[];
}

export const DEFAULT_USER = 'test-cluster-admin';

export interface Access {
  readonly user: string;
  readonly verb: Verb;
  readonly type: ResourceType;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

function within<T>(list: readonly T[] | undefined, value: T): boolean {
  return list === undefined || list.includes(value);
}

export function isForbidden(rules: readonly ForbidRule[], access: Access): boolean {
  const resource = access.subresource ? `${access.type.plural}/${access.subresource}` : access.type.plural;
  return rules.some(
    (rule) =>
      within(rule.verbs, access.verb) &&
      (rule.resources === undefined ||
        rule.resources.includes(resource) ||
        rule.resources.includes(access.type.plural)) &&
      within(rule.groups, access.type.group) &&
      within(rule.namespaces, access.namespace ?? '') &&
      (rule.names === undefined || (access.name !== undefined && rule.names.includes(access.name))) &&
      within(rule.users, access.user),
  );
}

/**
 * `deployments.apps "x" is forbidden: User "u" cannot patch resource "deployments" in API group
 * "apps" in the namespace "ns"` (no name for list/create; "at the cluster scope" without namespace).
 */
export function forbidden(access: Access): ApiError {
  const { type, user, verb, namespace, name } = access;
  const resource = access.subresource ? `${type.plural}/${access.subresource}` : type.plural;
  const subject = name ? `${qualifiedResource(type)} "${name}"` : qualifiedResource(type);
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  return failure(
    'Forbidden',
    `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${type.group}" ${scope}`,
    { ...(name ? { name } : {}), group: type.group, kind: type.plural },
  );
}
