/**
 * Why a rollout failed, in the pods' own words: their recent events (Warning first) and the tail
 * of their logs. Read once, after the failure; never throws (evidence must not hide the failure).
 */
import { collectionPath, type KubeCluster, type LiveObject } from './cluster.js';
import type { FailureEvidence } from './cluster-error.js';

export interface EvidenceOptions {
  readonly maxEvents?: number;
  readonly logLines?: number;
  readonly maxPods?: number;
}

function eventLine(e: LiveObject): string {
  const ev = e as LiveObject & {
    type?: string;
    reason?: string;
    message?: string;
    count?: number;
    involvedObject?: { kind?: string; name?: string };
  };
  const count = ev.count && ev.count > 1 ? ` (x${ev.count})` : '';
  return `${ev.type ?? ''} ${ev.reason ?? ''} ${ev.involvedObject?.kind ?? ''}/${ev.involvedObject?.name ?? ''}: ${ev.message ?? ''}${count}`.trim();
}

/** Events of the given pods (and of `related` objects), Warning first, then the log tail of the pods. */
export async function collectEvidence(
  cluster: KubeCluster,
  namespace: string,
  pods: readonly LiveObject[],
  related: readonly string[] = [],
  options: EvidenceOptions = {},
): Promise<FailureEvidence> {
  const chosen = pods.slice(0, options.maxPods ?? 3);
  const names = new Set([...chosen.map((p) => p.metadata.name), ...related]);
  let events: string[] = [];
  try {
    const { items } = await cluster.list(collectionPath('v1', 'Event', namespace));
    const relevant = items.filter((e) =>
      names.has((e as { involvedObject?: { name?: string } }).involvedObject?.name ?? ''),
    );
    const warning = (e: LiveObject) => ((e as { type?: string }).type === 'Warning' ? 0 : 1);
    events = relevant
      .sort((a, b) => warning(a) - warning(b))
      .slice(0, options.maxEvents ?? 12)
      .map(eventLine);
  } catch (error) {
    events = [`(events unavailable: ${error instanceof Error ? error.message : String(error)})`];
  }
  const logTail: string[] = [];
  for (const pod of chosen) {
    const tail = await cluster.logTail(namespace, pod.metadata.name, options.logLines ?? 10);
    for (const line of tail.split('\n').filter(Boolean)) logTail.push(`${pod.metadata.name}: ${line}`);
  }
  return { events, logTail };
}

/** Pods that are not ready, then the others: the interesting ones first. */
export function unreadyFirst(pods: readonly LiveObject[]): LiveObject[] {
  const ready = (p: LiveObject) =>
    (
      (p.status as { conditions?: Array<{ type?: string; status?: string }> } | undefined)?.conditions ?? []
    ).some((c) => c.type === 'Ready' && c.status === 'True');
  return [...pods].sort((a, b) => Number(ready(a)) - Number(ready(b)));
}
