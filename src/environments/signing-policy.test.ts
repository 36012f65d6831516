import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadCatalog } from './catalog-loader.js';
import { environmentSigningPolicy } from './signing-policy.js';

async function catalogWith(signing: string, files: Record<string, string>): Promise<{ dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'signing-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  await writeFile(
    path.join(dir, 'catalog.yaml'),
    `apiVersion: model-promote/v1
kind: ComputeCatalog
environments:
  production:
${signing}
    pools: [{ name: p, image: { base: { default: scratch } } }]
  staging:
    pools: [{ name: p, image: { base: { default: scratch } } }]
`,
  );
  return { dir };
}

describe('environmentSigningPolicy', () => {
  it('reads the trust material named by the policy, relative to the catalog', async () => {
    const { dir } = await catalogWith(
      `    signing:
      keyless: [{ identity: ci@example.com, issuer: https://accounts.example.com }]
      trustedRoot: trust/root.json
      publicKeys: [keys/a.pub.pem]`,
      { 'keys/a.pub.pem': 'PEM-A', 'trust/root.json': '{}' },
    );
    const loaded = await loadCatalog('catalog.yaml', dir);
    expect(await environmentSigningPolicy(loaded, 'production')).toEqual({
      environment: 'production',
      keyless: [{ identity: 'ci@example.com', issuer: 'https://accounts.example.com' }],
      trustedRoot: { path: path.join(dir, 'trust/root.json'), written: 'trust/root.json', content: '{}' },
      publicKeys: [{ path: path.join(dir, 'keys/a.pub.pem'), written: 'keys/a.pub.pem', content: 'PEM-A' }],
      certificateChain: [],
    });
  });

  it('is undefined for an environment without a policy', async () => {
    const { dir } = await catalogWith('    signing: { publicKeys: [k.pem] }', { 'k.pem': 'K' });
    expect(await environmentSigningPolicy(await loadCatalog('catalog.yaml', dir), 'staging')).toBeUndefined();
  });

  it('points at the catalog line of a missing key file', async () => {
    const { dir } = await catalogWith('    signing:\n      publicKeys:\n        - keys/missing.pem', {});
    const loaded = await loadCatalog('catalog.yaml', dir);
    const error = await environmentSigningPolicy(loaded, 'production').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'usage', code: 'invalid-catalog' });
    expect((error as Error).message).toMatch(
      /^catalog\.yaml:7:11: environments\.production\.signing\.publicKeys\[0\]: keys\/missing\.pem: not found \(resolved to /,
    );
  });

  it('refuses an unknown environment', async () => {
    const { dir } = await catalogWith('', {});
    await expect(
      environmentSigningPolicy(await loadCatalog('catalog.yaml', dir), 'prod'),
    ).rejects.toMatchObject({
      code: 'unknown-environment',
    });
  });
});
