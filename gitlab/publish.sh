#!/usr/bin/env bash
# Publishes gitlab/ as its own GitLab project, the root of the model-promote CI/CD component.
#
#   gitlab/publish.sh --stage DIR [VERSION] assemble the project in DIR (new or empty), push nothing
#   gitlab/publish.sh REMOTE_URL [VERSION]  assemble, commit onto REMOTE_URL's default branch, push;
#                                           with VERSION (default: package.json's), also tag it
#
# The project is gitlab/ (templates/, README.md, .gitlab-ci.yml), LICENSE, plus test/: the example
# registry, catalog and public key its pipeline promotes. The template's MODEL_PROMOTE_CLI_VERSION
# is set to the version being published, so the component runs the npm release of the same
# version (@model-promote/cli, published with provenance): publish after that release. The tag
# then triggers the release job, which publishes the version to the CI/CD Catalog (Settings >
# General > Visibility > CI/CD Catalog project must be on). VERSION is a semantic version, a
# pre-release such as 1.0.0-rc.1 included. Needs git and rsync; REMOTE_URL is any URL git can push to.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"

assemble() {
  local dir="$1" version="$2"
  mkdir -p "$dir/test/keys"
  rsync -a --delete --exclude .git --exclude test/ --exclude publish.sh \
    --exclude .gitlab-ci-local/ --exclude out/ --exclude model-promote.env "$here/" "$dir/"
  rsync -a --delete --exclude '*.promotions.jsonl' "$root/examples/registry/" "$dir/test/registry/"
  cp "$root/examples/catalog.yaml" "$dir/test/catalog.yaml"
  cp "$root/examples/keys/example-signing.pub.pem" "$dir/test/keys/"
  cp "$root/LICENSE" "$dir/LICENSE"
  # The one place the released CLI version is written: the component's own version.
  sed -i "s/^    MODEL_PROMOTE_CLI_VERSION: .*/    MODEL_PROMOTE_CLI_VERSION: '$version'/" "$dir/templates/promote.yml"
  grep -q "^    MODEL_PROMOTE_CLI_VERSION: '$version'$" "$dir/templates/promote.yml" ||
    { echo "publish.sh: templates/promote.yml has no MODEL_PROMOTE_CLI_VERSION line to set" >&2; exit 1; }
}

package_version() { node -p "require('$root/package.json').version"; }

check_version() {
  # semver.org's grammar: MAJOR.MINOR.PATCH, then an optional pre-release (no build metadata: the
  # CI/CD Catalog and npm both ignore it, so two tags would name one release).
  [[ "$1" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$ ]] ||
    { echo "publish.sh: $1 is not a semantic version (1.2.3 or 1.2.3-rc.1)" >&2; exit 2; }
}

if [ "${1:-}" = --stage ]; then
  [ -n "${2:-}" ] || { echo "usage: $0 --stage DIR [VERSION]" >&2; exit 2; }
  version="${3:-$(package_version)}"
  check_version "$version"
  assemble "$2" "$version"
  exit 0
fi

remote="${1:?usage: $0 REMOTE_URL [VERSION] | --stage DIR}"
version="${2:-$(package_version)}"
check_version "$version"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet "$remote" "$work/project"
assemble "$work/project" "$version"
cd "$work/project"
git add -A
git commit --quiet -m "model-promote component $version (from $(git -C "$root" rev-parse --short HEAD))" || true
git tag -a "$version" -m "model-promote component $version"
git push --quiet origin HEAD "$version"
echo "pushed $remote at $version"
