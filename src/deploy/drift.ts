/**
 * Drift: what runs in the cluster compared with what the last promotion applied. Pure: the live
 * objects, the server-side dry run of what we applied (drift-check.ts does the I/O) and the pods
 * come in as plain data; findings come out.
 *
 * The dry run of our own applied configuration, under our own field manager, is "the live object
 * as it would be if we applied again": every difference between it and the live object is a field
 * we set that someone changed. managedFields then names who owns that field now.
 */
import { FIELD_MANAGER } from './cluster.js';
import { imageIdHasDigest } from './rollout-status.js';

export type DriftKind =
  /** A field we set holds another value (or is gone). */
  | 'field'
  /** The replica count or the autoscaler's range differs from what we applied. */
  | 'replicas'
  /** A pod runs another image digest than the one applied. */
  | 'image'
  /** An object we applied is not in the cluster any more. */
  | 'deleted'
  /** The record of what was applied cannot be read (edited by hand): nothing else could be checked. */
  | 'record';

export interface DriftFinding {
  readonly kind: DriftKind;
  /** `Deployment/sentiment-production` */
  readonly object: string;
  /** `spec.replicas`, `spec.template.spec.containers[model-server].image`; empty for a deleted object. */
  readonly field: string;
  /** What the last promotion applied, as short JSON. */
  readonly expected: string;
  /** What runs, as short JSON; `(absent)` when the field or object is gone. */
  readonly live: string;
  /**
   * Who owns the field now (another field manager, from managedFields). When nobody owns it (a
   * field removed by a non-apply write), the last other manager that wrote the object, marked so.
   */
  readonly manager?: string;
}

export const ABSENT = '(absent)';

/** One entry of `metadata.managedFields`. */
export interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: string;
  readonly time?: string | Date;
  readonly subresource?: string;
  readonly fieldsV1?: unknown;
}

/** A step of a path: a map key, or a list element (its index, and the element, to match `k:` keys). */
type Step =
  { readonly key: string } | { readonly index: number; readonly element: unknown; readonly label: string };

interface Leaf {
  readonly steps: readonly Step[];
  readonly value: unknown;
}

/** Kept by the server, never set by us: not drift, and left out of the dry run's diff. */
export const SERVER_METADATA = new Set([
  'managedFields',
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'generation',
  'selfLink',
]);
export const SERVER_ANNOTATIONS = new Set(['deployment.kubernetes.io/revision']);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function withoutServerFields(object: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(object);
  delete copy.status;
  const metadata = copy.metadata;
  if (isObject(metadata)) {
    for (const key of SERVER_METADATA) delete metadata[key];
    if (isObject(metadata.annotations))
      for (const key of SERVER_ANNOTATIONS) delete metadata.annotations[key];
  }
  return copy;
}

/** A list whose elements all carry a `name` is aligned by name (containers, env, volumes, ports). */
function namedList(list: readonly unknown[]): boolean {
  return list.length > 0 && list.every((e) => isObject(e) && typeof e.name === 'string');
}

function elementLabel(element: unknown, index: number): string {
  return isObject(element) && typeof element.name === 'string' ? element.name : String(index);
}

/** Every leaf (scalar, empty map or list, or list of scalars) with its path. */
function leaves(value: unknown, steps: Step[] = [], out: Map<string, Leaf> = new Map()): Map<string, Leaf> {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) leaves(child, [...steps, { key }], out);
  } else if (Array.isArray(value) && value.some(isObject)) {
    value.forEach((element, index) =>
      leaves(element, [...steps, { index, element, label: elementLabel(element, index) }], out),
    );
  } else {
    out.set(pathText(steps), { steps, value });
  }
  return out;
}

/** `spec.template.spec.containers[model-server].image` */
export function pathText(steps: readonly Step[]): string {
  let text = '';
  for (const step of steps) {
    if ('key' in step)
      text += /^[A-Za-z_][A-Za-z0-9_]*$/.test(step.key)
        ? `${text ? '.' : ''}${step.key}`
        : `[${JSON.stringify(step.key)}]`;
    else text += `[${step.label}]`;
  }
  return text;
}

/** Short JSON of a value (a value longer than a long image reference is cut). */
export function shortValue(value: unknown, max = 300): string {
  if (value === undefined) return ABSENT;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export interface FieldChange {
  readonly path: string;
  readonly steps: readonly Step[];
  readonly expected: unknown;
  readonly live: unknown;
}

/**
 * The fields where `live` differs from `expected` (the dry run of our configuration): named lists
 * are matched by name, so a reordered list is not drift. Server bookkeeping and status are left out.
 */
export function fieldChanges(
  live: Record<string, unknown>,
  expected: Record<string, unknown>,
): FieldChange[] {
  const align = (value: unknown, other: unknown): unknown => {
    // Give a named list the other side's order, so that leaves line up by name.
    if (Array.isArray(value) && Array.isArray(other) && namedList(value) && namedList(other)) {
      const order = other.map((e) => (e as { name: string }).name);
      const rank = (e: unknown) => {
        const i = order.indexOf((e as { name: string }).name);
        return i === -1 ? order.length : i;
      };
      return [...value]
        .sort((a, b) => rank(a) - rank(b))
        .map((e) =>
          align(
            e,
            other.find((o) => (o as { name: string }).name === (e as { name: string }).name),
          ),
        );
    }
    if (isObject(value) && isObject(other))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, align(v, other[k])]));
    return value;
  };
  const want = withoutServerFields(expected);
  const have = align(withoutServerFields(live), want);
  const wanted = leaves(want);
  const had = leaves(have);
  const changes: FieldChange[] = [];
  for (const [path, leaf] of wanted) {
    const found = had.get(path);
    if (!found || JSON.stringify(found.value) !== JSON.stringify(leaf.value))
      changes.push({ path, steps: leaf.steps, expected: leaf.value, live: found?.value });
  }
  const wantedPaths = [...wanted.keys()];
  // An emptied map or list on the live side is the parent of fields already named above.
  const parentOfWanted = (path: string) =>
    wantedPaths.some((p) => p.startsWith(`${path}.`) || p.startsWith(`${path}[`));
  for (const [path, leaf] of had)
    if (!wanted.has(path) && !parentOfWanted(path))
      changes.push({ path, steps: leaf.steps, expected: undefined, live: leaf.value });
  return changes;
}

/** Whether a `k:{...}` key of fieldsV1 names `element` (every key field equal). */
function keyMatches(key: string, element: unknown): boolean {
  if (!isObject(element)) return false;
  try {
    const fields = JSON.parse(key.slice(2)) as Record<string, unknown>;
    return Object.entries(fields).every(([k, v]) => JSON.stringify(element[k]) === JSON.stringify(v));
  } catch {
    return false;
  }
}

/** Whether a fieldsV1 set contains the path (the field itself, or a whole list or map above it). */
export function ownsPath(fieldsV1: unknown, steps: readonly Step[]): boolean {
  let node: unknown = fieldsV1;
  for (const step of steps) {
    if (!isObject(node)) return false;
    let next: unknown;
    if ('key' in step) next = node[`f:${step.key}`];
    else {
      const keyed = Object.keys(node).find((k) => k.startsWith('k:') && keyMatches(k, step.element));
      next = keyed ? node[keyed] : node[`i:${step.index}`];
      // A list of unkeyed elements is owned whole (an atomic list).
      if (next === undefined) return Object.keys(node).length === 0;
    }
    if (next === undefined) return false;
    node = next;
  }
  return true;
}

/** The managers other than ours that own the field at `steps` in the live object. */
export function ownersOf(managedFields: readonly ManagedFieldsEntry[], steps: readonly Step[]): string[] {
  return [
    ...new Set(
      managedFields
        .filter((e) => e.manager && e.manager !== FIELD_MANAGER && ownsPath(e.fieldsV1, steps))
        .map((e) => e.manager!),
    ),
  ];
}

/** The other manager that wrote the object last: the best guess for a field nobody owns any more. */
export function lastOtherWriter(managedFields: readonly ManagedFieldsEntry[]): string | undefined {
  // Controllers write status all the time: a status write says nothing about the spec.
  const others = managedFields.filter(
    (e) => e.manager && !e.manager.startsWith(FIELD_MANAGER) && e.subresource !== 'status',
  );
  const time = (e: ManagedFieldsEntry) => (e.time ? new Date(e.time).getTime() : 0);
  return others.sort((a, b) => time(b) - time(a))[0]?.manager;
}

const REPLICA_FIELDS = new Set(['spec.replicas', 'spec.minReplicas', 'spec.maxReplicas']);

/**
 * The drift of one object: `live` as the cluster holds it (with managedFields), `expected` as the
 * server-side dry run of what we applied returned it.
 */
export function objectDrift(
  object: string,
  live: Record<string, unknown>,
  expected: Record<string, unknown>,
): DriftFinding[] {
  const managed = ((live.metadata as { managedFields?: ManagedFieldsEntry[] } | undefined)?.managedFields ??
    []) as ManagedFieldsEntry[];
  return fieldChanges(live, expected).map((change) => {
    const owners = ownersOf(managed, change.steps);
    const last = owners.length ? undefined : lastOtherWriter(managed);
    const manager = owners.length ? owners.join(', ') : last ? `${last} (last writer)` : undefined;
    return {
      kind: REPLICA_FIELDS.has(change.path) ? 'replicas' : 'field',
      object,
      field: change.path,
      expected: shortValue(change.expected),
      live: shortValue(change.live),
      ...(manager ? { manager } : {}),
    };
  });
}

/**
 * What an apply of `planned` (its server-side dry run) takes from other managers: the fields it
 * changes that another manager owns now. For the plan of a promotion: the drift it will overwrite.
 */
export function overwrittenFields(
  object: string,
  live: Record<string, unknown>,
  planned: Record<string, unknown>,
): DriftFinding[] {
  const managed = ((live.metadata as { managedFields?: ManagedFieldsEntry[] } | undefined)?.managedFields ??
    []) as ManagedFieldsEntry[];
  return fieldChanges(live, planned).flatMap((change) => {
    const owners = ownersOf(managed, change.steps);
    if (!owners.length) return [];
    return [
      {
        kind: REPLICA_FIELDS.has(change.path) ? 'replicas' : 'field',
        object,
        field: change.path,
        expected: shortValue(change.expected),
        live: shortValue(change.live),
        manager: owners.join(', '),
      } satisfies DriftFinding,
    ];
  });
}

/** An object we applied that the cluster no longer has. */
export function deletedDrift(object: string): DriftFinding {
  return { kind: 'deleted', object, field: '', expected: 'present', live: ABSENT };
}

/**
 * A Deployment scaled by our HorizontalPodAutoscaler: its replica count is the autoscaler's to
 * decide, so only a count outside the applied range is drift.
 */
export function replicaRangeDrift(
  object: string,
  replicas: number | undefined,
  range: { readonly min: number; readonly max: number },
  managedFields: readonly ManagedFieldsEntry[] = [],
): DriftFinding | undefined {
  if (replicas === undefined || (replicas >= range.min && replicas <= range.max)) return undefined;
  const owners = ownersOf(managedFields, [{ key: 'spec' }, { key: 'replicas' }]);
  return {
    kind: 'replicas',
    object,
    field: 'spec.replicas',
    expected: `${range.min}..${range.max}`,
    live: String(replicas),
    ...(owners.length ? { manager: owners.join(', ') } : {}),
  };
}

/** A pod as far as the digest check reads it. */
export interface PodImages {
  readonly metadata?: { readonly name?: string };
  readonly status?: {
    readonly containerStatuses?: ReadonlyArray<{ readonly name?: string; readonly imageID?: string }>;
  };
}

/**
 * Pods whose container (one of `containers`, the names the applied template gives) runs another
 * digest than `digest`. A container with no imageID yet is starting: nothing to say about it.
 */
export function podImageDrift(
  pods: readonly PodImages[],
  containers: readonly string[],
  digest: string,
): DriftFinding[] {
  const findings: DriftFinding[] = [];
  for (const pod of pods) {
    for (const status of pod.status?.containerStatuses ?? []) {
      if (!status.name || !containers.includes(status.name) || !status.imageID) continue;
      if (imageIdHasDigest(status.imageID, digest)) continue;
      findings.push({
        kind: 'image',
        object: `Pod/${pod.metadata?.name ?? ''}`,
        field: `containers[${status.name}].imageID`,
        expected: digest,
        live: status.imageID,
      });
    }
  }
  return findings;
}
