/**
 * meta.k8s.io/v1 Tables, what `kubectl get` asks for (Accept: ...;as=Table;...): the columns a
 * real server prints for Deployments, ReplicaSets, Pods and Events, NAME/AGE for the rest. Pure
 * but for the clock.
 */
import type { KubeObject, ResourceType } from './resources.js';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const col = (name: string, priority = 0, type = 'string', format = ''): Column => ({
  name,
  type,
  format,
  description: name,
  priority,
});

export function wantsTable(accept: string): boolean {
  return /as=Table/.test(accept);
}

/** `5s`, `3m12s`, `2h`, `4d`: close to kubectl's HumanDuration. */
export function age(since: string | undefined, now = Date.now()): string {
  if (!since) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h` : `${Math.floor(h / 24)}d`;
}

type Getter = (object: KubeObject) => unknown[];

function columns(type: ResourceType): { defs: Column[]; cells: Getter } {
  const name = (o: KubeObject) => o.metadata.name ?? '';
  const created = (o: KubeObject) => age(o.metadata.creationTimestamp);
  const spec = (o: KubeObject) => (o.spec ?? {}) as Record<string, unknown>;
  const status = (o: KubeObject) => (o.status ?? {}) as Record<string, unknown>;
  switch (type.kind) {
    case 'Deployment':
      return {
        defs: [
          col('Name'),
          col('Ready'),
          col('Up-to-date', 0, 'integer'),
          col('Available', 0, 'integer'),
          col('Age'),
          col('Containers', 1),
          col('Images', 1),
        ],
        cells: (o) => {
          const containers =
            (spec(o).template as { spec?: { containers?: Array<{ name: string; image: string }> } })?.spec
              ?.containers ?? [];
          return [
            name(o),
            `${status(o).readyReplicas ?? 0}/${spec(o).replicas ?? 0}`,
            status(o).updatedReplicas ?? 0,
            status(o).availableReplicas ?? 0,
            created(o),
            containers.map((c) => c.name).join(','),
            containers.map((c) => c.image).join(','),
          ];
        },
      };
    case 'ReplicaSet':
      return {
        defs: [
          col('Name'),
          col('Desired', 0, 'integer'),
          col('Current', 0, 'integer'),
          col('Ready', 0, 'integer'),
          col('Age'),
        ],
        cells: (o) => [
          name(o),
          spec(o).replicas ?? 0,
          status(o).replicas ?? 0,
          status(o).readyReplicas ?? 0,
          created(o),
        ],
      };
    case 'Pod':
      return {
        defs: [
          col('Name'),
          col('Ready'),
          col('Status'),
          col('Restarts', 0, 'string'),
          col('Age'),
          col('IP', 1),
          col('Node', 1),
        ],
        cells: (o) => {
          const statuses = (status(o).containerStatuses ?? []) as Array<{
            ready?: boolean;
            restartCount?: number;
            state?: { waiting?: { reason?: string } };
          }>;
          const waiting = statuses.find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason;
          const total = ((spec(o).containers ?? []) as unknown[]).length;
          return [
            name(o),
            `${statuses.filter((c) => c.ready).length}/${total}`,
            waiting ?? status(o).phase ?? 'Pending',
            String(statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0)),
            created(o),
            status(o).podIP ?? '<none>',
            spec(o).nodeName ?? '<none>',
          ];
        },
      };
    case 'Event':
      return {
        defs: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message')],
        cells: (o) => {
          const involved = (o.involvedObject ?? {}) as { kind?: string; name?: string };
          return [
            age(o.lastTimestamp as string | undefined),
            o.type,
            o.reason,
            `${(involved.kind ?? '').toLowerCase()}/${involved.name}`,
            o.message,
          ];
        },
      };
    default:
      return { defs: [col('Name'), col('Age')], cells: (o) => [name(o), created(o)] };
  }
}

export function asTable(type: ResourceType, body: KubeObject | { items: KubeObject[]; metadata: object }) {
  const items = 'items' in body && Array.isArray(body.items) ? body.items : [body as KubeObject];
  const { defs, cells } = columns(type);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata:
      'items' in body ? body.metadata : { resourceVersion: (body as KubeObject).metadata.resourceVersion },
    columnDefinitions: defs,
    rows: items.map((object) => ({
      cells: cells(object),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata },
    })),
  };
}
