#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer, with the libFuzzer
# targets built in the same instrumented tree and run for a short time each (issue 8).
# scripts/test.sh calls it; idempotent.
#
#   scripts/sanitize.sh [--fuzz-seconds N] [CTEST_ARGS...]
#
# Tests left out here: the release packaging and the pre-commit hook that builds a
# release torchlint (they test the build, not the code), and the Clang engine's tests (the
# engine is off in this tree, its LLVM libraries not being instrumented; the main suite runs
# them). ClangEngineSyntax tests still run: they check this build's fallback.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fuzz_seconds=10
if [ "${1:-}" = "--fuzz-seconds" ]; then
  fuzz_seconds="$2"
  shift 2
fi
"$root/scripts/install-deps.sh"
# ccache hashes absolute paths (and, with -g, the build directory) unless told otherwise:
# with these a fresh clone elsewhere (CI) reuses what this machine compiled before. The
# cost: debug info of a reused object names the directory it was first compiled in.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
cd "$root"
cmake --preset asan -DTORCHLINT_FUZZ=ON -DTORCHLINT_FUZZ_SECONDS="$fuzz_seconds" >/dev/null
cmake --build --preset asan -j "$(nproc)"
ctest --preset asan -j "$(nproc)" -E '^(cpack_packages|precommit_build_hook|ClangEngine\..*)$' "$@"
