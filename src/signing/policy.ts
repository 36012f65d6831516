/**
 * Who may sign a model, per method. A policy usually comes from user input (Action inputs, CLI
 * flags), so `parseSigningPolicy` checks it once and the verifiers can trust its shape.
 */
import { createPublicKey, X509Certificate } from 'node:crypto';
import { isObject } from './bundle.js';
import { SigningError } from './signing-error.js';

export type SigningPolicy =
  | {
      method: 'keyless';
      /** Any one suffices. `identity` is exact, or an anchored regular expression when written `/.../`. */
      identities: { identity: string; issuer: string }[];
      /** Parsed trusted_root.json; default: the Sigstore public-good root embedded in @sigstore/tuf. */
      trustedRoot?: unknown;
      /** The trusted root is the public-good one, fetched this run (policy-sources.ts). */
      publicGood?: boolean;
    }
  | { method: 'key'; publicKeys: string[] /* PEM */ }
  | { method: 'certificate'; anchors: string[] /* PEM trust anchors */ };

export type SigningMethod = SigningPolicy['method'];

/** Checks a policy built from untrusted input; throws SigningError 'invalid-policy' (usage). */
export function parseSigningPolicy(input: unknown): SigningPolicy {
  if (!isObject(input)) throw invalid('it is not an object', 'give method keyless, key or certificate');
  switch (input['method']) {
    case 'keyless': {
      const identities = input['identities'];
      if (!Array.isArray(identities) || identities.length === 0) {
        throw invalid('keyless needs at least one identity', 'list the signer identity and its OIDC issuer');
      }
      const parsed = identities.map((entry: unknown, i) => {
        if (!isObject(entry) || !nonEmpty(entry['identity']) || !nonEmpty(entry['issuer'])) {
          throw invalid(
            `identities[${i}] needs an identity and an issuer`,
            'e.g. identity you@example.com, issuer https://accounts.google.com',
          );
        }
        identityMatcher(entry['identity']); // fail now on a bad regular expression, not at verification
        return { identity: entry['identity'], issuer: entry['issuer'] };
      });
      return input['trustedRoot'] === undefined
        ? { method: 'keyless', identities: parsed }
        : { method: 'keyless', identities: parsed, trustedRoot: input['trustedRoot'] };
    }
    case 'key':
      return { method: 'key', publicKeys: pemList(input['publicKeys'], 'publicKeys', 'public key') };
    case 'certificate':
      return { method: 'certificate', anchors: pemList(input['anchors'], 'anchors', 'certificate') };
    default:
      throw invalid(`unknown method ${JSON.stringify(input['method'])}`, 'use keyless, key or certificate');
  }
}

/**
 * `/.../` is a regular expression that must match the whole identity (so `/.*@example.com/` cannot
 * be met by `evil@example.com.attacker.org`); anything else must be equal.
 */
export function identityMatcher(pattern: string): (identity: string) => boolean {
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/')) {
    let regex: RegExp;
    try {
      const inner = pattern.slice(1, -1);
      // Compiling the inner pattern alone first rejects unbalanced input such as `a)|(b`, which
      // would otherwise escape the anchoring group below.
      new RegExp(inner);
      regex = new RegExp(`^(?:${inner})$`);
    } catch (cause) {
      throw invalid(
        `identity ${pattern} is not a valid regular expression`,
        'fix the expression between the slashes',
        cause,
      );
    }
    return (identity) => regex.test(identity);
  }
  return (identity) => identity === pattern;
}

/**
 * Why `pem` is not a `what`, or undefined when it is one. A private key is refused as a public key
 * although node would derive one from it: a policy file holding a private key is a leak to fix.
 */
export function pemProblem(pem: string, what: 'public key' | 'certificate'): string | undefined {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    return `it holds a PRIVATE key: give the ${what} (and keep the private key secret)`;
  }
  try {
    if (what === 'public key') createPublicKey(pem);
    else new X509Certificate(pem);
    return undefined;
  } catch {
    return `it is not a PEM ${what} (-----BEGIN ${what === 'public key' ? 'PUBLIC KEY' : 'CERTIFICATE'}-----)`;
  }
}

function pemList(value: unknown, field: string, what: 'public key' | 'certificate'): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    throw invalid(`${field} needs at least one PEM ${what}`, `give the PEM text of each trusted ${what}`);
  }
  value.forEach((pem: string, i) => {
    const problem = pemProblem(pem, what);
    if (problem)
      throw invalid(`${field}[${i}]: ${problem}`, `give the PEM text (-----BEGIN ...) of the ${what}`);
  });
  return value;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function invalid(what: string, hint: string, cause?: unknown): SigningError {
  return new SigningError(
    'invalid-policy',
    `signing policy: ${what}`,
    hint,
    cause === undefined ? {} : { cause },
  );
}
