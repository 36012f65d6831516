/**
 * Label and field selectors, as the `labelSelector` / `fieldSelector` query parameters and the
 * LabelSelector objects of Deployments and ReplicaSets spell them. Pure.
 */
import type { KubeObject } from './resources.js';
import { badRequest } from './status.js';

export type Requirement =
  { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!exists' };

/** Splits on commas that are not inside `( )`. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += char;
  }
  terms.push(current);
  return terms.map((term) => term.trim()).filter(Boolean);
}

/** `a=b,c!=d,e in (x,y),f notin (z),g,!h` -> requirements; anything else is a 400. */
export function parseLabelSelector(text: string): Requirement[] {
  return splitTerms(text).map((term) => {
    let match = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (match) {
      const values = (match[3] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      return { key: match[1] ?? '', op: match[2] as 'in' | 'notin', values };
    }
    match = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s!=]*)$/.exec(term);
    if (match) {
      return { key: match[1] ?? '', op: match[2] === '!=' ? 'notin' : 'in', values: [match[3] ?? ''] };
    }
    match = /^(!?)([^\s!=(),]+)$/.exec(term);
    if (match) return { key: match[2] ?? '', op: match[1] ? '!exists' : 'exists' };
    throw badRequest(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`);
  });
}

export function matchesRequirements(
  labels: Readonly<Record<string, string>> | undefined,
  requirements: readonly Requirement[],
): boolean {
  const l = labels ?? {};
  return requirements.every((r) => {
    const has = Object.hasOwn(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key] as string);
      case 'notin':
        return !has || !r.values.includes(l[r.key] as string);
    }
  });
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }>;
}

/** A LabelSelector object as requirements (an empty selector matches everything). */
export function selectorRequirements(selector: LabelSelector | undefined): Requirement[] {
  const out: Requirement[] = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => ({
    key,
    op: 'in' as const,
    values: [value],
  }));
  for (const e of selector?.matchExpressions ?? []) {
    if (e.operator === 'In') out.push({ key: e.key, op: 'in', values: e.values ?? [] });
    else if (e.operator === 'NotIn') out.push({ key: e.key, op: 'notin', values: e.values ?? [] });
    else if (e.operator === 'Exists') out.push({ key: e.key, op: 'exists' });
    else out.push({ key: e.key, op: '!exists' });
  }
  return out;
}

/** The query-string form of a LabelSelector (`app=x,tier in (a,b)`), as kubectl sends it. */
export function selectorString(selector: LabelSelector | undefined): string {
  return selectorRequirements(selector)
    .map((r) => {
      if (r.op === 'exists') return r.key;
      if (r.op === '!exists') return `!${r.key}`;
      if (r.op !== 'in' && r.op !== 'notin') return '';
      if (r.values.length === 1) return `${r.key}${r.op === 'in' ? '=' : '!='}${r.values[0]}`;
      return `${r.key} ${r.op} (${r.values.join(',')})`;
    })
    .join(',');
}

export interface FieldRequirement {
  path: string;
  value: string;
  equal: boolean;
}

/** `metadata.name=x,involvedObject.kind!=Pod`: any dotted path of the object, compared as a string. */
export function parseFieldSelector(text: string): FieldRequirement[] {
  return splitTerms(text).map((term) => {
    const match = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!match) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    return { path: match[1] ?? '', value: match[3] ?? '', equal: match[2] !== '!=' };
  });
}

function fieldValue(object: KubeObject, path: string): string {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined || current === null ? '' : String(current);
}

export function matchesFields(object: KubeObject, requirements: readonly FieldRequirement[]): boolean {
  return requirements.every((r) => (fieldValue(object, r.path) === r.value) === r.equal);
}
