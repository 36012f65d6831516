/**
 * GitLab's CI JSON schema (app/assets/javascripts/editor/schema/ci.json), as gitlab-ci-local ships
 * it: bundled into its dist/index.js, where it validates every expanded pipeline. gitlab-ci-local
 * does not validate a template's `spec` header, so the tests read the schema from the bundle to
 * check the header against it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface CiSchema {
  properties: { spec: { properties: Record<string, unknown>; additionalProperties: boolean } };
  definitions: { baseInput: { properties: Record<string, { enum?: string[]; maxLength?: number }> } };
}

const repo = path.resolve(import.meta.dirname, '../..');

export function gitlabCiSchema(): CiSchema {
  const bundle = readFileSync(path.join(repo, 'node_modules/gitlab-ci-local/dist/index.js'), 'utf8');
  const marker = '$id:"https://gitlab.com/.gitlab-ci.yml"';
  const at = bundle.indexOf(marker);
  if (at < 0)
    throw new Error(
      'gitlab-ci-local no longer bundles the schema with $id https://gitlab.com/.gitlab-ci.yml',
    );
  // The schema is one object literal of JSON values: find its braces, skipping strings.
  const start = bundle.lastIndexOf('{', at);
  let depth = 0;
  let end = start;
  for (; end < bundle.length; end++) {
    const c = bundle[end];
    if (c === '"') {
      for (end++; bundle[end] !== '"'; end++) if (bundle[end] === '\\') end++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) break;
  }
  // Keys are unquoted in the bundle, so it is a JavaScript literal rather than JSON.
  return new Function(`return ${bundle.slice(start, end + 1)}`)() as CiSchema;
}
