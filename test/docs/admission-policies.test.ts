/**
 * The admission policies of docs/admission.md are valid resources of the controllers they are for:
 * each is created (server-side dry run, strict field validation) on the test cluster's real API
 * server against the CRD each project publishes (Kyverno's ClusterPolicy, the Sigstore
 * policy-controller's ClusterImagePolicy; versions pinned in scripts/test-tools.sh). The
 * controllers themselves are not run: this checks the policies' shape, not their verdicts.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { PROMOTION_PREDICATE_TYPE } from '../../src/attest/promotion-statement.js';
import type { KubeCluster } from '../../src/deploy/cluster.js';
import { sharedPlane } from '../control-plane/shared-plane.js';
import { TOOLS_DIR } from '../control-plane/tools.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- policies are plain YAML */
const REPO = path.resolve(import.meta.dirname, '..', '..');

/** The ```yaml blocks of the page, in order. */
async function yamlBlocks(): Promise<string[]> {
  const markdown = await readFile(path.join(REPO, 'docs', 'admission.md'), 'utf8');
  return [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

async function installCrd(admin: KubeCluster, file: string, group: string, version: string): Promise<void> {
  const text = await readFile(path.join(TOOLS_DIR, 'admission-crds', file), 'utf8');
  const crd = parseAllDocuments(text)
    .map((d) => d.toJS() as any)
    .find((d) => d?.kind === 'CustomResourceDefinition');
  // policy-controller converts between its versions with its own webhook, which does not run here;
  // the schemas are what is checked, so the versions are served side by side without conversion.
  if (crd.spec.conversion?.strategy === 'Webhook') crd.spec.conversion = { strategy: 'None' };
  const res = await admin.request(
    'PATCH',
    `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}?fieldManager=admission-test&force=true`,
    JSON.stringify(crd),
    { 'Content-Type': 'application/apply-patch+yaml' },
  );
  if (res.status >= 300) throw new Error(`${file}: ${res.status} ${res.body.slice(0, 500)}`);
  for (let i = 0; i < 300; i++) {
    if ((await admin.request('GET', `/apis/${group}/${version}`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${file}: ${group}/${version} was not served within 30 s`);
}

/** Creates `object` as a dry run with unknown fields refused: the API server's verdict. */
async function dryRunCreate(admin: KubeCluster, collection: string, object: unknown) {
  return admin.request('POST', `${collection}?dryRun=All&fieldValidation=Strict`, JSON.stringify(object), {
    'Content-Type': 'application/json',
  });
}

let admin: KubeCluster;
let kyverno: any;
let kyvernoKeyEntry: any;
let clusterImagePolicy: any;
const KYVERNO = '/apis/kyverno.io/v1/clusterpolicies';
const POLICY_CONTROLLER = '/apis/policy.sigstore.dev/v1beta1/clusterimagepolicies';

beforeAll(async () => {
  admin = sharedPlane().admin;
  await installCrd(admin, 'kyverno-clusterpolicies.yaml', 'kyverno.io', 'v1');
  await installCrd(admin, 'policy-controller-clusterimagepolicies.yaml', 'policy.sigstore.dev', 'v1beta1');
  const blocks = await yamlBlocks();
  kyverno = parseYaml(blocks.find((b) => b.includes('kind: ClusterPolicy'))!);
  // The key variant is shown as the entry that replaces the keyless one.
  const keyBlock = blocks.find((b) => b.trimStart().startsWith('- keys:'))!;
  kyvernoKeyEntry = (parseYaml(keyBlock) as any[])[0];
  clusterImagePolicy = parseYaml(blocks.find((b) => b.includes('kind: ClusterImagePolicy'))!);
});

describe('docs/admission.md', () => {
  it('Kyverno: the keyless ClusterPolicy is accepted, and asks for our predicate type and the environment', async () => {
    const res = await dryRunCreate(admin, KYVERNO, kyverno);
    expect([res.status, res.body.slice(0, 300)]).toEqual([201, expect.any(String)]);
    const attestation = kyverno.spec.rules[0].verifyImages[0].attestations[0];
    expect(attestation.type).toBe(PROMOTION_PREDICATE_TYPE);
    expect(attestation.conditions[0].all).toContainEqual({
      key: '{{ environment.name }}',
      operator: 'Equals',
      value: 'production',
    });
  });

  it('Kyverno: the key variant is accepted', async () => {
    const withKey = structuredClone(kyverno);
    withKey.metadata.name = 'model-promote-production-key';
    withKey.spec.rules[0].verifyImages[0].attestations[0].attestors[0].entries = [kyvernoKeyEntry];
    const res = await dryRunCreate(admin, KYVERNO, withKey);
    expect([res.status, res.body.slice(0, 300)]).toEqual([201, expect.any(String)]);
  });

  it('policy-controller: the ClusterImagePolicy is accepted, and asks for our predicate type', async () => {
    const res = await dryRunCreate(admin, POLICY_CONTROLLER, clusterImagePolicy);
    expect([res.status, res.body.slice(0, 300)]).toEqual([201, expect.any(String)]);
    const authority = clusterImagePolicy.spec.authorities[0];
    expect(authority.signatureFormat).toBe('bundle');
    expect(authority.attestations[0].predicateType).toBe(PROMOTION_PREDICATE_TYPE);
    expect(authority.attestations[0].policy.data).toContain('environment: name: "production"');
  });

  it('the check can fail: a misspelt field is refused by each CRD', async () => {
    const badKyverno = structuredClone(kyverno);
    badKyverno.spec.rules[0].verifyImages[0].atestations =
      badKyverno.spec.rules[0].verifyImages[0].attestations;
    expect((await dryRunCreate(admin, KYVERNO, badKyverno)).body).toMatch(/unknown field.*atestations/);
    const badPolicy = structuredClone(clusterImagePolicy);
    badPolicy.spec.authorities[0].signatureFormats = 'bundle';
    expect((await dryRunCreate(admin, POLICY_CONTROLLER, badPolicy)).body).toMatch(
      /unknown field.*signatureFormats/,
    );
  });
});
