/**
 * Which Sigstore services sign keylessly. With none named, Sigstore's public-good instance (Fulcio,
 * the timestamp authority and Rekor), as cosign does. Naming any of them describes a private
 * deployment whole: the services left out are off, so a private installation never sends its
 * identities to the public Rekor by omission. Each URL is checked as the signer will use it. Pure,
 * and light: the inputs are read through it, so it loads none of @sigstore/sign.
 */
import { PromotionError } from '../errors.js';

/** Sigstore's public-good instance: what cosign and GitHub's attestations of public repositories use. */
export const PUBLIC_GOOD_SERVICES = {
  fulcioURL: 'https://fulcio.sigstore.dev',
  tsaURL: 'https://timestamp.sigstore.dev',
  rekorURL: 'https://rekor.sigstore.dev',
} as const;

export type KeylessErrorCode =
  | 'keyless-config'
  | 'oidc-token-invalid'
  | 'oidc-token-expired'
  | 'fulcio-refused'
  | 'fulcio-failed'
  | 'timestamp-failed'
  | 'rekor-failed'
  | 'keyless-failed';

export class KeylessSigningError extends PromotionError<KeylessErrorCode> {
  override readonly name = 'KeylessSigningError';
  constructor(
    code: KeylessErrorCode,
    message: string,
    hint: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(code === 'keyless-config' ? 'usage' : 'failed', code, message, hint, options);
  }
}

/** Input names, as action.yml and the CLI spell them. */
export const KEYLESS_SERVICE_INPUTS = {
  fulcioURL: 'attest-fulcio-url',
  tsaURL: 'attest-tsa-url',
  rekorURL: 'attest-rekor-url',
} as const;

/** The value that turns the timestamp authority or Rekor off explicitly. */
export const SERVICE_OFF = 'off';

export interface KeylessServices {
  readonly fulcioURL: string;
  readonly tsaURL?: string;
  readonly rekorURL?: string;
  /** True when these are Sigstore's public-good instance (nothing was named). */
  readonly publicGood: boolean;
}

export type KeylessServiceInputs = Partial<Record<'fulcioURL' | 'tsaURL' | 'rekorURL', string>>;

export function keylessServices(given: KeylessServiceInputs): KeylessServices {
  const value = (name: keyof KeylessServiceInputs) => given[name]?.trim() || undefined;
  const fulcio = value('fulcioURL');
  const tsa = value('tsaURL');
  const rekor = value('rekorURL');
  if (fulcio === undefined && tsa === undefined && rekor === undefined) {
    return { ...PUBLIC_GOOD_SERVICES, publicGood: true };
  }
  if (fulcio === SERVICE_OFF) {
    throw new KeylessSigningError(
      'keyless-config',
      `${KEYLESS_SERVICE_INPUTS.fulcioURL}: Fulcio cannot be off for keyless signing`,
      `set ${KEYLESS_SERVICE_INPUTS.fulcioURL} to your Fulcio, or sign with attest-key instead`,
    );
  }
  const on = (url: string | undefined) => (url === undefined || url === SERVICE_OFF ? undefined : url);
  const services = {
    fulcioURL: fulcio ?? PUBLIC_GOOD_SERVICES.fulcioURL,
    ...(on(tsa) && { tsaURL: on(tsa) }),
    ...(on(rekor) && { rekorURL: on(rekor) }),
  };
  if (!services.tsaURL && !services.rekorURL) {
    throw new KeylessSigningError(
      'keyless-config',
      `${KEYLESS_SERVICE_INPUTS.fulcioURL} is set but neither ${KEYLESS_SERVICE_INPUTS.tsaURL} nor ${KEYLESS_SERVICE_INPUTS.rekorURL} is`,
      `a private Sigstore is named whole: set ${KEYLESS_SERVICE_INPUTS.tsaURL} (and ${KEYLESS_SERVICE_INPUTS.rekorURL} if it has a log) next to ${KEYLESS_SERVICE_INPUTS.fulcioURL}`,
    );
  }
  // Each URL checked now (HTTPS, no credentials), so a bad one is refused where inputs are read.
  const checked = checkServiceURLs(services);
  return {
    fulcioURL: checked.fulcioURL,
    ...(checked.tsaURL && { tsaURL: checked.tsaURL }),
    ...(checked.rekorURL && { rekorURL: checked.rekorURL }),
    publicGood: false,
  };
}

/**
 * The services' base URLs, checked and normalized: run where the inputs are read, so a bad
 * configuration is a usage error before anything is built, and again by createKeylessSigner.
 */
export function checkServiceURLs(services: {
  readonly fulcioURL: string;
  readonly tsaURL?: string | undefined;
  readonly rekorURL?: string | undefined;
}): {
  fulcioURL: string;
  tsaURL: string | undefined;
  rekorURL: string | undefined;
} {
  const fulcioURL = serviceURL('attest-fulcio-url', services.fulcioURL);
  const tsaURL = services.tsaURL ? serviceURL('attest-tsa-url', services.tsaURL) : undefined;
  const rekorURL = services.rekorURL ? serviceURL('attest-rekor-url', services.rekorURL) : undefined;
  if (!tsaURL && !rekorURL) {
    throw new KeylessSigningError(
      'keyless-config',
      'keyless signing: neither a timestamp authority nor a Rekor log is configured',
      'a Fulcio certificate is valid for ten minutes, so a verifier needs a trusted time for the signature: set attest-tsa-url (or attest-rekor-url)',
    );
  }
  return { fulcioURL, tsaURL, rekorURL };
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The OIDC token goes to Fulcio as a bearer credential, so plain HTTP is refused except on loopback
 * (a local Sigstore, as in the tests).
 */
function serviceURL(input: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new KeylessSigningError(
      'keyless-config',
      `${input}: ${JSON.stringify(value)} is not a URL`,
      `set ${input} to the service's base URL, e.g. ${exampleFor(input)}`,
    );
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new KeylessSigningError(
      'keyless-config',
      `${input}: ${url.origin} is not HTTPS`,
      `use the service's https:// URL (plain http is accepted only on loopback), e.g. ${exampleFor(input)}`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new KeylessSigningError(
      'keyless-config',
      `${input}: ${url.origin}${url.pathname} carries credentials, a query or a fragment`,
      `set ${input} to the service's base URL alone, e.g. ${exampleFor(input)}`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

function exampleFor(input: string): string {
  if (input === 'attest-tsa-url') return PUBLIC_GOOD_SERVICES.tsaURL;
  if (input === 'attest-rekor-url') return PUBLIC_GOOD_SERVICES.rekorURL;
  return PUBLIC_GOOD_SERVICES.fulcioURL;
}
