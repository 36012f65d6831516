import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { parsePromotionInputs, secretValues, type InputName } from '../inputs.js';
import { sigstoreTokenSource } from '../platform/sigstore-token.js';
import { chooseAttestationSigner } from './choose-signer.js';

const KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const REQUIRED = { registry: 'r', model: 'm', environment: 'production' };

function inputs(given: Partial<Record<InputName, string>>) {
  const all: Partial<Record<InputName, string>> = { ...REQUIRED, ...given };
  return parsePromotionInputs((name) => all[name], {});
}

describe('chooseAttestationSigner', () => {
  it('signs nothing unless attest is on', async () => {
    await expect(chooseAttestationSigner(inputs({}), undefined, '/')).resolves.toBeUndefined();
  });

  it('signs with attest-key when given', async () => {
    const chosen = await chooseAttestationSigner(
      inputs({ attest: 'true', 'attest-key': KEY }),
      undefined,
      '/',
    );
    expect(chosen?.method).toBe('key');
    const bundle = (await chosen!.sign(Buffer.from('{}'))) as { verificationMaterial: object };
    expect(bundle.verificationMaterial).toHaveProperty('publicKey.hint');
  });

  it.each([
    {
      name: 'GitHub without id-token: write',
      source: {
        available: false,
        howToEnable: 'grant the job `permissions: id-token: write`',
        fetch: () => Promise.reject(new Error('unreachable')),
      },
      fix: /id-token: write/,
    },
    {
      name: 'GitLab without id_tokens',
      source: sigstoreTokenSource({ platform: 'gitlab', env: {}, mask: () => undefined }),
      fix: /id_tokens: \{ SIGSTORE_ID_TOKEN: \{ aud: sigstore \} \}.*attest-key/,
    },
  ])('refuses keyless on $name: a usage error naming the permission', async ({ source, fix }) => {
    await expect(chooseAttestationSigner(inputs({ attest: 'true' }), source, '/')).rejects.toMatchObject({
      kind: 'usage',
      message: 'attest is on, with no attest-key and no OIDC identity token for keyless signing',
      hint: expect.stringMatching(fix),
    });
  });

  it('refuses attest-key without attest, and a key that is not one, never quoting it', async () => {
    expect(() => inputs({ 'attest-key': KEY })).toThrow('attest-key is given but attest is false');
    const junk = 'ZmFrZS1zZWNyZXQtdmFsdWUtdGhhdC1pcy1ub3QtYS1rZXk=';
    const error = await chooseAttestationSigner(
      inputs({ attest: 'true', 'attest-key': junk }),
      undefined,
      '/',
    ).catch((e: unknown) => e as Error);
    expect(error).toMatchObject({
      kind: 'usage',
      message: 'attest-key is neither a PEM private key nor a readable file',
    });
    expect(String(error) + JSON.stringify(error)).not.toContain(junk);
  });

  it('masks the key whole and line by line', () => {
    const masked = secretValues(
      (name) => ({ ...REQUIRED, attest: 'true', 'attest-key': KEY })[name as string],
      {},
    );
    expect(masked).toContain(KEY.trim());
    for (const line of KEY.split('\n').filter((l) => l.length >= 20 && !l.startsWith('-----'))) {
      expect(masked).toContain(line);
    }
  });
});
