#!/bin/sh
# Usage: bench/cpp_recovery_stats.sh BUILD_DIR DIR... [--show N]
# Compiles bench/cpp_recovery_stats.cpp against BUILD_DIR's torchlint_core and runs it.
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
build=$1; shift
ts="$here/grammars/node_modules/tree-sitter/vendor/tree-sitter/lib/include"
c++ -std=c++20 -O2 -I"$here" -I"$ts" "$here/bench/cpp_recovery_stats.cpp" -o "$build/cpp_recovery_stats" \
  "$build/libtorchlint_core.a" "$build/grammars/libts_runtime.a" "$build/grammars/libts_python.a" \
  "$build/grammars/libts_cpp.a" -ltomlplusplus -lpthread
exec "$build/cpp_recovery_stats" "$@"
