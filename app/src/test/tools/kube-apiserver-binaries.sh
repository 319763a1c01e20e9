#!/usr/bin/env bash
# Prints the folder that holds `etcd` and `kube-apiserver` (the envtest layout), providing it first:
#   1. $KUBEBUILDER_ASSETS if set (bring your own binaries, as setup-envtest produces them);
#   2. else a cached build under ${XDG_CACHE_HOME:-~/.cache}/helm-warden/kube-assets;
#   3. else builds kube-apiserver from Debian's `kubernetes` source package with Debian's Go and takes
#      etcd from Debian's `etcd-server` (about 9 minutes on 2 cores, once; root needed for apt).
# Progress goes to stderr; stdout carries only the folder, so callers can capture it.
set -euo pipefail

log() { printf 'kube-apiserver-binaries: %s\n' "$*" >&2; }
usable() { [ -x "$1/etcd" ] && [ -x "$1/kube-apiserver" ]; }

if [ -n "${KUBEBUILDER_ASSETS:-}" ]; then
  usable "$KUBEBUILDER_ASSETS" || { log "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS lacks an executable etcd or kube-apiserver"; exit 1; }
  echo "$KUBEBUILDER_ASSETS"; exit 0
fi

cache="${XDG_CACHE_HOME:-$HOME/.cache}/helm-warden/kube-assets"
if usable "$cache"; then echo "$cache"; exit 0; fi

if [ "$(id -u)" != 0 ]; then
  log "no binaries found. Either set KUBEBUILDER_ASSETS to a folder holding etcd and kube-apiserver,"
  log "or run this script once as root (it installs Debian's etcd-server, golang-go, rsync and jq,"
  log "and builds kube-apiserver from Debian's kubernetes source package into $cache)."
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if [ ! -f /etc/apt/sources.list.d/helm-warden-src.sources ]; then
  log "adding a deb-src entry for Debian's kubernetes source package"
  cat > /etc/apt/sources.list.d/helm-warden-src.sources <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
log "installing etcd-server golang-go rsync jq"
apt-get update -qq >&2
apt-get install -y -qq etcd-server golang-go rsync jq >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
log "fetching the kubernetes source package"
apt-get source --download-only kubernetes >&2
tar -xzf kubernetes_*.orig.tar.gz
tree=$(find . -maxdepth 1 -mindepth 1 -type d | head -n 1)
cd "$tree"
log "building kube-apiserver in $work (about 9 minutes on 2 cores)"
export GOPATH=$PWD/.go CGO_ENABLED=0 GOFLAGS= GO111MODULE=
mkdir -p .go/src/k8s.io
ln -s ../../.. .go/src/k8s.io/kubernetes
make WHAT=cmd/kube-apiserver >&2

mkdir -p "$cache.tmp"
cp _output/bin/kube-apiserver "$cache.tmp/"
ln -sf "$(command -v etcd)" "$cache.tmp/etcd"
rm -rf "$cache" && mv "$cache.tmp" "$cache"
log "ready: $cache ($("$cache/kube-apiserver" --version 2>&1))"
echo "$cache"
