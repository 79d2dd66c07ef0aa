#!/usr/bin/env bash
# Quick start 2: builds everything and runs the whole test suite, then the same suite under
# AddressSanitizer + UndefinedBehaviorSanitizer with a short run of every fuzz target
# (scripts/sanitize.sh). Idempotent. Arguments go to the first ctest run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/build.sh"
(cd "$root/build" && ctest --output-on-failure -j "$(nproc)" "$@")
"$root/scripts/sanitize.sh"
