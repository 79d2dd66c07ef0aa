#!/usr/bin/env bash
# Everything of the GPU issue in one call on a two-GPU machine, inside DEADLINE seconds: the
# environment, the build and GPU tests of reference_impl/README.md (ctest -L gpu, the
# two-GPU NCCL test included), then the benchmark (bench/gpu_run.sh) on GPU 0 while
# compute-sanitizer's memcheck and the CPU tests run on GPU 1. Full logs go to $OUT (or
# ./gpu-out); a summary goes to stdout. Usage: DEADLINE=580 bash bench/gpu_all.sh
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${OUT:-$root/gpu-out}
mkdir -p "$out"
deadline=${DEADLINE:-580}
export TORCH_CUDA_ARCH_LIST=9.0 NCCL_NVLS_ENABLE=0 PYTHONUNBUFFERED=1
cd "$root" || exit 1
start=$(date +%s)
stamp() { echo "== $(($(date +%s) - start)) s: $*"; }
left() { echo $((deadline - ($(date +%s) - start))); }
# Seconds left minus $1, at least 10: a timeout for the next step.
tleft() { local seconds=$(($(left) - $1)); ((seconds < 10)) && seconds=10; echo "$seconds"; }

stamp environment
nvidia-smi --query-gpu=index,name,memory.total,driver_version,clocks.max.sm --format=csv
python3 -c 'import sys, torch; print("torch", torch.__version__, "cuda", torch.version.cuda,
      "devices", torch.cuda.device_count(), "python", sys.version.split()[0])'
python3 -c 'import torchvision; print("torchvision", torchvision.__version__)' ||
  echo "torchvision: not importable"
cmake --version | head -1
nvcc --version | tail -1
command -v compute-sanitizer || echo "compute-sanitizer: not on PATH"

stamp "configure and build (log: build.log)"
prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
cmake -S reference_impl -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DTORCHLINT_REFIMPL_CUDA=ON -DCMAKE_PREFIX_PATH="$prefix" \
  -DTORCHLINT_REFIMPL_PYTHON="$(command -v python3)" >"$out/build.log" 2>&1 ||
  tail -30 "$out/build.log"
grep -E "reference_impl:|compute-sanitizer" "$out/build.log" | head -12
cmake --build build-gpu -j 16 >>"$out/build.log" 2>&1 ||
  grep -E -A8 "error|Error" "$out/build.log" | head -60

stamp "GPU tests (log: ctest_gpu.log)"
timeout 240 ctest --test-dir build-gpu -L gpu -E memcheck -j 4 -V \
  --output-on-failure >"$out/ctest_gpu.log" 2>&1
echo "ctest rc=$?"
grep -E "tests passed|\*\*\*|Failed|Not Run|SKIPPED \[|passed|failed|skipped" \
  "$out/ctest_gpu.log" | grep -v "^\[ *OK" | tail -40

stamp "memcheck and CPU tests on GPU 1 (logs: memcheck.log, ctest_cpu.log), benchmark on GPU 0"
(
  export CUDA_VISIBLE_DEVICES=1
  timeout "$(tleft 20)" ctest --test-dir build-gpu -R memcheck -V \
    >"$out/memcheck.log" 2>&1
  echo "memcheck rc=$?" >>"$out/memcheck.log"
  timeout "$(tleft 20)" nice ctest --test-dir build-gpu -LE gpu -j 6 --output-on-failure \
    >"$out/ctest_cpu.log" 2>&1
  echo "cpu ctest rc=$?" >>"$out/ctest_cpu.log"
) &
background=$!
budget=$(($(left) - 110))
((budget > 200)) && budget=200
((budget < 60)) && budget=60
CUDA_VISIBLE_DEVICES=0 timeout "$(tleft 15)" bash bench/gpu_run.sh build-gpu \
  --budget-s "$budget" --out "$out" >"$out/bench.log" 2>&1
echo "bench rc=$?"
wait "$background"
grep -E "ERROR SUMMARY|PASSED|SKIPPED|FAILED|tests passed|Timeout|rc=" "$out/memcheck.log" | tail -8
grep -E "tests passed|\*\*\*Failed|rc=" "$out/ctest_cpu.log" | tail -12

stamp done
grep -E -A200 "copy bandwidth .* GB/s; M = N/4" "$out/bench.log" | head -70
