#!/usr/bin/env bash
# Installs what the VS Code tests need and is missing: Debian packages (when root) and code-server
# 4.100.3 into a cache directory outside the repo, offline apart from the npm registry.
# Idempotent and quiet when everything is there; prints the code-server directory with --print-dir.
#   SHOAL_CACHE   cache root (default ~/.cache/shoal); code-server lands in $SHOAL_CACHE/code-server-<version>
set -euo pipefail

version=4.100.3
cache="${SHOAL_CACHE:-$HOME/.cache/shoal}"
dir="$cache/code-server-$version"

# Debian packages: a browser for the workbench, ripgrep for the offline install, and the headers that
# code-server's postinstall needs to build its native modules (kerberos, node-pty, spdlog, ...).
packages=(chromium ripgrep libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev build-essential python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup-vscode: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup-vscode: missing Debian packages: ${missing[*]} (as root: apt-get install ${missing[*]})" >&2
  fi
fi

if [ -f "$dir/.installed" ] && [ -x "$dir/node_modules/.bin/code-server" ]; then
  [ "${1:-}" = --print-dir ] && echo "$dir"
  exit 0
fi

echo "setup-vscode: installing code-server $version into $dir" >&2
mkdir -p "$cache"
stage="$(mktemp -d "$cache/.code-server-$version.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/tmp"
echo '{ "private": true }' >"$stage/package.json"

# @vscode/ripgrep's postinstall downloads ripgrep from GitHub unless its cache tarball exists under
# os.tmpdir(): seed it with Debian's rg (one file `rg` at the tarball's top) in the install's own TMPDIR.
rg="$(command -v rg || true)"
if [ -z "$rg" ]; then
  echo "setup-vscode: ripgrep (rg) is required for an offline install: apt-get install ripgrep" >&2
  exit 1
fi
rgcache="$stage/tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$rgcache"
tar -czf "$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$rg")" rg

# --unsafe-perm: the postinstall must run with root's permissions; npm_config_yes: an inner `npx node-gyp`
# would otherwise stop at a prompt.
log="$stage/install.log"
if ! (cd "$stage" && TMPDIR="$stage/tmp" npm_config_yes=true npm install --unsafe-perm --no-audit --no-fund \
  --no-save "code-server@$version" >"$log" 2>&1); then
  tail -n 60 "$log" >&2
  echo "setup-vscode: code-server install failed (log above)" >&2
  exit 1
fi
rm -rf "$stage/tmp"
touch "$stage/.installed"
rm -rf "$dir"
mv "$stage" "$dir"
trap - EXIT
echo "setup-vscode: code-server $version ready" >&2
[ "${1:-}" = --print-dir ] && echo "$dir"
exit 0
