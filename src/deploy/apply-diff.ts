/**
 * `--dry-run` against a cluster: each object is applied with server-side dry run (the server's
 * defaults, admission and validation included, nothing stored) and compared with the live object.
 * The diff is of YAML lines, with the fields only the server keeps (managedFields, resourceVersion,
 * uid, timestamps, status) left out.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
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

/** A line diff (LCS), with `context` unchanged lines kept around each change. */
export function diffLines(before: readonly string[], after: readonly string[], context = 3): string[] {
  const n = before.length;
  const m = after.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] =
        before[i] === after[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      ops.push(`  ${before[i]}`);
      i++;
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) ops.push(`+ ${after[j++]}`);
    else ops.push(`- ${before[i++]}`);
  }
  const keep = ops.map(() => false);
  ops.forEach((op, k) => {
    if (op.startsWith('  ')) return;
    for (let c = Math.max(0, k - context); c <= Math.min(ops.length - 1, k + context); c++) keep[c] = true;
  });
  const out: string[] = [];
  let skipped = false;
  ops.forEach((op, k) => {
    if (keep[k]) {
      if (skipped) out.push('  ...');
      skipped = false;
      out.push(op);
    } else skipped = true;
  });
  return out;
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
