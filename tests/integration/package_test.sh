#!/usr/bin/env bash
# cpack builds the release packages from the build tree: a .tar.gz and a .deb that hold
# bin/torchlint (which runs) and the docs.
#
# Usage: package_test.sh BUILD_DIR WORK_DIR
set -euo pipefail
build="$(cd "${1:?build dir}" && pwd)"
work="${2:?work dir}"
rm -rf "$work"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
fail() { echo "FAIL: $*" >&2; exit 1; }

cpack -G TGZ --config "$build/CPackConfig.cmake" -B "$work/tgz" >"$work/cpack-tgz.log" 2>&1 ||
  { cat "$work/cpack-tgz.log"; fail "cpack -G TGZ failed"; }
archive="$(ls "$work"/tgz/torchlint-*.tar.gz)"
echo "archive: $archive"
tar -tzf "$archive" >"$work/tgz.list"
grep -Eq '^[^/]+/bin/torchlint$' "$work/tgz.list" || { cat "$work/tgz.list"; fail "no bin/torchlint in the archive"; }
grep -Eq '^[^/]+/share/doc/torchlint/integrations.md$' "$work/tgz.list" || fail "no docs in the archive"
mkdir -p "$work/unpacked"
tar -xzf "$archive" -C "$work/unpacked"
"$work"/unpacked/*/bin/torchlint --version | grep -q torchlint || fail "the packaged binary does not run"
# The Clang engine plugin, where it was built, goes where the installed binary looks for it.
if [ -f "$build/torchlint-clang.so" ]; then
  grep -Eq '^[^/]+/lib/torchlint/torchlint-clang.so$' "$work/tgz.list" || fail "no lib/torchlint/torchlint-clang.so"
fi

if command -v dpkg-deb >/dev/null && command -v dpkg-shlibdeps >/dev/null; then
  cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/deb" >"$work/cpack-deb.log" 2>&1 ||
    { cat "$work/cpack-deb.log"; fail "cpack -G DEB failed"; }
  deb="$(ls "$work"/deb/torchlint_*.deb)"
  echo "package: $deb"
  dpkg-deb -c "$deb" >"$work/deb.list"
  grep -q ' ./usr/bin/torchlint$' "$work/deb.list" || { cat "$work/deb.list"; fail "no /usr/bin/torchlint in the .deb"; }
  grep -q ' ./usr/share/doc/torchlint/integrations.md$' "$work/deb.list" || fail "no docs in the .deb"
  depends="$(dpkg-deb -f "$deb" Depends)"
  echo "Depends: $depends"
  grep -q 'libstdc++6' <<<"$depends" || fail "the .deb declares no dependencies"
fi
echo "PASS: packages"
