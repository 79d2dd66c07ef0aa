#!/usr/bin/env bash
# The benchmark (issue 7): prepares the corpora, times torchlint against its floor and
# its peers with hyperfine in one run, and writes bench/results.md.
#   bench/run.sh [--quick]     (--quick: fewer runs, skips pylint)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
quick=0
[ "${1:-}" = "--quick" ] && quick=1

"$root/scripts/install-deps.sh"
need=()
for package in hyperfine flake8 pylint time; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || need+=("$package")
done
if ((${#need[@]})); then
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO=sudo
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
cmake -S "$root" -B "$root/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTORCHLINT_BUILD_TESTS=OFF \
  -DTORCHLINT_BUILD_REFERENCE_IMPL=OFF >/dev/null
cmake --build "$root/build-bench" --target torchlint torchlint-floor torchlint-floor-stock -j "$(nproc)" >/dev/null
tl="$root/build-bench/torchlint"
floor="$root/build-bench/bench/torchlint-floor"
# The stock parse: tree-sitter at -O2 with glibc malloc (what issue 7 names the floor).
stock="$root/build-bench/bench/torchlint-floor-stock"

# Ruff compiled to WebAssembly, pinned, from the npm registry.
if [ ! -f "$here/out/ruff/node_modules/@astral-sh/ruff-wasm-nodejs/package.json" ]; then
  mkdir -p "$here/out/ruff"
  (cd "$here/out/ruff" && npm install --no-audit --no-fund --silent @astral-sh/ruff-wasm-nodejs@0.17.4 >/dev/null)
fi
export RUFF_WASM_MODULE="$here/out/ruff/node_modules/@astral-sh/ruff-wasm-nodejs"

# Corpora: the Python tree of Debian's python3-torch, the LibTorch headers, and a
# synthetic tree of 10 copies of the torch tree.
corpus="$here/corpus"
torch_src=/usr/lib/python3/dist-packages/torch
if [ ! -d "$corpus/torch" ]; then
  mkdir -p "$corpus/torch"
  (cd "$torch_src" && find . -name '*.py' -exec cp --parents {} "$corpus/torch/" \;)
fi
if [ ! -d "$corpus/libtorch" ]; then
  mkdir -p "$corpus/libtorch"
  cp -r /usr/include/torch "$corpus/libtorch/torch"
  cp -r /usr/include/ATen "$corpus/libtorch/ATen"
fi
if [ ! -d "$corpus/synthetic10" ]; then
  mkdir -p "$corpus/synthetic10"
  for i in $(seq 1 10); do cp -r "$corpus/torch" "$corpus/synthetic10/copy$i"; done
fi

runs=10; [ "$quick" = 1 ] && runs=3
out="$here/out"
mkdir -p "$out"
cache="$out/cache"
# hf NAME [--runs N] HYPERFINE_ARGS...: median of $runs runs (or N) after one warm-up.
hf() {
  local name="$1" n="$runs"
  shift
  if [ "${1:-}" = "--runs" ]; then n="$2"; shift 2; fi
  hyperfine --style basic --warmup 1 --runs "$n" --export-json "$out/$name.json" "$@" >/dev/null
}
check="$tl check --exit-zero -q --select ALL"

hf torch_cold_j1 "$check -j 1 --no-cache $corpus/torch"
hf torch_cold_j2 "$check -j 2 --no-cache $corpus/torch"
hf torch_floor_j1 "$floor -j 1 $corpus/torch"
hf torch_floor_j2 "$floor -j 2 $corpus/torch"
hf torch_parse_j1 "$floor -j 1 --parse-only $corpus/torch"
hf torch_stock_j1 "$stock -j 1 $corpus/torch"
hf torch_stock_j2 "$stock -j 2 $corpus/torch"
rm -rf "$cache"; $check -j 2 --cache-dir "$cache" "$corpus/torch"
hf torch_warm_j2 "$check -j 2 --cache-dir $cache $corpus/torch"
hf torch_touch_j2 --prepare "touch $corpus/torch/nn/modules/conv.py" "$check -j 2 --cache-dir $cache $corpus/torch"
hf synthetic10_cold_j2 --runs 3 "$check -j 2 --no-cache $corpus/synthetic10"
hf libtorch_cold_j2 "$check -j 2 --no-cache $corpus/libtorch"
hf libtorch_floor_j2 "$floor -j 2 $corpus/libtorch"
hf ruff_wasm_default "node --liftoff-only $here/ruff_wasm.js $corpus/torch"
hf ruff_wasm_classic "node --liftoff-only $here/ruff_wasm.js --classic $corpus/torch"
hyperfine --style basic --runs 1 --export-json "$out/flake8_j2.json" "flake8 -j 2 --exit-zero $corpus/torch" >/dev/null
if [ "$quick" = 0 ]; then
  hyperfine --style basic --runs 1 --export-json "$out/pylint_j2.json" "pylint -j 2 --exit-zero $corpus/torch" >/dev/null 2>&1 || true
fi

# Peak RSS of single runs.
rss() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
{
  echo "torch_cold_j2 $(rss $check -j 2 --no-cache "$corpus/torch")"
  echo "synthetic10_cold_j2 $(rss $check -j 2 --no-cache "$corpus/synthetic10")"
  echo "torch_floor_j2 $(rss "$floor" -j 2 "$corpus/torch")"
  echo "ruff_wasm_default $(rss node --liftoff-only "$here/ruff_wasm.js" "$corpus/torch")"
} >"$out/rss.txt"

# Editor latency: didChange -> publishDiagnostics on a 2,000-line file, debounce 0.
/usr/bin/python3 "$here/lsp_latency.py" --torchlint "$tl" >"$out/lsp.txt"

/usr/bin/python3 "$here/report.py" "$out" "$corpus" >"$here/results.md"
cat "$here/results.md"
