/**
 * Waiting on the cluster by WATCHING, never by sleeping: LIST each collection, then WATCH it from
 * the list's resourceVersion, keep a cache of the objects, and re-evaluate a condition on every
 * event. As an informer does: a watch that ends is resumed from the last resourceVersion seen; a
 * 410 Gone (that version is no longer in the server's window) lists again; a server that does not
 * answer for a while (an API server restart, a load balancer switching) is retried with back-off
 * until the deadline, and each break is reported once.
 */
import { httpCodeOf } from './cluster-error.js';
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
  /** Told when a watch broke or had to list again, and why (a log line). */
  readonly onInterruption?: (message: string) => void;
}

/** Failures worth retrying: no answer, a 5xx, 429, 410. A 401, 403 or 404 will not go away. */
function transient(error: unknown): boolean {
  const code = httpCodeOf(error);
  return code === undefined || code === 0 || code === 410 || code === 429 || code >= 500;
}

const BACKOFF_MS = [100, 200, 400, 800, 1600, 2000];

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
    const failures = targets.map(() => 0);
    /** LIST (when there is no version to resume from) and WATCH one target; on its end, again. */
    const run = async (index: number, from: string | undefined): Promise<void> => {
      const target = targets[index]!;
      const query = {
        ...(target.labelSelector ? { labelSelector: target.labelSelector } : {}),
        ...(target.fieldSelector ? { fieldSelector: target.fieldSelector } : {}),
      };
      let resourceVersion = from;
      const cache = caches[index]!;
      if (resourceVersion === undefined) {
        const list = await cluster.list(target.path, query);
        if (settled) return;
        cache.clear();
        for (const item of list.items) cache.set(item.metadata.name, item);
        resourceVersion = list.resourceVersion;
        if (!listedOnce[index]) {
          listedOnce[index] = true;
          listed++;
        }
        evaluate();
        if (settled) return;
      }
      let gone = false;
      let seen = resourceVersion;
      controllers[index] = await cluster.watch(
        target.path,
        { ...query, resourceVersion, allowWatchBookmarks: true },
        (type, object) => {
          failures[index] = 0;
          if (type === 'ERROR') {
            gone ||= (object as unknown as { code?: number })?.code === 410;
            return;
          }
          if (object?.metadata?.resourceVersion) seen = object.metadata.resourceVersion;
          if (type === 'BOOKMARK' || !object?.metadata?.name) return;
          if (type === 'DELETED') cache.delete(object.metadata.name);
          else cache.set(object.metadata.name, object);
          evaluate();
        },
        (error: unknown) => {
          if (settled) return;
          if (gone || httpCodeOf(error) === 410) {
            options.onInterruption?.(
              `watch of ${target.path}: resourceVersion ${seen} is gone (410): listing again`,
            );
            retry(index, undefined, 0);
          } else if (error) {
            retry(index, seen, undefined, error);
          } else {
            // The server ended the watch (its timeout): resume where it stopped.
            retry(index, seen, 0);
          }
        },
      );
      if (settled) controllers[index]?.abort();
    };
    const listedOnce = targets.map(() => false);
    const retry = (index: number, from: string | undefined, delayMs?: number, error?: unknown) => {
      if (settled) return;
      const attempt = failures[index] ?? 0;
      failures[index] = attempt + 1;
      if (error !== undefined) {
        if (!transient(error)) return finish({ error });
        if (attempt === 0) {
          const why = error instanceof Error ? error.message : String(error);
          options.onInterruption?.(
            `watch of ${targets[index]!.path} broke (${why.split('\n')[0]}): retrying`,
          );
        }
      }
      const wait = delayMs ?? BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]!;
      setTimeout(() => {
        run(index, from).catch((thrown: unknown) => retry(index, from, undefined, thrown));
      }, wait).unref();
    };

    deadline = setTimeout(() => finish({ error: options.onTimeout(caches) }), options.timeoutMs);
    if (options.tick) {
      const { everyMs, run } = options.tick;
      tick = setInterval(() => {
        if (!settled && listed === targets.length) run(caches);
      }, everyMs);
    }
    // The cluster answered the applies just before: a first LIST that fails is an outage too.
    targets.forEach((_, index) => {
      run(index, undefined).catch((error: unknown) => retry(index, undefined, undefined, error));
    });
  });
}
