#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan+UBSan) and runs each for a given time.
#
#   scripts/fuzz.sh [--time SECONDS] [--build-dir DIR] [--no-build] [--fresh] [--replay] [TARGET...]
#
# TARGETs: python, cpp, config, cache (default: all four). Seeds come from fixtures/ (copied
# fresh each run); the growing corpus and crash artifacts live under DIR/fuzz/. --fresh
# starts from the seeds alone in a scratch corpus (what ctest does: libFuzzer runs every
# corpus input before its time limit starts, so a grown corpus would stretch a short run
# to minutes). With
# --replay, the saved crash inputs in tests/fuzz/regressions/TARGET/ are run once each
# instead (what ctest's fuzz_*_regressions tests do). Exit status: non-zero on a crash.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds=60
build_dir="$root/build-fuzz"
build=1
replay=0
fresh=0
targets=()
while (($#)); do
  case "$1" in
    --time) seconds="$2"; shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --replay) replay=1; shift ;;
    --fresh) fresh=1; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    python|cpp|config|cache) targets+=("$1"); shift ;;
    *) echo "fuzz.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
((${#targets[@]})) || targets=(python cpp config cache)

if ((build)); then
  (cd "$root" && cmake --preset fuzz -B "$build_dir" >/dev/null)
  cmake --build "$build_dir" --target fuzz_python fuzz_cpp fuzz_config fuzz_cache torchlint
fi

# Sanitizer reports end the run with a stack trace; leaks count as crashes too.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

seed_patterns() {
  case "$1" in
    python) echo "-name *.py -o -name *.pyi" ;;
    cpp) echo "-name *.cpp -o -name *.cc -o -name *.cxx -o -name *.h -o -name *.hpp -o -name *.cu -o -name *.cuh" ;;
    config) echo "-name *.toml" ;;
  esac
}

# Copies the fixtures of one target's language into a flat seed directory; the cache
# target's seed is a real cache file, written by checking the fixtures.
make_seeds() {
  local target="$1" seeds="$2"
  rm -rf "$seeds"
  mkdir -p "$seeds"
  if [ "$target" = cache ]; then
    local scratch
    scratch="$(mktemp -d)"
    (cd "$root" && "$build_dir/torchlint" check --isolated --select ALL --exit-zero --quiet \
      --cache-dir "$scratch" fixtures/python/TL50*.py >/dev/null 2>&1) || true
    find "$scratch" -name cache.bin -exec cp {} "$seeds/fixtures.bin" \;
    rm -rf "$scratch"
    return
  fi
  # shellcheck disable=SC2046 # the patterns are meant to split into find arguments
  (cd "$root" && set -f && find fixtures -type f \( $(seed_patterns "$target") \)) |
    while read -r file; do cp "$root/$file" "$seeds/${file//\//_}"; done
}

status=0
for target in "${targets[@]}"; do
  binary="$build_dir/tests/fuzz/fuzz_$target"
  [ -x "$binary" ] || { echo "fuzz.sh: $binary is not built" >&2; exit 2; }
  if ((replay)); then
    inputs=("$root/tests/fuzz/regressions/$target"/*)
    if [ ! -e "${inputs[0]}" ]; then
      echo "fuzz_$target: no saved crash inputs"
      continue
    fi
    echo "fuzz_$target: replaying ${#inputs[@]} saved crash inputs"
    "$binary" -timeout=30 "${inputs[@]}" || status=1
    continue
  fi
  work="$build_dir/fuzz"
  make_seeds "$target" "$work/seeds/$target"
  corpus="$work/corpus/$target"
  if ((fresh)); then
    corpus="$work/corpus/$target.fresh"
    rm -rf "$corpus"
  fi
  mkdir -p "$corpus" "$work/artifacts/$target"
  dict=()
  [ -f "$root/tests/fuzz/$target.dict" ] && dict=("-dict=$root/tests/fuzz/$target.dict")
  echo "fuzz_$target: fuzzing for ${seconds}s"
  if ! "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$work/artifacts/$target/" "${dict[@]}" \
      "$corpus" "$work/seeds/$target"; then
    echo "fuzz_$target: FAILED; the input is in $work/artifacts/$target/." \
         "Fix the bug and copy the input to tests/fuzz/regressions/$target/." >&2
    status=1
  fi
done
exit "$status"
