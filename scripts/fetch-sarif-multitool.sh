#!/usr/bin/env bash
# Installs the SARIF multitool (npm package @microsoft/sarif-multitool-linux, pinned) into
# a cache directory, for the SARIF validation tests. The package also ships the official
# SARIF 2.1.0 JSON schema (sarif-2.1.0.json). Idempotent and safe to run concurrently.
# Prints the package directory.
#
# Usage: scripts/fetch-sarif-multitool.sh CACHE_DIR
set -euo pipefail
version=5.7.0
cache="${1:?usage: fetch-sarif-multitool.sh CACHE_DIR}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
package="$cache/node_modules/@microsoft/sarif-multitool-linux"

installed() {
  [ -x "$package/Sarif.Multitool" ] && [ -f "$package/sarif-2.1.0.json" ] &&
    grep -q "\"version\": \"$version\"" "$package/package.json"
}

if ! installed; then
  exec 9>"$cache/.lock"
  flock 9
  if ! installed; then
    echo "fetch-sarif-multitool: installing @microsoft/sarif-multitool-linux@$version into $cache" >&2
    # --ignore-scripts: install nothing that runs code at install time; the only script
    # the package has makes the binary executable, done here instead.
    npm install --prefix "$cache" --no-save --no-audit --no-fund --ignore-scripts \
      "@microsoft/sarif-multitool-linux@$version" >&2
    chmod u+x "$package/Sarif.Multitool"
  fi
fi
echo "$package"
