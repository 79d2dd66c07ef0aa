#!/usr/bin/env bash
# The `torchlint-build` pre-commit hook: builds torchlint from this checkout the first
# time it runs, caches the installed binary, and runs `torchlint check` on the files
# pre-commit passes. The cache is keyed by the checkout's commit, so a new `rev` in a
# user's .pre-commit-config.yaml builds once and every later commit reuses it.
#
# Environment: TORCHLINT_HOOK_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/torchlint/pre-commit).
set -euo pipefail

hook_root="$(cd "$(dirname "$0")/.." && pwd)"
cache_root="${TORCHLINT_HOOK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/torchlint/pre-commit}"

checkout_key() {
  if key="$(git -C "$hook_root" rev-parse HEAD 2>/dev/null)"; then
    echo "$key"
    return
  fi
  # Not a git checkout (an unpacked archive): the sources themselves are the key.
  (cd "$hook_root" && find CMakeLists.txt grammars/package-lock.json grammars/CMakeLists.txt linter rules -type f \
      -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-40)
}

build() {
  local prefix="$1" work="$1.tmp.$$"
  echo "torchlint: building from $hook_root (first use of this revision; later runs reuse $prefix)" >&2
  rm -rf "$work"
  mkdir -p "$work"
  # The build's chatter goes to a log, shown only when the build fails.
  if ! build_steps "$work" >"$work.log" 2>&1; then
    cat "$work.log" >&2
    echo "torchlint: the build failed (log: $work.log)" >&2
    exit 3
  fi
  mv "$work/install" "$prefix"
  rm -rf "$work" "$work.log"
}

# Every step checked explicitly: `set -e` does not apply inside a function run as an `if` condition.
build_steps() {
  local work="$1"
  if [ ! -f "$hook_root/grammars/node_modules/tree-sitter/vendor/tree-sitter/lib/src/lib.c" ]; then
    (cd "$hook_root/grammars" && npm ci --ignore-scripts --no-audit --no-fund) || return
  fi
  local generator=()
  if command -v ninja >/dev/null; then generator=(-G Ninja); fi
  # Relative paths in ccache's view, so that pre-commit's fresh clones of the same
  # sources hit the cache.
  export CCACHE_BASEDIR="$hook_root"
  cmake -S "$hook_root" -B "$work/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DTORCHLINT_BUILD_TESTS=OFF -DTORCHLINT_BUILD_REFERENCE_IMPL=OFF || return
  cmake --build "$work/build" --target torchlint -j "$(nproc 2>/dev/null || echo 2)" || return
  cmake --install "$work/build" --prefix "$work/install"
}

key="$(checkout_key)"
prefix="$cache_root/$key"
binary="$prefix/bin/torchlint"
if [ ! -x "$binary" ]; then
  mkdir -p "$cache_root"
  # One build at a time, whoever wins; the others find the binary afterwards.
  exec 9>"$cache_root/.lock"
  flock 9
  if [ ! -x "$binary" ]; then build "$prefix"; fi
  exec 9>&-
fi
exec "$binary" check "$@"
