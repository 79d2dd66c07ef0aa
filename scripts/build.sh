#!/usr/bin/env bash
# Configures and builds torchlint (and its tests) into build/. Idempotent.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
# ccache hashes absolute paths (and, with -g, the build directory) unless told otherwise:
# with these a fresh clone elsewhere (CI) reuses what this machine compiled before. The
# cost: debug info of a reused object names the directory it was first compiled in.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$root/build" -j "$(nproc)"
