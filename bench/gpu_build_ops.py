"""Fallback build of the fused-kernel library with torch.utils.cpp_extension (ninja).

reference_impl's CMake build (README.md) is the way to build it; this exists so that a GPU
session whose CMake configuration fails can still run the Python tests and the benchmark.
Prints the path of the library it built (the last line of its output).

Usage: python3 bench/gpu_build_ops.py [BUILD_DIR]
"""

from __future__ import annotations

import pathlib
import sys

import torch.utils.cpp_extension as extension

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOURCES = ROOT / "reference_impl" / "cpp" / "src" / "cuda"


def main() -> int:
    build = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build-gpu-ext")
    build.mkdir(parents=True, exist_ok=True)
    extension.load(
        name="torchlint_reference_ops",
        sources=[str(SOURCES / "fused_detection_loss_op.cpp"), str(SOURCES / "fused_detection_loss.cu")],
        extra_include_paths=[str(ROOT / "reference_impl" / "cpp" / "include")],
        extra_cflags=["-O2", "-std=c++17"],
        extra_cuda_cflags=["-O3", "-std=c++17"],
        build_directory=str(build),
        is_python_module=False,
    )
    print(build / "torchlint_reference_ops.so")
    return 0


if __name__ == "__main__":
    sys.exit(main())
