"""Distributed GPU test: two processes, one CUDA device each, in an NCCL process group
(FileStore rendezvous), against the single-process result on the concatenated batch: the
logged losses, the differentiable reduction's input gradients and the DDP-averaged parameter
gradients; the shared fixture's case in float64 and fresh random inputs in float32, with a
rank that holds no boxes. Markers ``gpu`` and ``distributed``; skipped, with the reason, where
fewer than two CUDA devices or no NCCL are present."""

from __future__ import annotations

import datetime
import os
import pathlib
import random
from typing import TYPE_CHECKING

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from loss_cases import fixture_case
from test_distributed import SharedHead, rank_rows, rank_slice
from test_gpu import leaves, random_input
from torch import nn

import torchlint_reference as tr
from torchlint_reference import fixture, fused

if TYPE_CHECKING:
    from jaxtyping import Float

WORLD_SIZE = 2
DEVICE_TYPE = "cuda" if torch.cuda.is_available() else "cpu"

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.distributed,
    pytest.mark.skipif(
        torch.cuda.device_count() < WORLD_SIZE, reason="needs two CUDA devices (one per rank)"
    ),
    pytest.mark.skipif(
        not (dist.is_available() and dist.is_nccl_available()), reason="NCCL is not available"
    ),
]

# Fresh inputs (N = 8 degenerate + 200 random boxes, M = 64 rows): dealt unevenly, then with
# every box and no class row on rank 1.
RANDOM_SPLITS = [
    fixture.RankSplit(boxes=[150, 58], rows=[20, 44]),
    fixture.RankSplit(boxes=[0, 208], rows=[64, 0]),
]
TOLERANCES = {torch.float64: (1e-9, 1e-11), torch.float32: (2e-5, 1e-6)}


def assert_close(
    actual: Float[torch.Tensor, "..."],
    expected: Float[torch.Tensor, "..."],
    dtype: torch.dtype,
    what: str,
) -> None:
    """Shape: any, both of ``dtype``: equal within the dtype's (rtol, atol); atol is scaled
    by the largest |expected| element."""
    rtol, atol = TOLERANCES[dtype]
    scale = float(expected.abs().max()) if expected.numel() else 1.0
    torch.testing.assert_close(
        actual.detach(),
        expected.detach(),
        rtol=rtol,
        atol=atol * max(scale, 1.0),
        msg=lambda message: f"rank {dist.get_rank()}, {what}: {message}",
    )


def check_split(
    inputs: tr.DetectionInput,
    options: tr.DetectionOptions,
    split: fixture.RankSplit,
    dtype: torch.dtype,
    device: torch.device,
) -> None:
    """One split of ``inputs`` (float64 CPU) over the ranks, computed in ``dtype`` on
    ``device``: values and gradients against one process holding the whole batch."""
    rows = rank_rows(split, dist.get_rank())
    num_classes = inputs.class_logits.shape[1]
    single_head = SharedHead(num_classes).to(device=device, dtype=dtype)
    head = SharedHead(num_classes).to(device=device, dtype=dtype)
    ddp_head = nn.parallel.DistributedDataParallel(head)
    single_features = leaves(inputs, dtype, device)
    local_features = leaves(rank_slice(inputs, rows), dtype, device)
    single = tr.detection_loss(single_head(single_features), options)
    local = tr.DetectionLoss(options)(**ddp_head(local_features)._asdict())
    for name, value in local._asdict().items():
        assert value.device == device
        assert_close(tr.reduce_for_logging(value), getattr(single, name), dtype, f"logged {name}")
    global_total = tr.all_reduce_mean(local.total)
    global_total.backward()
    single.total.backward()
    for name, parameter in head.named_parameters():
        expected = getattr(single_head, name).grad
        assert_close(parameter.grad, expected, dtype, f"DDP gradient of {name}")
    boxes = single_features.pred_boxes.grad[rows.box_start : rows.box_stop] * WORLD_SIZE
    assert_close(local_features.pred_boxes.grad, boxes, dtype, "pred_boxes gradient")
    logits = single_features.class_logits.grad[rows.row_start : rows.row_stop] * WORLD_SIZE
    assert_close(local_features.class_logits.grad, logits, dtype, "class_logits gradient")


def run_worker(rank: int, store_path: str, seed: int) -> None:
    """One rank on CUDA device ``rank``: joins the NCCL group and checks every split."""
    torch.cuda.set_device(rank)
    dist.init_process_group(
        "nccl",
        init_method=f"file://{store_path}",
        rank=rank,
        world_size=WORLD_SIZE,
        timeout=datetime.timedelta(seconds=120),
    )
    try:
        if os.environ.get(fused.OPS_LIBRARY_VARIABLE):
            assert tr.fused_ops_loaded(), "the fused library was named but is not loaded"
        device = torch.device(DEVICE_TYPE, rank)
        case = fixture_case("random_7_boxes")
        for split in case.splits:
            check_split(case.inputs, case.options, split, torch.float64, device)
        inputs = random_input(seed, num_boxes=200, num_rows=64, num_classes=80)
        for split in RANDOM_SPLITS:
            check_split(inputs, tr.DetectionOptions(), split, torch.float32, device)
    finally:
        dist.destroy_process_group()


def test_losses_on_two_nccl_ranks_match_single_process(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """detection_loss / DetectionLoss on two GPUs (NCCL) equal one process on all boxes."""
    monkeypatch.setenv("NCCL_NVLS_ENABLE", "0")  # never NVLink multicast on shared hosts
    seed = random.SystemRandom().randrange(2**31)
    print(f"random inputs: seed {seed}")
    mp.spawn(run_worker, args=(str(tmp_path / "store"), seed), nprocs=WORLD_SIZE, join=True)
