import { describe, expect, it } from '@jest/globals';
import { PUBLIC_GOOD_SERVICES } from './keyless-signer.js';
import { keylessServices, type KeylessServiceInputs } from './keyless-services.js';

const PRIVATE = {
  fulcioURL: 'https://fulcio.sigstore.internal',
  tsaURL: 'https://tsa.sigstore.internal',
  rekorURL: 'https://rekor.sigstore.internal',
};

describe('keylessServices', () => {
  it.each<{ name: string; given: KeylessServiceInputs; expected: object }>([
    {
      name: 'nothing named: the public-good instance, all three',
      given: {},
      expected: { ...PUBLIC_GOOD_SERVICES, publicGood: true },
    },
    {
      name: 'blank inputs count as not given (an Action input that is unset is "")',
      given: { fulcioURL: ' ', tsaURL: '', rekorURL: '' },
      expected: { ...PUBLIC_GOOD_SERVICES, publicGood: true },
    },
    {
      name: 'a private Fulcio and TSA: Rekor is off, never the public one by omission',
      given: { fulcioURL: PRIVATE.fulcioURL, tsaURL: PRIVATE.tsaURL },
      expected: { fulcioURL: PRIVATE.fulcioURL, tsaURL: PRIVATE.tsaURL, publicGood: false },
    },
    {
      name: 'loopback over plain HTTP (a local Sigstore), trailing slashes dropped',
      given: { fulcioURL: 'http://127.0.0.1:5555/', tsaURL: 'http://localhost:3000/' },
      expected: { fulcioURL: 'http://127.0.0.1:5555', tsaURL: 'http://localhost:3000', publicGood: false },
    },
    {
      name: 'all three private',
      given: PRIVATE,
      expected: { ...PRIVATE, publicGood: false },
    },
    {
      name: 'public Fulcio and Rekor, timestamp authority turned off',
      given: { tsaURL: 'off', rekorURL: PUBLIC_GOOD_SERVICES.rekorURL },
      expected: {
        fulcioURL: PUBLIC_GOOD_SERVICES.fulcioURL,
        rekorURL: PUBLIC_GOOD_SERVICES.rekorURL,
        publicGood: false,
      },
    },
  ])('$name', ({ given, expected }) => {
    expect(keylessServices(given)).toEqual(expected);
  });

  it.each<{ name: string; given: KeylessServiceInputs; message: RegExp }>([
    {
      name: 'a private Fulcio alone has no trusted time',
      given: { fulcioURL: PRIVATE.fulcioURL },
      message: /attest-fulcio-url is set but neither attest-tsa-url nor attest-rekor-url/,
    },
    {
      name: 'both witnesses off',
      given: { tsaURL: 'off', rekorURL: 'off' },
      message: /neither attest-tsa-url nor attest-rekor-url/,
    },
    { name: 'Fulcio off', given: { fulcioURL: 'off', tsaURL: PRIVATE.tsaURL }, message: /cannot be off/ },
    {
      name: 'a service over plain HTTP off loopback (the token would travel in clear)',
      given: { fulcioURL: 'http://fulcio.example', tsaURL: PRIVATE.tsaURL },
      message: /attest-fulcio-url: http:\/\/fulcio\.example is not HTTPS/,
    },
    {
      name: 'a URL carrying credentials',
      given: { fulcioURL: PRIVATE.fulcioURL, tsaURL: 'https://u:p@tsa.example' },
      message: /attest-tsa-url: .* carries credentials/,
    },
  ])('refuses $name as a usage error', ({ given, message }) => {
    expect(() => keylessServices(given)).toThrow(
      expect.objectContaining({
        code: 'keyless-config',
        kind: 'usage',
        message: expect.stringMatching(message),
      }),
    );
  });
});
