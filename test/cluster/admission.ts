/**
 * What a write goes through before it is stored: the server's defaults for a few fields our code
 * and kubectl read back, schema validation (kubernetes-models) and the handful of semantic checks
 * a real API server adds on top of the schema (name format, selector matches template labels,
 * immutable selector). Pure.
 */
import type { KubeObject, ResourceType } from './resources.js';
import { matchesRequirements, selectorRequirements, type LabelSelector } from './selectors.js';
import { invalid, type StatusCause } from './status.js';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

type Spec = Record<string, unknown>;

let nextClusterIp = 10;

/**
 * Drops null values, as decoding into the server's typed structs does (kubectl sends
 * `creationTimestamp: null` inside pod templates, for one). Mutates `value`.
 */
export function dropNulls(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) dropNulls(item);
  } else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const [key, child] of Object.entries(record)) {
      if (child === null) delete record[key];
      else dropNulls(child);
    }
  }
}

/** Fills the defaults the real server would, for the fields clients read back. Mutates `object`. */
export function applyDefaults(type: ResourceType, object: KubeObject): void {
  const spec = (object.spec ??= {}) as Spec;
  switch (type.kind) {
    case 'Deployment':
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
      break;
    case 'ReplicaSet':
      spec.replicas ??= 1;
      break;
    case 'Service':
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      if (spec.type !== 'ExternalName' && spec.clusterIP === undefined) {
        const ip = `10.96.${Math.floor(nextClusterIp / 250)}.${(nextClusterIp++ % 250) + 1}`;
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
      }
      for (const port of (spec.ports ?? []) as Array<Record<string, unknown>>) {
        port.protocol ??= 'TCP';
        port.targetPort ??= port.port;
      }
      break;
    case 'Namespace':
      object.metadata.labels = {
        ...object.metadata.labels,
        'kubernetes.io/metadata.name': object.metadata.name ?? '',
      };
      spec.finalizers ??= ['kubernetes'];
      object.status = { phase: 'Active' };
      break;
    default:
      if (
        Object.keys(spec).length === 0 &&
        !['InferenceService', 'HorizontalPodAutoscaler', 'Pod', 'Lease'].includes(type.kind)
      ) {
        delete object.spec;
      }
  }
}

function semanticCauses(type: ResourceType, object: KubeObject, old: KubeObject | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = object.metadata.name ?? '';
  if (!name) {
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
      field: 'metadata.name',
    });
  } else if (name.length > 253 || !SUBDOMAIN.test(name)) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${name}": ${SUBDOMAIN_MESSAGE}`,
      field: 'metadata.name',
    });
  }
  if (type.kind === 'Deployment' || type.kind === 'ReplicaSet') {
    const spec = (object.spec ?? {}) as {
      selector?: LabelSelector;
      template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: unknown[] } };
    };
    const requirements = selectorRequirements(spec.selector);
    const labels = spec.template?.metadata?.labels ?? {};
    if (requirements.length === 0) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "null": empty selector is invalid for deployment',
        field: 'spec.selector',
      });
    } else if (!matchesRequirements(labels, requirements)) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``,
        field: 'spec.template.metadata.labels',
      });
    }
    if ((spec.template?.spec?.containers ?? []).length === 0) {
      causes.push({
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: 'spec.template.spec.containers',
      });
    }
    const oldSelector = (old?.spec as { selector?: unknown } | undefined)?.selector;
    if (old && JSON.stringify(oldSelector) !== JSON.stringify(spec.selector)) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(spec.selector)}: field is immutable`,
        field: 'spec.selector',
      });
    }
  }
  return causes;
}

/** Throws the server's 422 Invalid when the object fails the schema or a semantic check. */
export function admit(type: ResourceType, object: KubeObject, old?: KubeObject): void {
  const schema = type.validate(object);
  const causes = schema.length > 0 ? schema : semanticCauses(type, object, old);
  if (causes.length > 0) throw invalid(type, object.metadata.name ?? '', causes);
}
