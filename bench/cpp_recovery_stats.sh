#!/bin/sh
# Usage: bench/cpp_recovery_stats.sh BUILD_DIR DIR... [--show N]
# Builds the cpp-recovery-stats target in BUILD_DIR and runs it over the C++ files under DIR...
# e.g. bench/cpp_recovery_stats.sh build /usr/include/torch /usr/include/ATen
set -e
build=$1; shift
cmake --build "$build" --target cpp-recovery-stats >/dev/null
exec "$build/bench/cpp-recovery-stats" "$@"
