#!/usr/bin/env bash
# Installs what the integration and UI tests need on a fresh machine of this kind, and nothing twice:
# Debian's Chromium and ChromeDriver, a PostgreSQL server, and etcd + kube-apiserver (see
# kube-apiserver-binaries.sh). Root installs with apt; without root it says what is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
log() { printf 'test-prerequisites: %s\n' "$*" >&2; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
# The server refuses to run as root; the tests run it as this account when they are root.
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then missing+=(postgresql); fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${missing[*]}. Install them (sudo apt-get install ${missing[*]}) and run again."
    exit 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

assets=$(bash "$here/kube-apiserver-binaries.sh")
log "chromium: $(chromium --version 2>/dev/null | head -n 1)"
log "postgres: $(ls -d /usr/lib/postgresql/*/bin | head -n 1)"
log "kube-apiserver: $assets"
