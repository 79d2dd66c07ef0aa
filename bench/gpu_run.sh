#!/usr/bin/env bash
# Builds reference_impl's fused CUDA kernels against this machine's PyTorch (LibTorch from
# `torch.utils.cmake_prefix_path`) and runs bench/gpu_detection_loss.py with them: one call
# on the GPU machine. Usage: bash bench/gpu_run.sh [BUILD_DIR] [benchmark options...]
# BUILD_DIR defaults to build-gpu, where reference_impl/README.md's GPU test command builds;
# a build there is reused. Should CMake fail, bench/gpu_build_ops.py builds the library.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build-gpu}
shift || true
python=${PYTHON:-python3}
export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0}
export NCCL_NVLS_ENABLE=0 PYTHONUNBUFFERED=1
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root/reference_impl" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DTORCHLINT_REFIMPL_CUDA=ON -DTORCHLINT_REFIMPL_PYTHON="$(command -v "$python")" \
    -DCMAKE_PREFIX_PATH="$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)')"
fi
if cmake --build "$build" --target torchlint_reference_ops; then
  export TORCHLINT_REFERENCE_OPS_LIBRARY="$build/libtorchlint_reference_ops.so"
else
  echo "CMake build failed: building the library with torch.utils.cpp_extension instead"
  TORCHLINT_REFERENCE_OPS_LIBRARY=$("$python" "$root/bench/gpu_build_ops.py" | tail -1)
  export TORCHLINT_REFERENCE_OPS_LIBRARY
fi
nvidia-smi --query-gpu=name,memory.total,clocks.max.sm,clocks.max.mem --format=csv || true
"$python" "$root/bench/gpu_detection_loss.py" "$@"
