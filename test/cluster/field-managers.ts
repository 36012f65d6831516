/**
 * Field ownership for server-side apply, kept in metadata.managedFields (FieldsV1) like a real
 * server, with simplifications (said plainly):
 * - a field is a leaf of the object (scalar, empty map, or a list that is not keyed);
 * - a list whose items all have a `name` is keyed by it (`k:{"name":"x"}`); every other list is
 *   atomic (owned whole), where the real server also keys `ports` by containerPort/protocol etc.;
 * - only metadata.labels and metadata.annotations are tracked under metadata; status never is;
 * - an apply conflicts when another manager owns a field the applied config sets to a different
 *   value; `force` takes the field over. Non-apply writes (create, PUT, PATCH) give the changed
 *   fields to their manager (operation Update) and take them from the others.
 * Pure: no I/O, and the clock is passed in.
 */
import { isNamedList, mergePatch } from './patch.js';
import type { KubeObject } from './resources.js';

type Json = unknown;
export type FieldPath = string[];

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface Conflict {
  manager: string;
  apiVersion: string;
  path: FieldPath;
}

function isObject(value: unknown): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function itemKey(item: Record<string, Json>): string {
  return `k:${JSON.stringify({ name: item.name })}`;
}

/** Every owned leaf of an object (status, and metadata other than labels/annotations, excluded). */
export function leafPaths(object: KubeObject | Record<string, Json>): FieldPath[] {
  const out: FieldPath[] = [];
  const walk = (value: Json, prefix: FieldPath): void => {
    if (isNamedList(value)) {
      for (const item of value) walk(item, [...prefix, itemKey(item)]);
    } else if (isObject(value) && Object.keys(value).length > 0) {
      for (const [key, child] of Object.entries(value)) walk(child, [...prefix, `f:${key}`]);
    } else {
      out.push(prefix);
    }
  };
  for (const [key, value] of Object.entries(object)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'status') continue;
    if (key === 'metadata' && isObject(value)) {
      for (const sub of ['labels', 'annotations']) {
        if (value[sub] !== undefined) walk(value[sub], ['f:metadata', `f:${sub}`]);
      }
      continue;
    }
    walk(value, [`f:${key}`]);
  }
  return out;
}

export function valueAt(object: Json, path: FieldPath): Json {
  let current = object;
  for (const segment of path) {
    if (segment.startsWith('k:')) {
      const name = (JSON.parse(segment.slice(2)) as { name: string }).name;
      current = Array.isArray(current)
        ? current.find((item) => isObject(item) && item.name === name)
        : undefined;
    } else {
      current = isObject(current) ? current[segment.slice(2)] : undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}

/** Removes a leaf, then any keyed list item left with nothing but its key. */
export function deleteAt(object: Json, path: FieldPath): void {
  const parents: Json[] = [];
  let current = object;
  for (const segment of path.slice(0, -1)) {
    parents.push(current);
    current = valueAt(current, [segment]);
    if (current === undefined) return;
  }
  const last = path[path.length - 1];
  if (last === undefined) return;
  if (last.startsWith('k:')) {
    const name = (JSON.parse(last.slice(2)) as { name: string }).name;
    if (Array.isArray(current))
      current.splice(
        current.findIndex((item) => isObject(item) && item.name === name),
        1,
      );
  } else if (isObject(current)) {
    delete current[last.slice(2)];
  }
  if (isObject(current) && Object.keys(current).every((k) => k === 'name') && path.length >= 2) {
    const itemSegment = path[path.length - 2];
    if (itemSegment?.startsWith('k:')) deleteAt(object, path.slice(0, -1));
  }
}

/** `.spec.template.spec.containers[name="model-server"].image`, the form conflict messages use. */
export function formatPath(path: FieldPath): string {
  return path
    .map((segment) =>
      segment.startsWith('k:')
        ? `[name="${(JSON.parse(segment.slice(2)) as { name: string }).name}"]`
        : `.${segment.slice(2)}`,
    )
    .join('');
}

export function toFieldsV1(paths: readonly FieldPath[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const path of paths) {
    let node = root;
    for (const segment of path) {
      node[segment] ??= {};
      node = node[segment] as Record<string, unknown>;
      if (segment.startsWith('k:')) node['.'] = {};
    }
  }
  return root;
}

export function fromFieldsV1(fields: Record<string, unknown>): FieldPath[] {
  const out: FieldPath[] = [];
  const walk = (node: Record<string, unknown>, prefix: FieldPath): void => {
    const children = Object.entries(node).filter(([key]) => key !== '.');
    if (children.length === 0 && prefix.length > 0) out.push(prefix);
    for (const [key, child] of children) walk(isObject(child) ? child : {}, [...prefix, key]);
  };
  walk(fields, []);
  return out;
}

const id = (path: FieldPath): string => JSON.stringify(path);

function entriesOf(object: KubeObject | undefined): ManagedFieldsEntry[] {
  return structuredClone((object?.metadata.managedFields ?? []) as ManagedFieldsEntry[]);
}

function setEntry(
  entries: ManagedFieldsEntry[],
  base: Omit<ManagedFieldsEntry, 'fieldsV1' | 'fieldsType'>,
  paths: FieldPath[],
): ManagedFieldsEntry[] {
  const rest = entries.filter((e) => !(e.manager === base.manager && e.operation === base.operation));
  if (paths.length === 0) return rest;
  return [...rest, { ...base, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(paths) }];
}

/** Drops `taken` from every entry but the one named; entries left empty go away. */
function release(
  entries: ManagedFieldsEntry[],
  taken: ReadonlySet<string>,
  keep: (e: ManagedFieldsEntry) => boolean,
) {
  return entries
    .map((e) => {
      if (keep(e)) return e;
      const paths = fromFieldsV1(e.fieldsV1).filter((p) => !taken.has(id(p)));
      return { ...e, fieldsV1: toFieldsV1(paths), empty: paths.length === 0 };
    })
    .filter((e) => !(e as { empty?: boolean }).empty)
    .map(({ empty: _e, ...e }: ManagedFieldsEntry & { empty?: boolean }) => e);
}

/**
 * The managedFields after a non-apply write by `manager`: the fields it changed (or added) are
 * its own (operation Update), and no longer anyone else's.
 */
export function recordUpdate(
  before: KubeObject | undefined,
  after: KubeObject,
  manager: string,
  time: string,
): ManagedFieldsEntry[] {
  const entries = entriesOf(before);
  const changed = leafPaths(after).filter(
    (path) =>
      JSON.stringify(valueAt(after, path)) !== JSON.stringify(before ? valueAt(before, path) : undefined),
  );
  const gone = before ? leafPaths(before).filter((path) => valueAt(after, path) === undefined) : [];
  if (changed.length === 0 && gone.length === 0) return entries;
  const taken = new Set([...changed, ...gone].map(id));
  const released = release(entries, taken, () => false);
  const own = released.find((e) => e.manager === manager && e.operation === 'Update');
  const paths = [...(own ? fromFieldsV1(own.fieldsV1) : []), ...changed];
  const unique = [...new Map(paths.map((p) => [id(p), p])).values()];
  return setEntry(released, { manager, operation: 'Update', apiVersion: after.apiVersion, time }, unique);
}

export interface ApplyResult {
  object: KubeObject;
  conflicts: Conflict[];
}

/**
 * Server-side apply of `config` by `manager` onto `current` (undefined: the object is new).
 * With conflicts and no force, the object is returned unchanged alongside the conflicts.
 */
export function applyConfig(
  current: KubeObject | undefined,
  config: KubeObject,
  manager: string,
  force: boolean,
  time: string,
): ApplyResult {
  const configPaths = leafPaths(config);
  let entries = entriesOf(current);
  const conflicts: Conflict[] = [];
  for (const entry of entries) {
    if (entry.manager === manager) continue;
    const owned = new Set(fromFieldsV1(entry.fieldsV1).map(id));
    for (const path of configPaths) {
      if (!owned.has(id(path))) continue;
      if (JSON.stringify(valueAt(current, path)) === JSON.stringify(valueAt(config, path))) continue;
      conflicts.push({ manager: entry.manager, apiVersion: entry.apiVersion, path });
    }
  }
  if (conflicts.length > 0 && !force) return { object: current ?? config, conflicts };
  if (conflicts.length > 0) {
    const taken = new Set(conflicts.map((c) => id(c.path)));
    entries = release(entries, taken, (e) => e.manager === manager);
  }

  const object = structuredClone(
    current ?? { apiVersion: config.apiVersion, kind: config.kind, metadata: {} },
  ) as KubeObject;
  const mine = entries.find((e) => e.manager === manager && e.operation === 'Apply');
  const configIds = new Set(configPaths.map(id));
  const ownedByOthers = new Set(
    entries.filter((e) => e !== mine).flatMap((e) => fromFieldsV1(e.fieldsV1).map(id)),
  );
  for (const path of mine ? fromFieldsV1(mine.fieldsV1) : []) {
    if (!configIds.has(id(path)) && !ownedByOthers.has(id(path))) deleteAt(object, path);
  }
  const merged = applyMerge(object, { ...config, status: undefined }) as KubeObject;
  const unchanged =
    mine !== undefined &&
    mine.apiVersion === config.apiVersion &&
    JSON.stringify(toFieldsV1(configPaths)) === JSON.stringify(mine.fieldsV1);
  merged.metadata.managedFields = unchanged
    ? entries
    : setEntry(entries, { manager, operation: 'Apply', apiVersion: config.apiVersion, time }, configPaths);
  return { object: merged, conflicts: [] };
}

/** Merges an applied config into the object: maps deep, name-keyed lists by item, other lists whole. */
function applyMerge(target: Json, config: Json): Json {
  if (isNamedList(config) && (target === undefined || isNamedList(target))) {
    const out = structuredClone((target ?? []) as Array<Record<string, Json>>);
    for (const item of config) {
      const index = out.findIndex((existing) => existing.name === item.name);
      if (index < 0) out.push(structuredClone(item));
      else out[index] = applyMerge(out[index], item) as Record<string, Json>;
    }
    return out;
  }
  if (!isObject(config)) return config === undefined ? target : mergePatch(undefined, config);
  const out: Record<string, Json> = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined || value === null) continue;
    out[key] = applyMerge(out[key], value);
  }
  return out;
}

export function conflictMessage(conflicts: readonly Conflict[]): string {
  const byManager = new Map<string, Conflict[]>();
  for (const c of conflicts)
    byManager.set(`"${c.manager}" using ${c.apiVersion}`, [
      ...(byManager.get(`"${c.manager}" using ${c.apiVersion}`) ?? []),
      c,
    ]);
  const count = conflicts.length;
  const head = `Apply failed with ${count} conflict${count === 1 ? '' : 's'}: `;
  if (count === 1 && conflicts[0]) {
    return `${head}conflict with "${conflicts[0].manager}" using ${conflicts[0].apiVersion}: ${formatPath(conflicts[0].path)}`;
  }
  return (
    head +
    [...byManager.entries()]
      .map(
        ([who, list]) => `conflicts with ${who}:\n${list.map((c) => `- ${formatPath(c.path)}`).join('\n')}`,
      )
      .join('\n')
  );
}
