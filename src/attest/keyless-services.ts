/**
 * Which Sigstore services sign keylessly. With none named, Sigstore's public-good instance (Fulcio,
 * the timestamp authority and Rekor), as cosign does. Naming any of them describes a private
 * deployment whole: the services left out are off, so a private installation never sends its
 * identities to the public Rekor by omission. Each URL is checked as the signer will use it. Pure.
 */
import { checkServiceURLs, KeylessSigningError, PUBLIC_GOOD_SERVICES } from './keyless-signer.js';

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
