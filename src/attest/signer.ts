/**
 * What signs a promotion attestation. The key signer (air-gapped installations) and the keyless
 * signer (a Fulcio certificate for the CI job's OIDC identity) both produce the same thing: a
 * Sigstore bundle (v0.3 JSON) of a DSSE envelope over the in-toto statement (payload type
 * `IN_TOTO_PAYLOAD_TYPE` of src/signing/bundle.ts), which cosign (`--new-bundle-format`), GitHub's
 * artifact attestations and `verify-promotion` all read.
 */
import type { SerializedBundle } from '@sigstore/bundle';

/** Signs the statement's exact bytes (the DSSE payload) and returns the bundle. */
export type AttestationSigner = (statementJson: Uint8Array) => Promise<SerializedBundle>;
