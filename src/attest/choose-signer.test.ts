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

  it('keyless: the token is fetched when a statement is signed, not when the signer is chosen', async () => {
    let fetched = 0;
    const source = {
      available: true,
      howToEnable: 'unused',
      fetch: () => {
        fetched += 1;
        // Not a JWT: the signer refuses it before it would leave the machine (no service is asked).
        return Promise.resolve('not-a-jwt');
      },
    };
    const chosen = await chooseAttestationSigner(
      inputs({
        attest: 'true',
        'attest-fulcio-url': 'https://fulcio.example',
        'attest-tsa-url': 'off',
        'attest-rekor-url': 'https://rekor.example',
      }),
      source,
      '/',
    );
    expect(chosen?.method).toBe('keyless');
    expect(fetched).toBe(0);
    await expect(chosen!.sign(Buffer.from('{}'))).rejects.toMatchObject({ code: 'oidc-token-invalid' });
    expect(fetched).toBe(1);
  });

  it.each<{ name: string; given: Partial<Record<InputName, string>>; message: RegExp; code: string }>([
    {
      name: 'a service URL without attest',
      given: { 'attest-tsa-url': 'https://tsa.example' },
      message: /^attest-tsa-url is given but attest is false$/,
      code: 'usage',
    },
    {
      name: 'service URLs beside attest-key',
      given: {
        attest: 'true',
        'attest-key': KEY,
        'attest-fulcio-url': 'https://f.example',
        'attest-tsa-url': 'https://t.example',
      },
      message:
        /^attest-fulcio-url, attest-tsa-url name keyless signing services, but attest-key signs with a key$/,
      code: 'usage',
    },
    {
      name: 'a Fulcio over plain HTTP',
      given: {
        attest: 'true',
        'attest-fulcio-url': 'http://fulcio.example',
        'attest-tsa-url': 'https://t.example',
      },
      message: /attest-fulcio-url: http:\/\/fulcio\.example is not HTTPS/,
      code: 'keyless-config',
    },
    {
      name: 'a private Fulcio with no trusted time',
      given: { attest: 'true', 'attest-fulcio-url': 'https://f.example' },
      message: /neither attest-tsa-url nor attest-rekor-url/,
      code: 'keyless-config',
    },
  ])('refuses $name when the inputs are read (exit 2)', ({ given, message, code }) => {
    let thrown: unknown;
    try {
      inputs(given);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      kind: 'usage',
      code,
      exitCode: 2,
      message: expect.stringMatching(message),
    });
  });

  it('keyless services as given, and the public-good instance when none is named', () => {
    expect(inputs({ attest: 'true' }).attestServices).toMatchObject({ publicGood: true });
    expect(
      inputs({
        attest: 'true',
        'attest-fulcio-url': 'http://127.0.0.1:5555/',
        'attest-tsa-url': 'http://127.0.0.1:3000',
      }).attestServices,
    ).toEqual({ fulcioURL: 'http://127.0.0.1:5555', tsaURL: 'http://127.0.0.1:3000', publicGood: false });
    expect(inputs({ attest: 'true', 'attest-key': KEY }).attestServices).toBeUndefined();
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
