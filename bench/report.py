#!/usr/bin/python3
"""Turns the hyperfine JSON files of bench/run.sh into bench/results.md."""
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys

out = pathlib.Path(sys.argv[1])
corpus = pathlib.Path(sys.argv[2])


def median(name: str) -> float:
    path = out / f"{name}.json"
    if not path.exists():
        return float("nan")
    return statistics.median(json.loads(path.read_text())["results"][0]["times"])


def tree_size(directory: pathlib.Path, suffixes: tuple) -> tuple:
    files = [p for p in directory.rglob("*") if p.is_file() and p.suffix in suffixes]
    return len(files), sum(p.stat().st_size for p in files)


rss = {}
for line in (out / "rss.txt").read_text().splitlines():
    key, _, value = line.partition(" ")
    rss[key] = int(value) // 1024 if value.strip().isdigit() else None

py_files, py_bytes = tree_size(corpus / "torch", (".py",))
cpp_files, cpp_bytes = tree_size(corpus / "libtorch", (".h", ".hpp", ".cuh", ".cpp", ".cu"))
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True,
                     text=True).stdout.strip()

rows = [
    ("torchlint cold, -j 1", "torch_cold_j1", py_files, py_bytes),
    ("torchlint cold, -j 2", "torch_cold_j2", py_files, py_bytes),
    ("torchlint warm (cache hit), -j 2", "torch_warm_j2", py_files, py_bytes),
    ("torchlint after touching one file, -j 2", "torch_touch_j2", py_files, py_bytes),
    ("floor: parse + walk, -j 1", "torch_floor_j1", py_files, py_bytes),
    ("floor: parse + walk, -j 2", "torch_floor_j2", py_files, py_bytes),
    ("floor: parse only, -j 1", "torch_parse_j1", py_files, py_bytes),
    ("stock floor (tree-sitter -O2, glibc malloc): parse + walk, -j 1", "torch_stock_j1", py_files, py_bytes),
    ("stock floor (tree-sitter -O2, glibc malloc): parse + walk, -j 2", "torch_stock_j2", py_files, py_bytes),
    ("Ruff-wasm 0.17.4, default rules (node --liftoff-only)", "ruff_wasm_default", py_files, py_bytes),
    ("Ruff-wasm 0.17.4, E4/E7/E9/F (node --liftoff-only)", "ruff_wasm_classic", py_files, py_bytes),
    ("flake8 -j 2", "flake8_j2", py_files, py_bytes),
    ("pylint -j 2", "pylint_j2", py_files, py_bytes),
    ("torchlint cold, 10x synthetic tree, -j 2", "synthetic10_cold_j2", py_files * 10, py_bytes * 10),
    ("torchlint cold, LibTorch headers, -j 2", "libtorch_cold_j2", cpp_files, cpp_bytes),
    ("floor: parse + walk, LibTorch headers, -j 2", "libtorch_floor_j2", cpp_files, cpp_bytes),
]

print("# Benchmark results\n")
print(f"Machine: {platform.machine()}, {os.cpu_count()} cores ({cpu}), Linux {platform.release()}.")
print(f"Corpus: Debian python3-torch Python tree, {py_files} files, {py_bytes / 1e6:.1f} MB; "
      f"LibTorch headers {cpp_files} files, {cpp_bytes / 1e6:.1f} MB. Medians of hyperfine runs.\n")
print("| command | median s | files/s | MB/s |")
print("|---|---:|---:|---:|")
for label, key, files, size in rows:
    t = median(key)
    if t != t:  # nan: not run
        print(f"| {label} | not run | | |")
        continue
    print(f"| {label} | {t:.3f} | {files / t:,.0f} | {size / 1e6 / t:.1f} |")

tl1, tl2 = median("torch_cold_j1"), median("torch_cold_j2")
print("\n| ratio | value |")
print("|---|---:|")
print(f"| torchlint / floor, -j 1 | {tl1 / median('torch_floor_j1'):.2f} |")
print(f"| torchlint / floor, -j 2 | {tl2 / median('torch_floor_j2'):.2f} |")
print(f"| torchlint / stock floor, -j 1 | {tl1 / median('torch_stock_j1'):.2f} |")
print(f"| torchlint / stock floor, -j 2 | {tl2 / median('torch_stock_j2'):.2f} |")
print(f"| speed-up -j 1 -> -j 2 | {tl1 / tl2:.2f} |")
print(f"| cold / warm, -j 2 | {tl2 / median('torch_warm_j2'):.1f} |")
print(f"| 10x tree / 1x tree | {median('synthetic10_cold_j2') / tl2:.2f} |")
print(f"| Ruff-wasm default / torchlint -j 1 | {median('ruff_wasm_default') / tl1:.2f} |")
print(f"| flake8 -j 2 / torchlint -j 2 | {median('flake8_j2') / tl2:.1f} |")
print(f"| pylint -j 2 / torchlint -j 2 | {median('pylint_j2') / tl2:.1f} |")
print("\n| peak RSS | MB |")
print("|---|---:|")
for key, value in rss.items():
    print(f"| {key} | {value} |")

lsp = out / "lsp.txt"
if lsp.exists():
    print("\n## Editor latency (bench/lsp_latency.py)\n")
    print("```")
    print(lsp.read_text().rstrip())
    print("```")
