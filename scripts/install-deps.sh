#!/usr/bin/env bash
# Installs what building and testing torchlint needs, from Debian's packages and the
# npm registry. Idempotent: installs only what is missing.
set -euo pipefail

PACKAGES=(
  cmake ninja-build g++ ccache
  nlohmann-json3-dev libtomlplusplus-dev libcli11-dev libgtest-dev
  # the allocator the torchlint executable links (CMakeLists.txt, bench/NOTES.md)
  libmimalloc-dev
  # reference_impl and the Python-side tests
  libtorch-dev libgloo-dev python3-torch python3-pytest python3-onnx
  # integration tests with real clients, schema validation, McCabe reference
  pre-commit neovim python3-jsonschema python3-mccabe git
  # packaging: cpack's .deb computes its Depends with dpkg-shlibdeps
  dpkg-dev
  # `--diff` output is applied with patch (tests/fix_test.cpp)
  patch
  # fuzzing and sanitizers
  clang-14 libclang-rt-14-dev
  # the type-aware C++ engine on Clang LibTooling (linter/clang/, TORCHLINT_WITH_CLANG)
  libclang-14-dev libclang-cpp14-dev llvm-14-dev
)

# Node.js and npm: the base machine may have its own (not Debian's, which conflict with it).
if ! command -v npm >/dev/null; then PACKAGES+=(nodejs npm); fi

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Pinned tree-sitter runtime and grammars (CMake compiles their C sources).
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -f "$root/grammars/node_modules/tree-sitter-cpp/src/parser.c" ] ||
   [ ! -f "$root/grammars/node_modules/tree-sitter-python/src/parser.c" ] ||
   [ ! -f "$root/grammars/node_modules/tree-sitter/vendor/tree-sitter/lib/src/lib.c" ]; then
  (cd "$root/grammars" && npm ci --ignore-scripts --no-audit --no-fund)
fi
