/**
 * The resource types the double serves: what discovery says about each (plural, kind, scope,
 * verbs, short names) and how an object of that type is checked against the Kubernetes schema
 * (kubernetes-models' generated validator; a small structural check for InferenceService, whose
 * schema kubernetes-models does not ship).
 */
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Lease } from 'kubernetes-models/coordination.k8s.io/v1/Lease';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Event } from 'kubernetes-models/v1/Event';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { StatusCause } from './status.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';
export const ALL_VERBS: readonly Verb[] = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly subresources: readonly ('status' | 'scale' | 'log')[];
  /** metadata.generation is kept (and bumped on spec change) for this type. */
  readonly generation: boolean;
  readonly validate: (object: unknown) => StatusCause[];
}

/** Anything JSON: the shape every stored object has at least. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }>;
  managedFields?: unknown[];
  [key: string]: unknown;
}

interface AjvError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `/spec/template/spec/containers/0/name` -> `spec.template.spec.containers[0].name`. */
export function fieldPath(pointer: string): string {
  let out = '';
  for (const part of pointer.split('/').filter(Boolean)) {
    const segment = part.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(segment) ? `[${segment}]` : out ? `.${segment}` : segment;
  }
  return out;
}

function valueAt(object: unknown, pointer: string): unknown {
  let current = object;
  for (const part of pointer.split('/').filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** One cause per schema error, phrased the way the API server's field errors read. */
function causesFrom(errors: readonly AjvError[], object: unknown): StatusCause[] {
  return errors.map((error) => {
    const pointer = error.instancePath ?? '';
    if (error.keyword === 'required') {
      const missing = String(error.params?.missingProperty ?? '');
      const field = [fieldPath(pointer), missing].filter(Boolean).join('.');
      return { reason: 'FieldValueRequired', message: 'Required value', field };
    }
    const field = fieldPath(pointer);
    const value = JSON.stringify(valueAt(object, pointer));
    return {
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${value}: ${error.message ?? 'invalid'}`,
      field,
    };
  });
}

interface Validatable {
  validate(): void;
}

function modelValidator(build: (data: never) => Validatable): (object: unknown) => StatusCause[] {
  return (object) => {
    const { apiVersion: _a, kind: _k, ...data } = object as Record<string, unknown>;
    try {
      build(data as never).validate();
      return [];
    } catch (error) {
      const errors = (error as { errors?: AjvError[] }).errors;
      if (Array.isArray(errors) && errors.length > 0) return causesFrom(errors, object);
      return [
        { reason: 'FieldValueInvalid', message: error instanceof Error ? error.message : String(error) },
      ];
    }
  };
}

/**
 * KServe's InferenceService: kubernetes-models has no schema for it, so this is a minimal
 * structural check (a predictor object; containers with a name and image; integer replica bounds).
 */
export function validateInferenceService(object: unknown): StatusCause[] {
  const spec = (object as { spec?: unknown }).spec;
  const causes: StatusCause[] = [];
  const predictor = (spec as { predictor?: unknown } | undefined)?.predictor;
  if (!predictor || typeof predictor !== 'object') {
    return [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.predictor' }];
  }
  const p = predictor as Record<string, unknown>;
  for (const key of ['minReplicas', 'maxReplicas']) {
    if (p[key] !== undefined && !Number.isInteger(p[key])) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(p[key])}: must be integer`,
        field: `spec.predictor.${key}`,
      });
    }
  }
  const containers = p.containers;
  if (containers !== undefined && !Array.isArray(containers)) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: 'Invalid value: must be array',
      field: 'spec.predictor.containers',
    });
  }
  for (const [index, item] of (Array.isArray(containers) ? containers : []).entries()) {
    const c = item as Record<string, unknown>;
    for (const key of ['name', 'image']) {
      if (typeof c?.[key] !== 'string') {
        causes.push({
          reason: 'FieldValueRequired',
          message: 'Required value',
          field: `spec.predictor.containers[${index}].${key}`,
        });
      }
    }
  }
  return causes;
}

function type(
  fields: Omit<ResourceType, 'shortNames' | 'categories' | 'subresources' | 'generation'> &
    Partial<Pick<ResourceType, 'shortNames' | 'categories' | 'subresources' | 'generation'>>,
): ResourceType {
  return { shortNames: [], categories: [], subresources: [], generation: false, ...fields };
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  type({
    group: '',
    version: 'v1',
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status'],
    validate: modelValidator((d) => new Namespace(d)),
  }),
  type({
    group: '',
    version: 'v1',
    plural: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
    validate: modelValidator((d) => new ConfigMap(d)),
  }),
  type({
    group: '',
    version: 'v1',
    plural: 'secrets',
    singular: 'secret',
    kind: 'Secret',
    namespaced: true,
    validate: modelValidator((d) => new Secret(d)),
  }),
  type({
    group: '',
    version: 'v1',
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
    validate: modelValidator((d) => new ServiceAccount(d)),
  }),
  type({
    group: '',
    version: 'v1',
    plural: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
    validate: modelValidator((d) => new Service(d)),
  }),
  type({
    group: '',
    version: 'v1',
    plural: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'log'],
    validate: modelValidator((d) => new Pod(d)),
  }),
  type({
    group: '',
    version: 'v1',
    plural: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    validate: modelValidator((d) => new Event(d)),
  }),
  type({
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    generation: true,
    validate: modelValidator((d) => new Deployment(d)),
  }),
  type({
    group: 'apps',
    version: 'v1',
    plural: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    generation: true,
    validate: modelValidator((d) => new ReplicaSet(d)),
  }),
  type({
    group: 'autoscaling',
    version: 'v2',
    plural: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: ['status'],
    generation: true,
    validate: modelValidator((d) => new HorizontalPodAutoscaler(d)),
  }),
  type({
    group: 'coordination.k8s.io',
    version: 'v1',
    plural: 'leases',
    singular: 'lease',
    kind: 'Lease',
    namespaced: true,
    validate: modelValidator((d) => new Lease(d)),
  }),
  type({
    group: 'serving.kserve.io',
    version: 'v1beta1',
    plural: 'inferenceservices',
    singular: 'inferenceservice',
    kind: 'InferenceService',
    namespaced: true,
    shortNames: ['isvc'],
    categories: ['kserve'],
    subresources: ['status'],
    generation: true,
    validate: validateInferenceService,
  }),
];

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

export function typeByPath(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function typeByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
}

export function typeOf(plural: string): ResourceType {
  const found = RESOURCE_TYPES.find((t) => t.plural === plural);
  if (!found) throw new Error(`test cluster: no resource type ${plural}`);
  return found;
}
