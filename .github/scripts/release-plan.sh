#!/usr/bin/env bash
# What a release tag may do, decided before anything is built or published (.github/workflows/release.yml).
#
#   TAG            the pushed tag, e.g. v0.2.0 or v1.0.0-rc.1
#   package.json   its version must be the tag without the v, so the npm package and the Action agree
#   git tags       the releases already tagged, so an older line's fix never moves a tag backwards
#
# Writes to $GITHUB_OUTPUT:
#   version      the version (package.json's)
#   prerelease   true for X.Y.Z-anything
#   major-tag    vMAJOR, the tag the README tells users to pin
#   move-major   true when this is a release (not a pre-release) and no higher vMAJOR.*.* release
#                is tagged: a fix to 0.1 pushed after 0.2 leaves v0 on 0.2
#   npm-tag      the npm dist-tag, never moved backwards (npm puts a publish on latest unless told
#                otherwise): next for a pre-release, latest for the highest release of all,
#                latest-MAJOR for the highest of an older major, latest-MAJOR.MINOR for a fix to an
#                older minor
set -euo pipefail

fail() {
  printf '::error title=Release tag::%s\n' "$*" >&2
  exit 1
}

[ -n "${TAG:-}" ] || fail "TAG is not set: run this for a pushed tag (TAG=\${{ github.ref_name }})"
[ -n "${GITHUB_OUTPUT:-}" ] || fail "GITHUB_OUTPUT is not set: run this as a workflow step"

# SemVer 2.0.0 without build metadata (npm drops it, so the tag and the package could not match).
release='(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)'
identifier='(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)'
semver="^v${release}(-${identifier}(\.${identifier})*)?\$"
[[ $TAG =~ $semver ]] ||
  fail "tag '$TAG' is not vMAJOR.MINOR.PATCH[-PRERELEASE] (e.g. v1.2.3 or v1.2.3-rc.1): delete it and push one that is"
major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}

version=$(node -p 'JSON.parse(require("node:fs").readFileSync("package.json", "utf8")).version')
[ "$TAG" = "v$version" ] ||
  fail "tag '$TAG' is not package.json's version $version: set \"version\": \"${TAG#v}\" in package.json (npm version ${TAG#v} --no-git-tag-version), commit, and tag that commit"

# The highest release (never a pre-release) among tags matching a glob, this tag counted.
highest() {
  { git tag --list "$1" && printf '%s\n' "$TAG"; } | grep -E "^v${release}\$" | sort -V | tail -n 1
}

if [[ $TAG == *-* ]]; then
  prerelease=true move_major=false npm_tag=next
else
  prerelease=false
  if [ "$(highest "v$major.*")" = "$TAG" ]; then move_major=true; else move_major=false; fi
  if [ "$(highest 'v*')" = "$TAG" ]; then
    npm_tag=latest
  elif [ "$move_major" = true ]; then
    npm_tag=latest-$major
  else
    npm_tag=latest-$major.$minor
  fi
fi

{
  echo "version=$version"
  echo "prerelease=$prerelease"
  echo "major-tag=v$major"
  echo "move-major=$move_major"
  echo "npm-tag=$npm_tag"
} >>"$GITHUB_OUTPUT"
printf 'release %s: pre-release %s, npm dist-tag %s, move v%s: %s\n' "$TAG" "$prerelease" "$npm_tag" "$major" "$move_major"
