#!/usr/bin/env bash
# Re-signs every version of the example registry with the committed EXAMPLE key (see keys/README.md).
# Run from the repository root after `npm ci`: bash examples/sign-examples.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for version in examples/registry/sentiment/*/; do
  npm run --silent model-promote -- sign "${version%/}" --private-key examples/keys/example-signing.key.pem
done
