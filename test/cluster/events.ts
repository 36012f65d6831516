/**
 * core/v1 Events the way kubelet and the controllers record them: involvedObject, reason,
 * message, type, source, count (a repeat of the same reason and message bumps count and
 * lastTimestamp, as the event correlator does). `kubectl describe` lists them by field selector.
 */
import type { KubeObject } from './resources.js';
import { typeOf } from './resources.js';
import { randomSuffix, timestamp, type ObjectStore } from './store.js';

export type EventType = 'Normal' | 'Warning';

/** At most this many events are kept per namespace; the oldest go first. */
export const EVENTS_PER_NAMESPACE = 1000;

export class EventRecorder {
  private readonly keys = new Map<string, string>();

  constructor(private readonly store: ObjectStore) {}

  record(
    involved: KubeObject,
    type: EventType,
    reason: string,
    message: string,
    component: string,
    fieldPath?: string,
  ): void {
    const events = typeOf('events');
    const namespace = involved.metadata.namespace ?? 'default';
    const dedupe = `${involved.metadata.uid}|${reason}|${message}`;
    const now = timestamp();
    const existingName = this.keys.get(dedupe);
    const existing = existingName ? this.store.get(events, namespace, existingName) : undefined;
    if (existing) {
      existing.count = ((existing.count as number | undefined) ?? 1) + 1;
      existing.lastTimestamp = now;
      this.store.update(events, existing);
      return;
    }
    const name = `${involved.metadata.name}.${Date.now().toString(16)}${randomSuffix(4)}`;
    if (this.keys.size >= 10 * EVENTS_PER_NAMESPACE) this.keys.clear();
    this.keys.set(dedupe, name);
    this.store.create(events, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        name: involved.metadata.name,
        namespace,
        uid: involved.metadata.uid,
        resourceVersion: involved.metadata.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      type,
      source: { component, ...(component === 'kubelet' ? { host: 'test-node' } : {}) },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      reportingComponent: component,
      reportingInstance: component === 'kubelet' ? 'test-node' : '',
    });
    this.prune(namespace);
  }

  private prune(namespace: string): void {
    const events = typeOf('events');
    const all = this.store.list(events, namespace);
    if (all.length <= EVENTS_PER_NAMESPACE) return;
    const oldest = all
      .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
      .slice(0, all.length - EVENTS_PER_NAMESPACE);
    for (const event of oldest) this.store.delete(events, namespace, event.metadata.name ?? '');
  }
}
