"""Benchmark of reference_impl's detection loss on a CUDA device (not a test).

Times forward and forward+backward of L1 + GIoU over N box pairs and the sigmoid focal loss
over an (M, C) = (N / 4, 80) classification head with one-hot targets, in float32 and
bfloat16, for:

- fused:         the public API with the fused CUDA kernels (libtorchlint_reference_ops.so)
- fused+graph:   the same, captured once in a CUDA graph and replayed (no launch overhead)
- eager:         the same math as a composition of PyTorch operators (use_fused_kernels(False))
- torchvision:   F.l1_loss + torchvision.ops.generalized_box_iou_loss + sigmoid_focal_loss
                 (only where torchvision imports)
- compile:       the eager composition under torch.compile (default mode)

Times are medians of CUDA-event-timed calls, each after a synchronisation, so launch
overhead counts as a training step sees it. "GB/s" is the bytes floor (each input read once;
for fwd+bwd also the gradients of pred_boxes and class_logits written once) over the time;
it is printed next to the device-to-device copy bandwidth measured in the same run.

Run by bench/gpu_run.sh, which builds the library first; alone:
    TORCHLINT_REFERENCE_OPS_LIBRARY=build-gpu/libtorchlint_reference_ops.so \\
        python3 bench/gpu_detection_loss.py --out /tmp/bench
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import sys
import time
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

import torch
import torch.nn.functional as F

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "reference_impl" / "python"))
import torchlint_reference as tr  # noqa: E402  (after the path above)

if TYPE_CHECKING:
    from jaxtyping import Float

NUM_CLASSES = 80
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
OPTIONS = tr.DetectionOptions()


class Workload(NamedTuple):
    """One benchmark size: inputs that require grad where a model's outputs would."""

    dtype: torch.dtype
    num_boxes: int
    inputs: tr.DetectionInput


class Timing(NamedTuple):
    """Median milliseconds of one variant on one workload (nan where it did not run)."""

    variant: str
    dtype: str
    num_boxes: int
    forward_ms: float
    training_ms: float
    note: str


class FloorBytes(NamedTuple):
    """The bytes floor of a workload: forward only, and forward + backward."""

    forward: int
    training: int


LossFunction = Callable[[tr.DetectionInput], torch.Tensor]


def make_workload(dtype: torch.dtype, num_boxes: int, seed: int) -> Workload:
    """Boxes (N, 4) near their targets, logits (N / 4, 80), one-hot targets (with background)."""
    generator = torch.Generator(device=DEVICE).manual_seed(seed)
    rows = max(num_boxes // 4, 1)
    corner = torch.rand(num_boxes, 2, generator=generator, device=DEVICE, dtype=torch.float32)
    extent = torch.rand(num_boxes, 2, generator=generator, device=DEVICE, dtype=torch.float32)
    target = torch.cat([corner * 100.0, corner * 100.0 + extent * 30.0 + 1.0], dim=1)
    noise = torch.randn(num_boxes, 4, generator=generator, device=DEVICE, dtype=torch.float32)
    logits = torch.randn(rows, NUM_CLASSES, generator=generator, device=DEVICE, dtype=torch.float32)
    labels = torch.randint(
        0, NUM_CLASSES + 1, (rows,), generator=generator, device=DEVICE, dtype=torch.int64
    )
    one_hot = F.one_hot(labels, NUM_CLASSES + 1)[:, :NUM_CLASSES]
    inputs = tr.DetectionInput(
        pred_boxes=(target + noise * 3.0).to(dtype=dtype).requires_grad_(),
        target_boxes=target.to(dtype=dtype),
        class_logits=logits.to(dtype=dtype).requires_grad_(),
        class_targets=one_hot.to(dtype=dtype),
    )
    return Workload(dtype=dtype, num_boxes=num_boxes, inputs=inputs)


def floor_bytes(workload: Workload, training: bool) -> int:
    """Each input read once; with ``training``, d pred_boxes and d class_logits written once."""
    size = torch.finfo(workload.dtype).bits // 8
    box_elements = workload.inputs.pred_boxes.numel()
    class_elements = workload.inputs.class_logits.numel()
    read = 2 * (box_elements + class_elements) * size
    return read + ((box_elements + class_elements) * size if training else 0)


# ------------------------------------------------------------------------------ variants


def fused_total(inputs: tr.DetectionInput) -> Float[torch.Tensor, ""]:
    """The public API; CUDA inputs take the fused kernels (the library is loaded)."""
    return tr.detection_loss(inputs, OPTIONS).total


def eager_total(inputs: tr.DetectionInput) -> Float[torch.Tensor, ""]:
    """The same math as a composition of PyTorch operators."""
    with tr.use_fused_kernels(False):
        return tr.detection_loss(inputs, OPTIONS).total


def composition_total(inputs: tr.DetectionInput) -> Float[torch.Tensor, ""]:
    """The composition, for torch.compile (which always takes it: see fused.applies)."""
    return tr.detection_loss(inputs, OPTIONS).total


def torchvision_total(inputs: tr.DetectionInput) -> Float[torch.Tensor, ""]:
    """L1 + GIoU + focal from torch.nn.functional and torchvision.ops, DETR-normalised."""
    import torchvision.ops  # imported here: optional

    num_boxes = max(inputs.pred_boxes.shape[0], 1)
    l1 = F.l1_loss(inputs.pred_boxes, inputs.target_boxes, reduction="sum") / num_boxes
    giou = torchvision.ops.generalized_box_iou_loss(
        inputs.pred_boxes, inputs.target_boxes, reduction="sum"
    )
    focal = torchvision.ops.sigmoid_focal_loss(
        inputs.class_logits,
        inputs.class_targets,
        alpha=OPTIONS.focal_alpha,
        gamma=OPTIONS.focal_gamma,
        reduction="sum",
    )
    return OPTIONS.l1_weight * l1 + (OPTIONS.giou_weight * giou + OPTIONS.focal_weight * focal) / num_boxes


def gradients_of(loss: LossFunction, inputs: tr.DetectionInput) -> list[torch.Tensor]:
    """d loss / d (pred_boxes, class_logits), without accumulating into .grad."""
    return list(torch.autograd.grad(loss(inputs), [inputs.pred_boxes, inputs.class_logits]))


# -------------------------------------------------------------------------------- timing


def median_ms(step: Callable[[], Any], budget_s: float) -> float:
    """Median CUDA-event time of ``step`` (synchronised before each call), after a warm-up."""
    step()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    samples: list[float] = []
    deadline = time.perf_counter() + budget_s
    while len(samples) < 5 or (time.perf_counter() < deadline and len(samples) < 200):
        start.record()
        step()
        end.record()
        end.synchronize()
        samples.append(start.elapsed_time(end))
    return statistics.median(samples)


def graphed_step(step: Callable[[], Any]) -> Callable[[], Any]:
    """``step`` captured once in a CUDA graph; the returned callable replays it."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(2):
            step()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        step()
    return graph.replay


def time_variant(
    name: str, loss: LossFunction, workload: Workload, budget_s: float, graphed: bool = False
) -> Timing:
    """Forward (no_grad) and forward+backward medians of one variant."""
    inputs = workload.inputs

    def forward() -> Float[torch.Tensor, ""]:
        with torch.no_grad():
            return loss(inputs)

    def training() -> list[torch.Tensor]:
        return gradients_of(loss, inputs)

    note = ""
    try:
        forward_step = graphed_step(forward) if graphed else forward
        forward_ms = median_ms(forward_step, budget_s)
        training_step = graphed_step(training) if graphed else training
        training_ms = median_ms(training_step, budget_s)
    except Exception as error:  # noqa: BLE001  (a variant that fails is reported, not fatal)
        forward_ms = training_ms = float("nan")
        note = f"{type(error).__name__}: {str(error).splitlines()[0][:80]}"
    dtype = str(workload.dtype).replace("torch.", "")
    return Timing(name, dtype, workload.num_boxes, forward_ms, training_ms, note)


def copy_bandwidth_gbs() -> float:
    """Device-to-device copy of 2 GiB: bytes read + bytes written per second, in GB/s."""
    source = torch.empty(2**29, device=DEVICE, dtype=torch.float32)
    milliseconds = median_ms(lambda: source.clone(), budget_s=1.0)
    return 2 * source.numel() * 4 / (milliseconds * 1e-3) / 1e9


# ------------------------------------------------------------------------------- report


def variants(fused_loaded: bool, torchvision_ok: bool) -> list[tuple[str, LossFunction, bool]]:
    """(name, loss, graphed) of every variant that can run here."""
    chosen: list[tuple[str, LossFunction, bool]] = []
    if fused_loaded:
        chosen += [("fused", fused_total, False), ("fused+graph", fused_total, True)]
    chosen.append(("eager", eager_total, False))
    if torchvision_ok:
        chosen.append(("torchvision", torchvision_total, False))
    chosen.append(("compile", torch.compile(composition_total), False))
    return chosen


def format_row(timing: Timing, workload_bytes: FloorBytes, copy_gbs: float) -> str:
    """One line of the table."""
    forward_bytes, training_bytes = workload_bytes.forward, workload_bytes.training
    forward_gbs = forward_bytes / (timing.forward_ms * 1e-3) / 1e9
    training_gbs = training_bytes / (timing.training_ms * 1e-3) / 1e9
    floor_ms = training_bytes / (copy_gbs * 1e9) * 1e3
    return (
        f"{timing.dtype:>8} {timing.num_boxes:>9} {timing.variant:>12} "
        f"{timing.forward_ms:>9.3f} {forward_gbs:>8.0f} {timing.training_ms:>9.3f} "
        f"{training_gbs:>8.0f} {100 * training_gbs / copy_gbs:>6.1f}% "
        f"{timing.training_ms / floor_ms:>7.2f}x {timing.note}"
    )


HEADER = (
    f"{'dtype':>8} {'N':>9} {'variant':>12} {'fwd ms':>9} {'GB/s':>8} {'fwd+bwd':>9} "
    f"{'GB/s':>8} {'of copy':>7} {'x floor':>8}"
)


def check_agreement(workload: Workload) -> str:
    """Relative difference of the fused and eager totals (a sanity check, not a test)."""
    with torch.no_grad():
        fused_value = fused_total(workload.inputs).double()
        eager_value = eager_total(workload.inputs).double()
    return f"{float((fused_value - eager_value).abs() / eager_value.abs()):.2e}"


def profile_kernels(workload: Workload) -> None:
    """Prints the fused path's CUDA kernels with their mean durations (fwd+bwd, 5 steps)."""
    from torch.profiler import ProfilerActivity, profile

    for _ in range(2):
        gradients_of(fused_total, workload.inputs)
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as profiler:
        for _ in range(5):
            gradients_of(fused_total, workload.inputs)
        torch.cuda.synchronize()
    table = profiler.key_averages().table(
        sort_by="cuda_time_total", row_limit=15, max_name_column_width=110
    )
    print(table)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000,4000000,10000000")
    parser.add_argument("--dtypes", default="bfloat16,float32")
    parser.add_argument("--budget-s", type=float, default=240.0, help="stop starting new sizes after")
    parser.add_argument("--per-timing-s", type=float, default=0.25)
    parser.add_argument("--out", default="", help="folder for results.json")
    parser.add_argument("--profile-size", type=int, default=4_000_000,
                        help="N at which the fused kernels are profiled in bfloat16 (0: never)")
    return parser.parse_args()


def torchvision_version() -> str:
    """torchvision's version, or why it does not import."""
    try:
        import torchvision
    except ImportError as error:
        return f"not importable ({error})"
    return str(torchvision.__version__)


def raise_recompile_limit() -> None:
    """torch.compile recompiles per dtype, grad mode and (once) shape: allow them all."""
    import torch._dynamo

    dynamo_config = torch._dynamo.config
    for limit in ("cache_size_limit", "recompile_limit"):
        if hasattr(dynamo_config, limit):
            setattr(dynamo_config, limit, 64)


def main() -> int:
    arguments = parse_arguments()
    if not torch.cuda.is_available():
        print("no CUDA device: nothing to benchmark")
        return 0
    started = time.perf_counter()
    properties = torch.cuda.get_device_properties(DEVICE)
    torchvision_found = torchvision_version()
    torchvision_ok = not torchvision_found.startswith("not importable")
    print(f"device: {properties.name}, {properties.multi_processor_count} SMs, "
          f"{properties.total_memory / 2**30:.0f} GiB; torch {torch.__version__}; "
          f"torchvision {torchvision_found}; fused library loaded: {tr.fused_ops_loaded()} "
          f"({os.environ.get('TORCHLINT_REFERENCE_OPS_LIBRARY', 'unset')})")
    copy_gbs = copy_bandwidth_gbs()
    print(f"device-to-device copy: {copy_gbs:.0f} GB/s (read + write)")
    raise_recompile_limit()
    chosen = variants(tr.fused_ops_loaded(), torchvision_ok)
    rows: list[str] = []
    records: list[dict[str, Any]] = []
    for dtype_name in arguments.dtypes.split(","):
        for num_boxes in (int(float(size)) for size in arguments.sizes.split(",")):
            if time.perf_counter() - started > arguments.budget_s:
                print(f"budget reached: skipping {dtype_name} N={num_boxes}")
                continue
            workload = make_workload(getattr(torch, dtype_name), num_boxes, seed=num_boxes)
            sizes = FloorBytes(floor_bytes(workload, False), floor_bytes(workload, True))
            agreement = check_agreement(workload) if tr.fused_ops_loaded() else "n/a"
            for name, loss, graphed in chosen:
                timing = time_variant(name, loss, workload, arguments.per_timing_s, graphed)
                rows.append(format_row(timing, sizes, copy_gbs))
                records.append(timing._asdict() | {"bytes": sizes._asdict(), "copy_gbs": copy_gbs})
                print(rows[-1], flush=True)
            print(f"{'':>8} {num_boxes:>9} fused vs eager total: relative difference {agreement}")
            profiled = num_boxes == arguments.profile_size and dtype_name == "bfloat16"
            if profiled and tr.fused_ops_loaded():
                profile_kernels(workload)
            del workload
            torch.cuda.empty_cache()
    print(f"\n{properties.name}, copy bandwidth {copy_gbs:.0f} GB/s; M = N/4, C = {NUM_CLASSES}; "
          f"median ms; GB/s = bytes floor / time")
    print(HEADER)
    print("\n".join(rows))
    if arguments.out:
        path = pathlib.Path(arguments.out) / "gpu_bench_results.json"
        path.write_text(json.dumps({"device": properties.name, "copy_gbs": copy_gbs,
                                    "timings": records}, indent=1), encoding="utf-8")
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
