#!/usr/bin/env bash
# What the benchmark needs besides the test prerequisites: wrk (load) and kubectl (the sequential baseline
# of the migration comparison), from Debian. Installs them when missing and this runs as root.
set -euo pipefail
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v kubectl >/dev/null || missing+=(kubernetes-client)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "benchmark: install ${missing[*]} (apt-get install ${missing[*]}) or run as root" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2 || {
    apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; }
fi
# The test tools provide etcd and kube-apiserver (built from Debian's sources when not cached).
bash "$(dirname "$0")/test-prerequisites.sh"
