/**
 * The non-apply PATCH bodies: JSON Patch (RFC 6902, what `kubectl rollout undo` sends), JSON
 * merge patch (RFC 7386) and strategic merge patch.
 *
 * Strategic merge is approximated: it is a JSON merge patch, except that a list whose items are
 * all objects with a `name` (containers, env, volumes, ports...) is merged item by item by name,
 * as the real patch strategy does for those fields; an item with `$patch: delete` is removed.
 * Other directives (`$setElementOrder`, `$retainKeys`, ...) are dropped without effect, and other
 * merge keys (e.g. `containerPort` for ports without a name) are not implemented.
 */
import { badRequest, failure } from './status.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function mergePatch(target: unknown, patch: unknown): Json {
  if (!isObject(patch)) return structuredClone(patch as Json);
  const out: Record<string, Json> = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** Items are all objects carrying a string `name`: merged by name. */
export function isNamedList(value: unknown): value is Array<Record<string, Json>> {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => isObject(item) && typeof item.name === 'string')
  );
}

export function strategicMergePatch(target: unknown, patch: unknown): Json {
  if (isNamedList(patch) && (target === undefined || isNamedList(target))) {
    const out = structuredClone((target ?? []) as Array<Record<string, Json>>);
    for (const item of patch) {
      const index = out.findIndex((existing) => existing.name === item.name);
      if (item.$patch === 'delete') {
        if (index >= 0) out.splice(index, 1);
      } else if (index < 0) out.push(strategicMergePatch(undefined, item) as Record<string, Json>);
      else out[index] = strategicMergePatch(out[index], item) as Record<string, Json>;
    }
    return out;
  }
  if (!isObject(patch)) return structuredClone(patch as Json);
  const out: Record<string, Json> = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    // Directives ($setElementOrder/..., $retainKeys, $patch...) steer the merge; they are never stored.
    if (key.startsWith('$')) continue;
    if (value === null) delete out[key];
    else out[key] = strategicMergePatch(out[key], value);
  }
  return out;
}

interface Operation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: Json;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`json patch: invalid path ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, parts: string[]): { parent: Json; last: string } {
  let current: Json = doc;
  for (const part of parts.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(current)
      ? current[Number(part)]
      : isObject(current)
        ? current[part]
        : undefined;
    if (next === undefined) throw failure('Invalid', `json patch: path /${parts.join('/')} does not exist`);
    current = next;
  }
  return { parent: current, last: parts[parts.length - 1] ?? '' };
}

function get(doc: Json, pointer: string): Json {
  const parts = parsePointer(pointer);
  if (parts.length === 0) return doc;
  const { parent, last } = parentOf(doc, parts);
  const value = Array.isArray(parent) ? parent[Number(last)] : isObject(parent) ? parent[last] : undefined;
  if (value === undefined) throw failure('Invalid', `json patch: path ${pointer} does not exist`);
  return value;
}

function remove(doc: Json, pointer: string): Json {
  const { parent, last } = parentOf(doc, parsePointer(pointer));
  if (Array.isArray(parent)) {
    const [removed] = parent.splice(Number(last), 1);
    if (removed === undefined) throw failure('Invalid', `json patch: path ${pointer} does not exist`);
    return removed;
  }
  if (!isObject(parent) || !(last in parent))
    throw failure('Invalid', `json patch: path ${pointer} does not exist`);
  const value = parent[last] as Json;
  delete parent[last];
  return value;
}

function add(doc: Json, pointer: string, value: Json, replace: boolean): Json {
  const parts = parsePointer(pointer);
  if (parts.length === 0) return structuredClone(value);
  const { parent, last } = parentOf(doc, parts);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (replace) parent[index] = structuredClone(value);
    else parent.splice(index, 0, structuredClone(value));
  } else if (isObject(parent)) {
    if (replace && !(last in parent)) throw failure('Invalid', `json patch: path ${pointer} does not exist`);
    parent[last] = structuredClone(value);
  } else {
    throw failure('Invalid', `json patch: path ${pointer} does not exist`);
  }
  return doc;
}

export function jsonPatch(target: unknown, operations: unknown): Json {
  if (!Array.isArray(operations)) throw badRequest('json patch: the body must be a JSON array of operations');
  let doc = structuredClone(target as Json);
  for (const raw of operations as Operation[]) {
    switch (raw.op) {
      case 'add':
        doc = add(doc, raw.path, raw.value ?? null, false);
        break;
      case 'replace':
        doc = add(doc, raw.path, raw.value ?? null, true);
        break;
      case 'remove':
        remove(doc, raw.path);
        break;
      case 'move': {
        const value = remove(doc, raw.from ?? '');
        doc = add(doc, raw.path, value, false);
        break;
      }
      case 'copy':
        doc = add(doc, raw.path, get(doc, raw.from ?? ''), false);
        break;
      case 'test':
        if (JSON.stringify(get(doc, raw.path)) !== JSON.stringify(raw.value)) {
          throw failure('Invalid', `json patch: test failed at ${raw.path}`);
        }
        break;
      default:
        throw badRequest(`json patch: unknown op ${JSON.stringify((raw as { op?: unknown }).op)}`);
    }
  }
  return doc;
}
