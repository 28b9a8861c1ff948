#!/usr/bin/env bash
# Installs what Shoal needs and is missing: Debian packages (when root), npm dependencies, the build.
# Idempotent and quiet when everything is there; `npm start` and `npm test` both run it first.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need dockerd docker.io
need containerd containerd
need ip iproute2
need iptables iptables
need unshare util-linux
need tini tini
need tar tar
need curl curl
# The image's busybox must be static (it runs alone in a container): `ldd` fails on a static binary.
if ! command -v busybox >/dev/null 2>&1 || ldd "$(command -v busybox)" >/dev/null 2>&1; then
  missing+=(busybox-static)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]} (run as root to install them: apt-get install ${missing[*]})" >&2
  fi
fi

# npm dependencies: install when absent or when the lock file's content differs from the one last installed
# (content, not timestamps: a fresh checkout or worktree has a newer lock file with the same content).
# A node_modules that is a symlink is shared with another checkout: never `npm ci` through it.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.shoal-lock.sha256
if [ -L node_modules ]; then
  if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ]; then
    echo "setup: node_modules is a symlink (shared); not installing into it although package-lock.json differs" >&2
  fi
elif [ ! -f node_modules/.package-lock.json ] || [ "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ]; then
  echo "setup: installing npm dependencies" >&2
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" >"$stamp"
fi

node scripts/build.mjs
