#!/usr/bin/env bash
# Installs or builds every tool the tests run, then links them into .test-tools/bin/ of this
# checkout, where the tests look for them. `npm test` runs it first (pretest), and so does .ci/run.
#
#   Debian packages  skopeo, umoci, buildah, docker-registry, ... (apt-get, as root)
#   built with Go    etcd, kube-apiserver, kube-controller-manager, kube-scheduler, olareg (an OCI
#                    1.1 registry) and regctl, from the Go module proxy through the modules in
#                    test/tools/ (their go.sum pins every byte); cosign, Fulcio and the
#                    timestamp authority (Sigstore's reference verifier and keyless services)
#   PyPI             mlflow and model-signing, in a virtual environment (test/tools/python)
#   data             KServe's InferenceService CRD, from the kserve Go module; the admission CRDs
#                    docs/admission.md is checked against (Kyverno ClusterPolicy, Sigstore
#                    policy-controller ClusterImagePolicy), from their Go modules
#
# What is built is cached under $MODEL_PROMOTE_TOOLS (default ~/.cache/model-promote/test-tools),
# one folder per tool, keyed by its version and by the hash of the module that pins it: a warm run
# only checks that the folders are there. A tool that cannot be had stops the run with one line
# naming it and the command that installs it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${MODEL_PROMOTE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/model-promote/test-tools}
LINKS=$ROOT/.test-tools/bin
KSERVE_VERSION=v0.17.0
KYVERNO_VERSION=v1.19.0
POLICY_CONTROLLER_VERSION=v0.15.1
STARTED=$SECONDS

say() { printf 'test-tools: %s\n' "$*"; }
fail() {
  printf 'test-tools: %s\n' "$*" >&2
  exit 1
}
elapsed() { printf '%ds' $((SECONDS - ${1:-$STARTED})); }

# --- Debian packages ------------------------------------------------------------------------
# command -> package
declare -A DEBIAN=(
  [skopeo]=skopeo [umoci]=umoci [buildah]=buildah [docker-registry]=docker-registry
  [htpasswd]=apache2-utils [prometheus-pushgateway]=prometheus-pushgateway [rsync]=rsync
  [openssl]=openssl [ip]=iproute2 [prometheus]=prometheus
)
missing=()
for command in "${!DEBIAN[@]}"; do
  command -v "$command" >/dev/null || missing+=("${DEBIAN[$command]}")
done
if ((${#missing[@]})); then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    fail "missing ${missing[*]}: install with: sudo apt-get install -y ${missing[*]}"
  fi
  say "installing Debian packages: ${missing[*]}"
  t=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || fail "apt-get update failed: run it by hand, then: apt-get install -y ${missing[*]}"
  apt-get install -y -qq "${missing[@]}" >/dev/null ||
    fail "could not install ${missing[*]}: apt-get install -y ${missing[*]}"
  say "Debian packages installed in $(elapsed "$t")"
fi
# kubectl comes with this kind of machine (Debian has no package for it).
command -v kubectl >/dev/null || fail "kubectl is missing: install kubectl (https://kubernetes.io/docs/tasks/tools/)"

# --- Go builds --------------------------------------------------------------------------------
command -v go >/dev/null || fail "go is missing: install Go 1.26 or later (https://go.dev/dl/); it builds the control plane"

# The cache key of a module in test/tools/: the version it requires and the hash of its go.mod
# and go.sum, so a changed pin is a new folder and never a stale binary.
module_key() {
  local dir=$1 version
  version=$(awk -v m="$2" '$1 == "require" && $2 == m { print $3 } $1 == m && !/=>/ { print $2 }' "$dir/go.mod" | head -1)
  [ -n "$version" ] || fail "test/tools: no version of $2 in $dir/go.mod"
  printf '%s-%s' "$version" "$(cat "$dir/go.mod" "$dir/go.sum" | sha256sum | cut -c1-12)"
}

# Prints a line every 30 s while a long build runs, so a CI log shows it is alive.
heartbeat() {
  local what=$1 t=$SECONDS
  while sleep 30; do say "  still working on $what ($(elapsed "$t"))"; done
}

# build NAME MODULE_DIR MODULE_PATH LDFLAGS PACKAGE...
build() {
  local name=$1 dir=$ROOT/test/tools/$2 module=$3 ldflags=$4
  shift 4
  local key target
  key=$(module_key "$dir" "$module")
  target=$CACHE/$name-$key
  if [ -f "$target/.complete" ]; then
    say "$name ${key%-*}: cached"
  else
    say "$name ${key%-*}: building from the Go module proxy (cold: several minutes on 2 cores)"
    local t=$SECONDS hb
    rm -rf "$target" && mkdir -p "$target/bin"
    heartbeat "$name" &
    hb=$!
    if ! (cd "$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$target/bin/" "$@") >"$target/build.log" 2>&1; then
      kill "$hb" 2>/dev/null || true
      tail -20 "$target/build.log" >&2
      fail "building $name failed (log: $target/build.log): check that the Go module proxy is reachable, then run scripts/test-tools.sh again"
    fi
    kill "$hb" 2>/dev/null || true
    touch "$target/.complete"
    say "$name ${key%-*}: built in $(elapsed "$t")"
  fi
  mkdir -p "$LINKS"
  local binary
  for binary in "$target"/bin/*; do ln -sfn "$binary" "$LINKS/$(basename "$binary")"; done
}

K8S=$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" { print $3 }' test/tools/kubernetes/go.mod)
K8S_MINOR=$(echo "$K8S" | cut -d. -f2)
# What `/version` reports: the release, as an official build would (kubectl and client-node read it).
K8S_LDFLAGS="-X k8s.io/component-base/version.gitVersion=$K8S -X k8s.io/component-base/version.gitMajor=1"
K8S_LDFLAGS+=" -X k8s.io/component-base/version.gitMinor=$K8S_MINOR -X k8s.io/component-base/version.gitTreeState=clean"
K8S_LDFLAGS+=" -X k8s.io/client-go/pkg/version.gitVersion=$K8S -X k8s.io/client-go/pkg/version.gitMajor=1"
K8S_LDFLAGS+=" -X k8s.io/client-go/pkg/version.gitMinor=$K8S_MINOR"
build kubernetes kubernetes k8s.io/kubernetes "$K8S_LDFLAGS" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler
build etcd etcd go.etcd.io/etcd/server/v3 "" .
# An OCI 1.1 registry with the Referrers API, and a client that lists referrers.
build olareg registry github.com/olareg/olareg "" github.com/olareg/olareg/cmd/olareg github.com/regclient/regclient/cmd/regctl
# Sigstore's reference verifier (cosign) and the services a keyless signature needs (Fulcio, the
# timestamp authority), for the promotion attestation's tests.
COSIGN=$(awk '$1 == "github.com/sigstore/cosign/v3" { print $2 }' test/tools/sigstore/go.mod)
build sigstore sigstore github.com/sigstore/cosign/v3 "-X sigs.k8s.io/release-utils/version.gitVersion=$COSIGN" \
  github.com/sigstore/cosign/v3/cmd/cosign github.com/sigstore/fulcio github.com/sigstore/timestamp-authority/v2/cmd/timestamp-server

# --- Python programs: MLflow and model_signing, in a virtual environment ------------------------
command -v python3 >/dev/null || fail "python3 is missing: install Python 3.10 or later (apt-get install python3 python3-venv)"
requirements=$ROOT/test/tools/python/requirements.txt
venv=$CACHE/python-$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')-$(sha256sum <"$requirements" | cut -c1-12)
if [ -f "$venv/.complete" ]; then
  say "python tools ($(grep -E '^[a-z]' "$requirements" | tr '\n' ' ')): cached"
else
  say "python tools: installing $(grep -E '^[a-z]' "$requirements" | tr '\n' ' ')from PyPI"
  t=$SECONDS
  rm -rf "$venv"
  python3 -m venv "$venv" || fail "python3 -m venv failed: install the venv module (apt-get install python3-venv)"
  heartbeat "python tools" &
  hb=$!
  if ! "$venv/bin/pip" install --disable-pip-version-check -q -r "$requirements" >"$venv.log" 2>&1; then
    kill "$hb" 2>/dev/null || true
    tail -20 "$venv.log" >&2
    fail "pip install -r test/tools/python/requirements.txt failed (the lines above; log: $venv.log)"
  fi
  kill "$hb" 2>/dev/null || true
  touch "$venv/.complete"
  # Environments of earlier requirements are 1 GB each and cheap to make again: keep one.
  for old in "$CACHE"/python-*; do [ "$old" = "$venv" ] || [ "$old" = "$venv.log" ] || rm -rf "$old"; done
  say "python tools: installed in $(elapsed "$t")"
fi
mkdir -p "$LINKS"
ln -sfn "$venv/bin/mlflow" "$LINKS/mlflow"
ln -sfn "$venv/bin/model_signing" "$LINKS/model_signing"
# The interpreter the tests' client scripts (MLflow client) run on: a wrapper, not a link, since
# Python finds its virtual environment from the path it was started by.
printf '#!/bin/sh\nexec "%s" "$@"\n' "$venv/bin/python" >"$LINKS/test-python"
chmod +x "$LINKS/test-python"

# --- KServe's InferenceService CRD ------------------------------------------------------------
crd=$CACHE/kserve-crd-$KSERVE_VERSION/serving.kserve.io_inferenceservices.yaml
if [ -f "$crd" ]; then
  say "KServe CRD $KSERVE_VERSION: cached"
else
  say "KServe CRD $KSERVE_VERSION: from the kserve Go module (checked against the Go checksum database)"
  t=$SECONDS
  dir=$(cd "$(mktemp -d)" && go mod download -json "github.com/kserve/kserve@$KSERVE_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -f "$dir/config/crd/full/serving.kserve.io_inferenceservices.yaml" ] ||
    fail "KServe CRD: github.com/kserve/kserve@$KSERVE_VERSION has no config/crd/full/serving.kserve.io_inferenceservices.yaml"
  mkdir -p "$(dirname "$crd")"
  cp "$dir/config/crd/full/serving.kserve.io_inferenceservices.yaml" "$crd.tmp" && mv "$crd.tmp" "$crd"
  say "KServe CRD $KSERVE_VERSION: in $(elapsed "$t")"
fi
mkdir -p "$ROOT/.test-tools"
ln -sfn "$crd" "$ROOT/.test-tools/kserve-inferenceservices-crd.yaml"

# The model-validation-operator's ModelValidation CRD is not fetched: the Go module proxy does not
# serve github.com/sigstore/model-validation-operator (403), and no other registry carries it. The
# tests use a stand-in written from its Go types (test/control-plane/crds/, which says so at its top).

# --- The admission controllers' CRDs (docs/admission.md) ---------------------------------------
# Only the CRD files, from each project's Go module (checked against the Go checksum database):
# the policies in the docs are created against them on the test cluster, not run.
admission_crd() { # name module version path-in-module
  local file=$CACHE/admission-crds-$3/$1.yaml
  if [ -f "$file" ]; then
    say "$1 CRD $3: cached"
  else
    say "$1 CRD $3: from the $2 Go module"
    local dir
    dir=$(cd "$(mktemp -d)" && go mod download -json "$2@$3" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [ -f "$dir/$4" ] || fail "$1 CRD: $2@$3 has no $4"
    mkdir -p "$(dirname "$file")"
    cp "$dir/$4" "$file.tmp" && mv "$file.tmp" "$file"
  fi
  mkdir -p "$ROOT/.test-tools/admission-crds"
  ln -sfn "$file" "$ROOT/.test-tools/admission-crds/$1.yaml"
}
admission_crd kyverno-clusterpolicies github.com/kyverno/kyverno "$KYVERNO_VERSION" \
  config/crds/kyverno/kyverno.io_clusterpolicies.yaml
admission_crd policy-controller-clusterimagepolicies github.com/sigstore/policy-controller \
  "$POLICY_CONTROLLER_VERSION" config/300-clusterimagepolicy.yaml

say "ready in $(elapsed) ($LINKS)"
