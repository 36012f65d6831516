//go:build tools

// The commands scripts/test-tools.sh builds; this file only makes `go mod tidy` keep them.
package tools

import (
	_ "github.com/olareg/olareg/cmd/olareg"
	_ "github.com/regclient/regclient/cmd/regctl"
)
