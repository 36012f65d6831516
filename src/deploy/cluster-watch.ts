/**
 * Waiting on the cluster by WATCHING, never by sleeping: LIST each collection, then WATCH it from
 * the list's resourceVersion, keep a cache of the objects, and re-evaluate a condition on every
 * event. A watch the server ends is resumed (re-LIST, re-WATCH: that also covers 410 Gone).
 */
import type { KubeCluster, LiveObject } from './cluster.js';

export interface WatchTarget {
  readonly path: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

/** The objects of one watched collection, by name (namespaced paths only). */
export type Cache = ReadonlyMap<string, LiveObject>;

export interface WatchUntilOptions {
  readonly timeoutMs: number;
  /** Builds the error thrown when timeoutMs passes (gets the caches, to say what was seen). */
  readonly onTimeout: (caches: readonly Cache[]) => Error;
  /** Called every `everyMs` while waiting (progress lines); not a poll: it only reads the caches. */
  readonly tick?: { readonly everyMs: number; readonly run: (caches: readonly Cache[]) => void };
}

/**
 * Resolves with the first non-undefined value `check` returns (it may also throw to fail),
 * evaluated after the initial LISTs and after every WATCH event.
 */
export function watchUntil<T>(
  cluster: KubeCluster,
  targets: readonly WatchTarget[],
  check: (caches: readonly Cache[]) => T | undefined,
  options: WatchUntilOptions,
): Promise<T> {
  const caches = targets.map(() => new Map<string, LiveObject>());
  const controllers: Array<AbortController | undefined> = targets.map(() => undefined);
  let listed = 0;
  let settled = false;
  let tick: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;

  return new Promise<T>((resolve, reject) => {
    const finish = (outcome: { value: T } | { error: unknown }) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearInterval(tick);
      for (const controller of controllers) controller?.abort();
      if ('value' in outcome) resolve(outcome.value);
      else reject(outcome.error);
    };
    const evaluate = () => {
      if (settled || listed < targets.length) return;
      try {
        const value = check(caches);
        if (value !== undefined) finish({ value });
      } catch (error) {
        finish({ error });
      }
    };
    const start = async (index: number, first: boolean): Promise<void> => {
      const target = targets[index]!;
      const query = {
        ...(target.labelSelector ? { labelSelector: target.labelSelector } : {}),
        ...(target.fieldSelector ? { fieldSelector: target.fieldSelector } : {}),
      };
      const { items, resourceVersion } = await cluster.list(target.path, query);
      if (settled) return;
      const cache = caches[index]!;
      cache.clear();
      for (const item of items) cache.set(item.metadata.name, item);
      if (first) listed++;
      evaluate();
      if (settled) return;
      controllers[index] = await cluster.watch(
        target.path,
        { ...query, resourceVersion, allowWatchBookmarks: true },
        (type, object) => {
          if (type === 'BOOKMARK' || type === 'ERROR' || !object?.metadata?.name) return;
          if (type === 'DELETED') cache.delete(object.metadata.name);
          else cache.set(object.metadata.name, object);
          evaluate();
        },
        () => {
          if (settled) return;
          // The server ended the watch (timeout, 410 Gone, connection lost): list and watch again.
          setTimeout(() => start(index, false).catch((error: unknown) => finish({ error })), 100).unref();
        },
      );
      if (settled) controllers[index]?.abort();
    };

    deadline = setTimeout(() => finish({ error: options.onTimeout(caches) }), options.timeoutMs);
    if (options.tick) {
      const { everyMs, run } = options.tick;
      tick = setInterval(() => {
        if (!settled && listed === targets.length) run(caches);
      }, everyMs);
    }
    targets.forEach((_, index) => {
      start(index, true).catch((error: unknown) => finish({ error }));
    });
  });
}
