/**
 * The REST verbs on stored objects: create, get, list, update (PUT), patch (apply, merge,
 * strategic, JSON), delete, and the status/scale subresources. HTTP-free: a request is a plain
 * value and the answer is a code and a body; WATCH and pod logs stream, so the server does them.
 */
import { parse as parseYaml } from 'yaml';
import { admit, applyDefaults, dropNulls } from './admission.js';
import { applyConfig, conflictMessage, recordUpdate } from './field-managers.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { forbidden, isForbidden, type ForbidRule } from './rbac.js';
import { apiVersionOf, typeOf, type KubeObject, type ResourceType, type Verb } from './resources.js';
import { matchesFields, matchesRequirements, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { badRequest, failure, MODIFIED, conflict, namespaceNotFound, type Status } from './status.js';
import { clone, timestamp, type ObjectStore } from './store.js';

export interface ResourceRequest {
  readonly verb: Verb;
  readonly type: ResourceType;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  readonly query: URLSearchParams;
  readonly body?: string;
  readonly contentType?: string;
  readonly user: string;
  readonly userAgent?: string;
}

export interface ApiResponse {
  readonly code: number;
  readonly body: unknown;
}

export const APPLY_PATCH = 'application/apply-patch+yaml';
const PATCH_TYPES = [
  APPLY_PATCH,
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/json-patch+json',
];

/** Metadata the server owns: never taken from a client's body. */
const SYSTEM_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
] as const;

function parseBody(request: ResourceRequest): unknown {
  const text = request.body ?? '';
  try {
    return request.contentType?.startsWith(APPLY_PATCH) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw badRequest(`the body of the request was in an unknown format: ${(error as Error).message}`);
  }
}

function asObject(value: unknown): KubeObject {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw badRequest('the body must be an object');
  const object = value as KubeObject;
  object.metadata ??= {};
  return object;
}

/** `kubectl/v1.32.4 (linux/amd64) ...` -> `kubectl`: the manager name a real server derives. */
function managerOf(request: ResourceRequest): string {
  return request.query.get('fieldManager') ?? request.userAgent?.split('/')[0] ?? 'unknown';
}

const dryRun = (request: ResourceRequest): boolean => request.query.getAll('dryRun').includes('All');

export class ResourceApi {
  constructor(
    private readonly store: ObjectStore,
    private readonly rules: () => readonly ForbidRule[],
  ) {}

  handle(request: ResourceRequest): ApiResponse {
    const access = {
      user: request.user,
      verb: request.verb,
      type: request.type,
      ...(request.subresource ? { subresource: request.subresource } : {}),
      ...(request.namespace ? { namespace: request.namespace } : {}),
      ...(request.name ? { name: request.name } : {}),
    };
    if (isForbidden(this.rules(), access)) throw forbidden(access);
    if (request.subresource === 'scale') return this.scale(request);
    switch (request.verb) {
      case 'get':
        return { code: 200, body: this.store.read(request.type, request.namespace, request.name ?? '') };
      case 'list':
        return { code: 200, body: this.list(request) };
      case 'create':
        return this.create(request);
      case 'update':
        return this.update(request);
      case 'patch':
        return this.patch(request);
      case 'delete':
        return this.delete(request);
      default:
        throw failure('MethodNotAllowed', `the server does not allow this method on the requested resource`);
    }
  }

  list(request: Pick<ResourceRequest, 'type' | 'namespace' | 'query'>) {
    const labels = parseLabelSelector(request.query.get('labelSelector') ?? '');
    const fields = parseFieldSelector(request.query.get('fieldSelector') ?? '');
    const items = this.store
      .list(request.type, request.namespace)
      .filter((o) => matchesRequirements(o.metadata.labels, labels) && matchesFields(o, fields));
    return {
      apiVersion: apiVersionOf(request.type),
      kind: `${request.type.kind}List`,
      metadata: { resourceVersion: this.store.resourceVersion },
      items,
    };
  }

  private checkIdentity(request: ResourceRequest, object: KubeObject): void {
    const { type } = request;
    if (object.apiVersion !== undefined && object.apiVersion !== apiVersionOf(type)) {
      throw badRequest(
        `the API version in the data (${object.apiVersion}) does not match the expected API version (${apiVersionOf(type)})`,
      );
    }
    if (object.kind !== undefined && object.kind !== type.kind) {
      throw badRequest(
        `the kind in the data (${object.kind}) does not match the expected kind (${type.kind})`,
      );
    }
    if (request.namespace && object.metadata.namespace && object.metadata.namespace !== request.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (request.name && object.metadata.name && object.metadata.name !== request.name) {
      throw badRequest('the name of the object does not match the name on the URL');
    }
    object.apiVersion = apiVersionOf(type);
    object.kind = type.kind;
    if (type.namespaced) object.metadata.namespace = request.namespace;
    if (request.name) object.metadata.name = request.name;
  }

  private requireNamespace(request: ResourceRequest): void {
    if (!request.type.namespaced || !request.namespace) return;
    if (!this.store.get(typeOf('namespaces'), undefined, request.namespace))
      throw namespaceNotFound(request.namespace);
  }

  /** Validates, then stores (or, under dryRun=All, returns what would have been stored). */
  private commit(request: ResourceRequest, object: KubeObject, old: KubeObject | undefined): KubeObject {
    dropNulls(object);
    applyDefaults(request.type, object);
    admit(request.type, object, old);
    if (dryRun(request)) {
      return old ? { ...object, metadata: { ...object.metadata, uid: old.metadata.uid } } : object;
    }
    return old ? this.store.update(request.type, object) : this.store.create(request.type, object);
  }

  private create(request: ResourceRequest): ApiResponse {
    const object = asObject(parseBody(request));
    this.checkIdentity(request, object);
    if (object.metadata.resourceVersion) {
      throw badRequest('resourceVersion should not be set on objects to be created');
    }
    this.requireNamespace(request);
    for (const key of SYSTEM_METADATA) delete object.metadata[key];
    if (request.type.subresources.includes('status') && request.type.kind !== 'Namespace')
      delete object.status;
    dropNulls(object);
    object.metadata.managedFields = recordUpdate(undefined, object, managerOf(request), timestamp());
    return { code: 201, body: this.commit(request, object, undefined) };
  }

  /** The main resource ignores status; the status subresource changes nothing but status. */
  private merge(request: ResourceRequest, current: KubeObject, incoming: KubeObject): KubeObject {
    if (request.subresource === 'status') return { ...current, status: incoming.status };
    const next = { ...incoming };
    if (request.type.subresources.includes('status')) {
      if (current.status === undefined) delete next.status;
      else next.status = current.status;
    }
    return next;
  }

  private update(request: ResourceRequest): ApiResponse {
    const incoming = asObject(parseBody(request));
    this.checkIdentity(request, incoming);
    const current = this.store.read(request.type, request.namespace, request.name ?? '');
    if (
      incoming.metadata.resourceVersion &&
      incoming.metadata.resourceVersion !== current.metadata.resourceVersion
    ) {
      throw conflict(request.type, request.name ?? '', MODIFIED);
    }
    const next = this.merge(request, current, incoming);
    next.metadata = { ...incoming.metadata };
    for (const key of SYSTEM_METADATA)
      (next.metadata as Record<string, unknown>)[key] = current.metadata[key];
    dropNulls(next);
    next.metadata.managedFields = recordUpdate(current, next, managerOf(request), timestamp());
    return { code: 200, body: this.commit(request, next, current) };
  }

  private patch(request: ResourceRequest): ApiResponse {
    const contentType = (request.contentType ?? '').split(';')[0]?.trim() ?? '';
    if (!PATCH_TYPES.includes(contentType)) {
      throw failure(
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
      );
    }
    if (contentType === APPLY_PATCH) return this.apply(request);
    if (request.query.get('force')) throw badRequest('force may not be set for non-apply patch requests');
    const current = this.store.read(request.type, request.namespace, request.name ?? '');
    const body = parseBody(request);
    const patched = asObject(
      contentType === 'application/json-patch+json'
        ? jsonPatch(current, body)
        : contentType === 'application/merge-patch+json'
          ? mergePatch(current, body)
          : strategicMergePatch(current, body),
    );
    if (
      patched.metadata.resourceVersion &&
      patched.metadata.resourceVersion !== current.metadata.resourceVersion
    ) {
      throw conflict(request.type, request.name ?? '', MODIFIED);
    }
    const next = this.merge(request, current, patched);
    next.metadata = { ...patched.metadata };
    for (const key of SYSTEM_METADATA)
      (next.metadata as Record<string, unknown>)[key] = current.metadata[key];
    dropNulls(next);
    next.metadata.managedFields = recordUpdate(current, next, managerOf(request), timestamp());
    return { code: 200, body: this.commit(request, next, current) };
  }

  private apply(request: ResourceRequest): ApiResponse {
    const manager = request.query.get('fieldManager');
    if (!manager) {
      throw failure(
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        {
          group: 'meta.k8s.io',
          kind: 'PatchOptions',
          causes: [
            {
              reason: 'FieldValueRequired',
              message: 'Required value: is required for apply patch',
              field: 'fieldManager',
            },
          ],
        },
      );
    }
    const config = asObject(parseBody(request));
    if (config.apiVersion === undefined || config.kind === undefined) {
      throw badRequest('apply patch: the configuration must set apiVersion and kind');
    }
    this.checkIdentity(request, config);
    const current = this.store.get(request.type, request.namespace, request.name ?? '');
    const precondition = config.metadata.resourceVersion;
    if (precondition && precondition !== current?.metadata.resourceVersion) {
      throw conflict(request.type, request.name ?? '', MODIFIED);
    }
    if (!current) this.requireNamespace(request);
    for (const key of SYSTEM_METADATA) delete config.metadata[key];
    dropNulls(config);
    const force = ['true', '1'].includes(request.query.get('force') ?? '');
    const result = applyConfig(current, config, manager, force, timestamp());
    if (result.conflicts.length > 0) {
      throw conflict(
        request.type,
        request.name ?? '',
        conflictMessage(result.conflicts),
        result.conflicts.map((c) => ({
          reason: 'FieldManagerConflict',
          message: `conflict with "${c.manager}" using ${c.apiVersion}`,
          field: c.path.map((s) => (s.startsWith('k:') ? `[${s.slice(2)}]` : `.${s.slice(2)}`)).join(''),
        })),
      );
    }
    const next = current ? this.merge(request, current, result.object) : result.object;
    if (!current) delete next.status;
    return { code: current ? 200 : 201, body: this.commit(request, next, current) };
  }

  private delete(request: ResourceRequest): ApiResponse {
    const { type, namespace, name = '' } = request;
    const object = this.store.read(type, namespace, name);
    // DeleteOptions.preconditions: the apiserver answers 409 when the object is no longer that one.
    const preconditions = request.body
      ? (JSON.parse(request.body) as { preconditions?: { uid?: string; resourceVersion?: string } })
          .preconditions
      : undefined;
    if (preconditions?.uid !== undefined && preconditions.uid !== object.metadata.uid) {
      throw conflict(
        type,
        name,
        `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${object.metadata.uid ?? ''}`,
      );
    }
    if (
      preconditions?.resourceVersion !== undefined &&
      preconditions.resourceVersion !== object.metadata.resourceVersion
    ) {
      throw conflict(
        type,
        name,
        `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${object.metadata.resourceVersion ?? ''}`,
      );
    }
    if (dryRun(request)) return { code: 200, body: object };
    this.store.delete(type, namespace, name);
    if (type.kind === 'Namespace') {
      for (const other of [...new Set(this.allTypes())]) {
        for (const item of this.store.list(other, name))
          this.store.delete(other, name, item.metadata.name ?? '');
      }
    }
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      message: '',
      details: { name, group: type.group, kind: type.plural, uid: object.metadata.uid ?? '' },
      code: 200,
    };
    return { code: 200, body: status };
  }

  private allTypes(): ResourceType[] {
    return [
      'configmaps',
      'secrets',
      'serviceaccounts',
      'services',
      'pods',
      'events',
      'deployments',
      'replicasets',
      'horizontalpodautoscalers',
      'leases',
      'inferenceservices',
    ].map(typeOf);
  }

  /** autoscaling/v1 Scale for deployments and replicasets: GET, PUT and (merge) PATCH of spec.replicas. */
  private scale(request: ResourceRequest): ApiResponse {
    const { type, namespace, name = '' } = request;
    const current = this.store.read(type, namespace, name);
    const toScale = (object: KubeObject) => ({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name,
        namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
        creationTimestamp: object.metadata.creationTimestamp,
      },
      spec: { replicas: (object.spec as { replicas?: number }).replicas ?? 0 },
      status: {
        replicas: (object.status as { replicas?: number } | undefined)?.replicas ?? 0,
        selector: Object.entries(
          (object.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels ??
            {},
        )
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      },
    });
    if (request.verb === 'get') return { code: 200, body: toScale(current) };
    if (request.verb !== 'update' && request.verb !== 'patch') {
      throw failure('MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
    const body = parseBody(request);
    const scale = asObject(request.verb === 'patch' ? mergePatch(toScale(current), body) : body);
    const replicas = (scale as { spec?: { replicas?: unknown } }).spec?.replicas;
    if (!Number.isInteger(replicas) || (replicas as number) < 0) {
      throw failure(
        'Invalid',
        `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
      );
    }
    const next = clone(current);
    (next.spec as { replicas: number }).replicas = replicas as number;
    dropNulls(next);
    next.metadata.managedFields = recordUpdate(current, next, managerOf(request), timestamp());
    const stored = this.commit({ ...request, subresource: undefined }, next, current);
    return { code: 200, body: toScale(stored) };
  }
}
