/**
 * Which signer attests a promotion, decided where the inputs are read so the pipeline only ever
 * sees an `AttestationSigner`: none unless `attest` is on; the key when `attest-key` is given;
 * otherwise keyless, which needs the CI job's OIDC token (its absence is a usage error that says
 * which permission to grant, raised before anything is built).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { PromotionInputs } from '../inputs.js';
import type { IdentityTokenSource } from '../platform/platform.js';
import { createKeySigner } from './key-signer.js';
import { keylessServices, type KeylessServices } from './keyless-services.js';
import { createKeylessSigner } from './keyless-signer.js';
import type { AttestationSigner } from './signer.js';

export interface ChosenSigner {
  readonly method: 'key' | 'keyless';
  readonly sign: AttestationSigner;
}

export async function chooseAttestationSigner(
  inputs: Pick<PromotionInputs, 'attest' | 'attestKey' | 'attestServices'>,
  identityToken: IdentityTokenSource | undefined,
  cwd: string,
): Promise<ChosenSigner | undefined> {
  if (!inputs.attest) return undefined;
  if (inputs.attestKey) {
    return { method: 'key', sign: createKeySigner(await readKey(inputs.attestKey, cwd)) };
  }
  if (!identityToken?.available) {
    throw new UsageError(
      'attest is on, with no attest-key and no OIDC identity token for keyless signing',
      `${identityToken?.howToEnable ?? 'give the job an OIDC token whose audience is sigstore'}; or give attest-key to sign with a key`,
    );
  }
  return {
    method: 'keyless',
    sign: keylessSigner(identityToken, inputs.attestServices ?? keylessServices({})),
  };
}

/**
 * The token is fetched when the statement is signed, after the deploy: a token fetched at the
 * start could expire during a long rollout. The services were checked when the inputs were read.
 */
function keylessSigner(source: IdentityTokenSource, services: KeylessServices): AttestationSigner {
  return async (statementJson) => {
    const sign = createKeylessSigner({
      identityToken: await source.fetch(),
      fulcioURL: services.fulcioURL,
      ...(services.tsaURL && { tsaURL: services.tsaURL }),
      ...(services.rekorURL && { rekorURL: services.rekorURL }),
    });
    return sign(statementJson);
  };
}

/** attest-key holds the PEM itself (a CI secret) or names a file holding it. */
async function readKey(value: string, cwd: string): Promise<string> {
  if (value.includes('-----BEGIN')) return value;
  try {
    return await readFile(path.resolve(cwd, value), 'utf8');
  } catch {
    // The value may be a mangled key rather than a path: never quote it.
    throw new UsageError(
      'attest-key is neither a PEM private key nor a readable file',
      'give the PEM text of the key (e.g. from a CI secret), or the path of a file holding it',
    );
  }
}
