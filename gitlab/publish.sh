#!/usr/bin/env bash
# Publishes gitlab/ as its own GitLab project, the root of the model-promote CI/CD component.
#
#   gitlab/publish.sh --stage DIR           assemble the project in DIR (new or empty), push nothing
#   gitlab/publish.sh REMOTE_URL [VERSION]  assemble, commit onto REMOTE_URL's default branch, push;
#                                           with VERSION (default: package.json's), also tag it
#
# The project is gitlab/ (templates/, README.md, .gitlab-ci.yml) plus test/: the example registry,
# catalog and public key its pipeline promotes. The template pins `cli` to the CLI release of the
# same version, so publish after `npm publish` of that version; the tag then triggers the release
# job, which publishes the version to the CI/CD Catalog (Settings > General > Visibility > CI/CD
# Catalog project must be on). Needs git and rsync; REMOTE_URL is any URL git can push to.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"

assemble() {
  local dir="$1"
  mkdir -p "$dir/test/keys"
  rsync -a --delete --exclude .git --exclude test/ --exclude publish.sh \
    --exclude .gitlab-ci-local/ --exclude out/ --exclude model-promote.env "$here/" "$dir/"
  rsync -a --delete --exclude '*.promotions.jsonl' "$root/examples/registry/" "$dir/test/registry/"
  cp "$root/examples/catalog.yaml" "$dir/test/catalog.yaml"
  cp "$root/examples/keys/example-signing.pub.pem" "$dir/test/keys/"
  cp "$root/LICENSE" "$dir/" 2>/dev/null || true
}

if [ "${1:-}" = --stage ]; then
  [ -n "${2:-}" ] || { echo "usage: $0 --stage DIR" >&2; exit 2; }
  assemble "$2"
  exit 0
fi

remote="${1:?usage: $0 REMOTE_URL [VERSION] | --stage DIR}"
version="${2:-$(node -p "require('$root/package.json').version")}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet "$remote" "$work/project"
assemble "$work/project"
cd "$work/project"
git add -A
git commit --quiet -m "model-promote component $version (from $(git -C "$root" rev-parse --short HEAD))" || true
git tag -a "$version" -m "model-promote component $version"
git push --quiet origin HEAD "$version"
echo "pushed $remote at $version"
