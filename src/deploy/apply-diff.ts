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
import { DeployError } from './cluster-error.js';
import { displayName, type KubeCluster, type LiveObject } from './cluster.js';
import { overwrittenFields, SERVER_ANNOTATIONS, SERVER_METADATA, type DriftFinding } from './drift.js';

export interface ObjectDiff {
  /** `Deployment/sentiment-production` */
  readonly object: string;
  readonly action: 'create' | 'update' | 'unchanged';
  /** Unified-style lines (`-` live, `+` planned, ` ` context); empty when unchanged. */
  readonly lines: readonly string[];
  /** Fields the apply takes from another field manager: drift it will overwrite. */
  readonly overwrites?: readonly DriftFinding[];
  /** Without `force` the apply will fail on these fields (an apply conflict). */
  readonly conflict?: boolean;
}

/** The object as the diff shows it: no status, no server bookkeeping. */
export function comparable(object: LiveObject | KubernetesObject | undefined): string[] {
  if (!object) return [];
  const copy = structuredClone(object) as Record<string, unknown> & { metadata?: Record<string, unknown> };
  delete copy.status;
  for (const key of SERVER_METADATA) delete copy.metadata?.[key];
  const annotations = copy.metadata?.annotations as Record<string, string> | undefined;
  for (const key of SERVER_ANNOTATIONS) delete annotations?.[key];
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
    const { planned, conflict } = await plannedObject(cluster, object, options);
    const lines = diffLines(comparable(live), comparable(planned));
    const changed = lines.some((line) => line.startsWith('+') || line.startsWith('-'));
    // The live object is read anyway: who owns what it changes is in its managedFields.
    const overwrites = live
      ? overwrittenFields(name, live as Record<string, unknown>, planned as Record<string, unknown>)
      : [];
    diffs.push({
      object: name,
      action: live ? (changed ? 'update' : 'unchanged') : 'create',
      lines: changed ? lines : [],
      ...(overwrites.length ? { overwrites } : {}),
      ...(conflict ? { conflict } : {}),
    });
  }
  return diffs;
}

/**
 * The dry run of one object. A conflict with another manager is drift the preview must show, not
 * stop at: the object is dry-run again with force to show what the apply would take, and marked.
 */
async function plannedObject(
  cluster: KubeCluster,
  object: KubernetesObject,
  options: DiffOptions,
): Promise<{ planned: LiveObject; conflict: boolean }> {
  const apply = (force: boolean) =>
    applyObject(cluster, object, { force, dryRun: true, logger: options.logger });
  try {
    return { planned: await apply(options.force), conflict: false };
  } catch (error) {
    if (options.force || !(error instanceof DeployError) || error.code !== 'apply-conflict') throw error;
    return { planned: await apply(true), conflict: true };
  }
}

/** The drift the plan overwrites, one line per field, for the plan and the stage's detail. */
export function overwriteLines(diffs: readonly ObjectDiff[]): string[] {
  return diffs.flatMap((d) =>
    (d.overwrites ?? []).map(
      (o) =>
        `${d.conflict ? '!' : '~'} ${d.object} ${o.field}: ${o.live} -> ${o.expected} (owned by ${o.manager}${d.conflict ? '; the apply needs force' : ''})`,
    ),
  );
}

export function diffText(diffs: readonly ObjectDiff[]): string {
  const overwrites = overwriteLines(diffs);
  const drift = overwrites.length
    ? [
        'drift this promotion overwrites (fields another field manager owns now):',
        ...overwrites.map((l) => `  ${l}`),
      ]
        .join('\n')
        .concat('\n')
    : '';
  return (
    drift +
    diffs
      .map((d) =>
        d.action === 'unchanged'
          ? `= ${d.object} (unchanged)`
          : [
              `${d.action === 'create' ? '+' : '~'} ${d.object} (${d.action})`,
              ...d.lines.map((l) => `    ${l}`),
            ].join('\n'),
      )
      .join('\n')
  );
}
