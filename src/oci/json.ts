/**
 * JSON with object keys sorted (code-unit order) at every level and no whitespace: the same value
 * always gives the same bytes, whatever order its keys were added in. `undefined` members are
 * dropped, as JSON.stringify does.
 */
export function stableJson(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(sortKeys(value)), 'utf8');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) sorted[key] = sortKeys(member);
    }
    return sorted;
  }
  return value;
}
