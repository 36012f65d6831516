/**
 * `--dry-run` against a cluster: each object is applied with server-side dry run (the server's
 * defaults, admission and validation included, nothing stored) and compared with the live object.
 * The diff is of YAML lines, with the fields only the server keeps (managedFields, resourceVersion,
 * uid, timestamps, status) left out.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { structuredPatch } from 'diff';
import { stringify } from 'yaml';
import type { Logger } from '../logger.js';
import { applyObject } from './apply.js';
import { displayName, type KubeCluster, type LiveObject } from './cluster.js';

export interface ObjectDiff {
  /** `Deployment/sentiment-production` */
  readonly object: string;
  readonly action: 'create' | 'update' | 'unchanged';
  /** Unified-style lines (`-` live, `+` planned, ` ` context); empty when unchanged. */
  readonly lines: readonly string[];
}

const SERVER_FIELDS = [
  'managedFields',
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'generation',
  'selfLink',
];

/** The object as the diff shows it: no status, no server bookkeeping. */
export function comparable(object: LiveObject | KubernetesObject | undefined): string[] {
  if (!object) return [];
  const copy = structuredClone(object) as Record<string, unknown> & { metadata?: Record<string, unknown> };
  delete copy.status;
  for (const key of SERVER_FIELDS) delete copy.metadata?.[key];
  const annotations = copy.metadata?.annotations as Record<string, string> | undefined;
  if (annotations) delete annotations['deployment.kubernetes.io/revision'];
  return stringify(copy, { lineWidth: 0, sortMapEntries: true })
    .split('\n')
    .filter((line) => line !== '');
}

/**
 * A line diff (jsdiff's Myers diff), with `context` unchanged lines kept around each change and
 * `...` where unchanged lines were left out.
 */
export function diffLines(before: readonly string[], after: readonly string[], context = 3): string[] {
  const text = (lines: readonly string[]) => lines.map((line) => `${line}\n`).join('');
  const { hunks } = structuredPatch('live', 'planned', text(before), text(after), undefined, undefined, {
    context,
  });
  return hunks.flatMap((hunk, i) => [
    ...(i > 0 || hunk.oldStart > 1 || hunk.newStart > 1 ? ['  ...'] : []),
    ...hunk.lines.map((line) => `${line[0] === ' ' ? ' ' : line[0]} ${line.slice(1)}`),
  ]);
}

export interface DiffOptions {
  readonly force: boolean;
  readonly logger: Logger;
}

/**
 * Server-side dry run of every object, compared with the live ones. For the plan: the lead calls
 * it under `--dry-run` when a cluster is configured, and prints `diffText(result)`.
 */
export async function dryRunDiff(
  cluster: KubeCluster,
  objects: readonly KubernetesObject[],
  options: DiffOptions,
): Promise<ObjectDiff[]> {
  const diffs: ObjectDiff[] = [];
  for (const object of objects) {
    const name = displayName(object);
    const live = await cluster.read({
      apiVersion: object.apiVersion ?? '',
      kind: object.kind ?? '',
      metadata: {
        name: object.metadata?.name ?? '',
        ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}),
      },
    });
    const planned = await applyObject(cluster, object, {
      force: options.force,
      dryRun: true,
      logger: options.logger,
    });
    const lines = diffLines(comparable(live), comparable(planned));
    const changed = lines.some((line) => line.startsWith('+') || line.startsWith('-'));
    diffs.push({
      object: name,
      action: live ? (changed ? 'update' : 'unchanged') : 'create',
      lines: changed ? lines : [],
    });
  }
  return diffs;
}

export function diffText(diffs: readonly ObjectDiff[]): string {
  return diffs
    .map((d) =>
      d.action === 'unchanged'
        ? `= ${d.object} (unchanged)`
        : [
            `${d.action === 'create' ? '+' : '~'} ${d.object} (${d.action})`,
            ...d.lines.map((l) => `    ${l}`),
          ].join('\n'),
    )
    .join('\n');
}
