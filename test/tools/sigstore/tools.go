//go:build tools

// Builds Sigstore's own programs the attestation tests run against, from the Go module proxy:
// cosign (the reference verifier: verify-attestation --new-bundle-format), and the services a
// keyless signature needs, run on loopback: Fulcio (certificates from an OIDC token, with a file
// CA) and the timestamp authority. One module, so the dependencies they share build once.
package tools

import (
	_ "github.com/sigstore/cosign/v3/cmd/cosign"
	_ "github.com/sigstore/fulcio"
	_ "github.com/sigstore/timestamp-authority/v2/cmd/timestamp-server"
)
