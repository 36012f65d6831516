#!/usr/bin/env bash
# Bundles the Action (dist/) and the CLI (dist/cli/) with ncc. ncc does not follow worker entry
# points, so the hash pool's worker is bundled on its own beside each bundle (hash-worker/), where
# src/signing/hash-pool.ts looks for it.
set -euo pipefail
cd "$(dirname "$0")/.."
bundle() { npx ncc build "$1" -o "$2" --target es2022 --quiet "${@:3}"; }
bundle src/index.ts dist --license licenses.txt
bundle src/signing/hash-worker.ts dist/hash-worker
bundle src/cli/index.ts dist/cli
bundle src/signing/hash-worker.ts dist/cli/hash-worker
