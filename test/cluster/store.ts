/**
 * The in-memory object store: one resourceVersion counter for everything (like etcd's revision),
 * uid/creationTimestamp/generation bookkeeping, and a bounded log of changes that watches replay
 * from a resourceVersion (older than the log -> 410 Gone, as a compacted etcd answers).
 *
 * Objects go in and come out as deep copies: nobody outside holds a live reference.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject, ResourceType } from './resources.js';
import { apiVersionOf } from './resources.js';
import { alreadyExists, conflict, failure, MODIFIED, notFound } from './status.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly type: WatchEventType;
  readonly resource: ResourceType;
  readonly object: KubeObject;
  readonly resourceVersion: number;
}

export type StoreListener = (event: StoreEvent) => void;

/** How many changes are kept for watches that resume from a resourceVersion. */
export const EVENT_LOG_LIMIT = 5000;

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** RFC 3339 in whole seconds, the form metav1.Time marshals to. */
export function timestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function key(resource: ResourceType, namespace: string | undefined, name: string): string {
  return `${apiVersionOf(resource)}/${resource.plural}/${resource.namespaced ? (namespace ?? '') : ''}/${name}`;
}

export class ObjectStore {
  private revision = 1;
  /** The newest resourceVersion dropped from the log: watches must start at or after it. */
  private compacted = 0;
  private readonly objects = new Map<string, { resource: ResourceType; object: KubeObject }>();
  private readonly log: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();

  /** The current resourceVersion, as LIST returns it in metadata.resourceVersion. */
  get resourceVersion(): string {
    return String(this.revision);
  }

  get(resource: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const entry = this.objects.get(key(resource, namespace, name));
    return entry ? clone(entry.object) : undefined;
  }

  /** Like get, but a missing object is the server's 404. */
  read(resource: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const object = this.get(resource, namespace, name);
    if (!object) throw notFound(resource, name);
    return object;
  }

  list(resource: ResourceType, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const entry of this.objects.values()) {
      if (entry.resource !== resource) continue;
      if (namespace !== undefined && resource.namespaced && entry.object.metadata.namespace !== namespace)
        continue;
      out.push(clone(entry.object));
    }
    return out.sort((a, b) =>
      `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(
        `${b.metadata.namespace ?? ''}/${b.metadata.name}`,
      ),
    );
  }

  /** Stores a new object: uid, creationTimestamp, resourceVersion and (for some types) generation 1. */
  create(resource: ResourceType, input: KubeObject): KubeObject {
    const object = clone(input);
    const meta = object.metadata;
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    const name = meta.name ?? '';
    const k = key(resource, meta.namespace, name);
    if (this.objects.has(k)) throw alreadyExists(resource, name);
    object.apiVersion = apiVersionOf(resource);
    object.kind = resource.kind;
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp();
    if (resource.generation) meta.generation = 1;
    else delete meta.generation;
    meta.resourceVersion = String(++this.revision);
    this.objects.set(k, { resource, object });
    this.emit('ADDED', resource, object);
    return clone(object);
  }

  /**
   * Replaces a stored object. A resourceVersion in the input must match the stored one
   * (optimistic concurrency: 409 Conflict otherwise); uid and creationTimestamp are kept;
   * generation goes up when spec changed. An unchanged object is not written again.
   */
  update(resource: ResourceType, input: KubeObject): KubeObject {
    const object = clone(input);
    const meta = object.metadata;
    const name = meta.name ?? '';
    const k = key(resource, meta.namespace, name);
    const entry = this.objects.get(k);
    if (!entry) throw notFound(resource, name);
    const old = entry.object;
    if (meta.resourceVersion && meta.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(resource, name, MODIFIED);
    }
    if (meta.uid && meta.uid !== old.metadata.uid) {
      throw conflict(
        resource,
        name,
        `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    }
    object.apiVersion = old.apiVersion;
    object.kind = old.kind;
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    meta.resourceVersion = old.metadata.resourceVersion;
    if (resource.generation) {
      const specChanged = JSON.stringify(object.spec) !== JSON.stringify(old.spec);
      meta.generation = (old.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    } else {
      delete meta.generation;
    }
    if (JSON.stringify(object) === JSON.stringify(old)) return clone(old);
    meta.resourceVersion = String(++this.revision);
    this.objects.set(k, { resource, object });
    this.emit('MODIFIED', resource, object);
    return clone(object);
  }

  delete(resource: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const k = key(resource, namespace, name);
    const entry = this.objects.get(k);
    if (!entry) throw notFound(resource, name);
    this.objects.delete(k);
    const object = entry.object;
    object.metadata.resourceVersion = String(++this.revision);
    this.emit('DELETED', resource, object);
    return clone(object);
  }

  /**
   * Changes since `resourceVersion` (exclusive) for one type, then every later change through
   * `listener` until the returned function is called.
   */
  subscribe(
    resource: ResourceType,
    resourceVersion: number,
    listener: StoreListener,
  ): { replay: StoreEvent[]; unsubscribe: () => void } {
    if (resourceVersion < this.compacted) {
      throw failure('Gone', `too old resource version: ${resourceVersion} (${this.compacted})`);
    }
    const replay = this.log
      .filter((event) => event.resource === resource && event.resourceVersion > resourceVersion)
      .map((event) => ({ ...event, object: clone(event.object) }));
    const filtered: StoreListener = (event) => {
      if (event.resource === resource) listener({ ...event, object: clone(event.object) });
    };
    this.listeners.add(filtered);
    return { replay, unsubscribe: () => this.listeners.delete(filtered) };
  }

  /** Every change of every type, for the controller. */
  onChange(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(type: WatchEventType, resource: ResourceType, object: KubeObject): void {
    const event: StoreEvent = { type, resource, object: clone(object), resourceVersion: this.revision };
    this.log.push(event);
    if (this.log.length > EVENT_LOG_LIMIT) {
      const dropped = this.log.splice(0, this.log.length - EVENT_LOG_LIMIT);
      this.compacted = dropped[dropped.length - 1]?.resourceVersion ?? this.compacted;
    }
    for (const listener of [...this.listeners]) listener(event);
  }
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Five characters from the alphabet Kubernetes uses for generated names. */
export function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)];
  return out;
}

/** A stable short hash in the same alphabet (pod-template-hash). */
export function safeHash(text: string, length = 10): string {
  let h = 0x811c9dc5;
  let out = '';
  for (let round = 0; out.length < length; round++) {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ round, 0x01000193) >>> 0;
    out += SUFFIX_ALPHABET[h % SUFFIX_ALPHABET.length];
  }
  return out;
}
