/**
 * Kubernetes label-selector matching over model labels, plus Gt/Ge/Lt/Le on numbers and quantities.
 * Pure. Semantics follow k8s.io/apimachinery `labels.Selector`: `matchLabels` and
 * `matchExpressions` are ANDed; an empty selector matches every model; `NotIn` and `DoesNotExist`
 * hold when the label is absent; `In`, `Exists` and the comparisons need the label present.
 */
import type { Requirement, Selector } from './catalog-schema.js';
import { compareQuantities, parseQuantity } from './quantity.js';

export type Labels = Readonly<Record<string, string>>;

/** The first requirement a model's labels do not meet, said for a human. */
export interface UnmetRequirement {
  /** The requirement as written, e.g. `gpu-memory Le 80Gi` or `accelerator=nvidia`. */
  readonly requirement: string;
  /** Why it fails, e.g. `label gpu-memory=96Gi is not <= 80Gi`. */
  readonly reason: string;
}

export type SelectorResult =
  | { readonly matched: true; readonly requirements: number }
  | { readonly matched: false; readonly requirements: number; readonly unmet: UnmetRequirement };

const SYMBOL = { Gt: '>', Ge: '>=', Lt: '<', Le: '<=' } as const;

/** How many requirements a selector states: its specificity, used to break priority ties. */
export function countRequirements(selector: Selector): number {
  return Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions?.length ?? 0);
}

/** A requirement as one short line: `accelerator In [nvidia]`, `gpu-memory > 24Gi`, `runtime`. */
export function describeRequirement(requirement: Requirement): string {
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In':
    case 'NotIn':
      return `${requirement.key} ${requirement.operator} [${values.join(', ')}]`;
    case 'Exists':
      return `${requirement.key} Exists`;
    case 'DoesNotExist':
      return `${requirement.key} DoesNotExist`;
    case 'Gt':
    case 'Ge':
    case 'Lt':
    case 'Le':
      return `${requirement.key} ${SYMBOL[requirement.operator]} ${values[0] ?? ''}`;
  }
}

/** Evaluates one requirement; `undefined` when it holds, else the reason it does not. */
export function unmetReason(requirement: Requirement, labels: Labels): string | undefined {
  const { key, operator } = requirement;
  const values = requirement.values ?? [];
  const present = Object.hasOwn(labels, key);
  const value = present ? labels[key] : undefined;
  const missing = `label ${key} is missing (needs ${describeRequirement(requirement).slice(key.length + 1)})`;
  switch (operator) {
    case 'In':
      if (value === undefined) return missing;
      return values.includes(value) ? undefined : `label ${key}=${value} is not in [${values.join(', ')}]`;
    case 'NotIn':
      if (value === undefined) return undefined;
      return values.includes(value)
        ? `label ${key}=${value} is in [${values.join(', ')}] (needs NotIn)`
        : undefined;
    case 'Exists':
      return present ? undefined : `label ${key} is missing (needs Exists)`;
    case 'DoesNotExist':
      return present ? `label ${key}=${value ?? ''} is present (needs DoesNotExist)` : undefined;
    case 'Gt':
    case 'Ge':
    case 'Lt':
    case 'Le':
      return compare(operator, key, value, values[0] ?? '', missing);
  }
}

function compare(
  operator: 'Gt' | 'Ge' | 'Lt' | 'Le',
  key: string,
  value: string | undefined,
  bound: string,
  missing: string,
): string | undefined {
  if (value === undefined) return missing;
  const symbol = SYMBOL[operator];
  const left = parseQuantity(value);
  if (!left) return `label ${key}=${value} is not a number or quantity (needs ${symbol} ${bound})`;
  const right = parseQuantity(bound);
  if (!right) return `requirement ${key} ${symbol} ${bound}: ${bound} is not a number or quantity`;
  const order = compareQuantities(left, right);
  const holds =
    operator === 'Gt'
      ? order > 0
      : operator === 'Ge'
        ? order >= 0
        : operator === 'Lt'
          ? order < 0
          : order <= 0;
  return holds ? undefined : `label ${key}=${value} is not ${symbol} ${bound}`;
}

/** Matches labels against a selector, reporting the FIRST unmet requirement in written order. */
export function matchSelector(selector: Selector, labels: Labels): SelectorResult {
  const requirements = countRequirements(selector);
  for (const [key, expected] of Object.entries(selector.matchLabels ?? {})) {
    const value = Object.hasOwn(labels, key) ? labels[key] : undefined;
    if (value === expected) continue;
    const requirement = `${key}=${expected}`;
    const reason =
      value === undefined
        ? `label ${key} is missing (needs ${requirement})`
        : `label ${key}=${value} is not ${expected} (needs ${requirement})`;
    return { matched: false, requirements, unmet: { requirement, reason } };
  }
  for (const expression of selector.matchExpressions ?? []) {
    const reason = unmetReason(expression, labels);
    if (reason !== undefined) {
      return {
        matched: false,
        requirements,
        unmet: { requirement: describeRequirement(expression), reason },
      };
    }
  }
  return { matched: true, requirements };
}
