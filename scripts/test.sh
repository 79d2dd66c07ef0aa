#!/usr/bin/env bash
# Quick start 2: builds everything and runs the whole test suite. Idempotent.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/build.sh"
cd "$root/build"
ctest --output-on-failure -j "$(nproc)" "$@"
