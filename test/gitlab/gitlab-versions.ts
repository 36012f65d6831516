/**
 * The GitLab version each keyword the component could use arrived in, from the history notes of
 * docs.gitlab.com (ci/yaml, ci/inputs, ci/components), so a test can say which GitLab a template
 * needs. Only what a component template can touch is listed; a keyword not listed is older than
 * 17.0 (resource_group 12.7, artifacts:reports:dotenv 12.9, environment:deployment_tier 13.10).
 */

/** The oldest GitLab the component supports: CI/CD components and `spec:inputs` became generally available. */
export const MINIMUM_GITLAB = '17.0';

interface Header {
  spec?: { inputs?: Record<string, object | null>; [key: string]: unknown };
}

interface Feature {
  readonly name: string;
  readonly since: string;
  readonly uses: (header: Header, body: string) => boolean;
}

const inputs = (header: Header) =>
  Object.values(header.spec?.inputs ?? {}).map((input) => (input ?? {}) as Record<string, unknown>);

export const FEATURES: readonly Feature[] = [
  { name: 'include:component and spec:inputs (generally available)', since: '17.0', uses: () => true },
  { name: 'spec:inputs:regex', since: '16.5', uses: (h) => inputs(h).some((i) => 'regex' in i) },
  { name: 'spec:inputs:options', since: '16.6', uses: (h) => inputs(h).some((i) => 'options' in i) },
  { name: 'spec:inputs:type array', since: '16.11', uses: (h) => inputs(h).some((i) => i.type === 'array') },
  {
    name: 'environment:kubernetes:agent',
    since: '17.6',
    uses: (_h, body) => /^\s+kubernetes:\s*$/m.test(body),
  },
  { name: 'spec:include', since: '18.6', uses: (h) => h.spec?.include !== undefined },
  {
    name: 'spec:component and $[[ component.* ]]',
    since: '18.6',
    uses: (h, body) => h.spec?.component !== undefined || body.includes('$[[ component.'),
  },
  { name: 'spec:inputs:rules', since: '18.7', uses: (h) => inputs(h).some((i) => 'rules' in i) },
  { name: 'spec:description', since: '18.10', uses: (h) => h.spec?.description !== undefined },
];

function newer(a: string, b: string): boolean {
  const [am, an] = a.split('.').map(Number) as [number, number];
  const [bm, bn] = b.split('.').map(Number) as [number, number];
  return am !== bm ? am > bm : an > bn;
}

/** The GitLab a template needs, and the features that decide it. */
export function requiredGitlab(header: Header, body: string): { version: string; because: string[] } {
  const used = FEATURES.filter((feature) => feature.uses(header, body));
  const version = used.reduce((max, feature) => (newer(feature.since, max) ? feature.since : max), '0.0');
  return { version, because: used.filter((feature) => feature.since === version).map((f) => f.name) };
}
