import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadCatalog } from './catalog-loader.js';
import { environmentSigningPolicy } from './signing-policy.js';

const EXAMPLE_KEYS = path.join(import.meta.dirname, '../../examples/keys');
const PUBLIC_KEY = await readFile(path.join(EXAMPLE_KEYS, 'example-signing.pub.pem'), 'utf8');
const PRIVATE_KEY = await readFile(path.join(EXAMPLE_KEYS, 'example-signing.key.pem'), 'utf8');

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
      { 'keys/a.pub.pem': PUBLIC_KEY, 'trust/root.json': '{}' },
    );
    const loaded = await loadCatalog('catalog.yaml', dir);
    expect(await environmentSigningPolicy(loaded, 'production')).toEqual({
      environment: 'production',
      keyless: [{ identity: 'ci@example.com', issuer: 'https://accounts.example.com' }],
      trustedRoot: { path: path.join(dir, 'trust/root.json'), written: 'trust/root.json', content: '{}' },
      publicKeys: [
        { path: path.join(dir, 'keys/a.pub.pem'), written: 'keys/a.pub.pem', content: PUBLIC_KEY },
      ],
      certificateChain: [],
    });
  });

  it('is undefined for an environment without a policy', async () => {
    const { dir } = await catalogWith('    signing: { publicKeys: [k.pem] }', { 'k.pem': PUBLIC_KEY });
    expect(await environmentSigningPolicy(await loadCatalog('catalog.yaml', dir), 'staging')).toBeUndefined();
  });

  it.each([
    {
      name: 'a private key as a public key',
      field: 'publicKeys',
      content: PRIVATE_KEY,
      says: 'it holds a PRIVATE key',
    },
    {
      name: 'text as a public key',
      field: 'publicKeys',
      content: 'PEM-A',
      says: 'it is not a PEM public key',
    },
    {
      name: 'a public key as a certificate',
      field: 'certificateChain',
      content: PUBLIC_KEY,
      says: 'it is not a PEM certificate',
    },
  ])('refuses $name, naming the catalog line and the file', async ({ field, content, says }) => {
    const { dir } = await catalogWith(`    signing:\n      ${field}:\n        - keys/k.pem`, {
      'keys/k.pem': content,
    });
    const error = await environmentSigningPolicy(await loadCatalog('catalog.yaml', dir), 'production').catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: 'usage', code: 'invalid-catalog' });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^catalog\\.yaml:7:11: environments\\.production\\.signing\\.${field}\\[0\\]: keys/k\\.pem: ${says}`,
      ),
    );
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
