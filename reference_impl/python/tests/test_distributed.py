"""Distributed tests: two gloo ranks on the CPU (FileStore rendezvous, loopback transport),
each holding a different number of boxes, against the single-process result on the
concatenated batch: logged losses, the differentiable reduction, DDP-averaged parameter
gradients and per-rank input gradients."""

from __future__ import annotations

import datetime
import pathlib
from typing import TYPE_CHECKING, Callable, NamedTuple

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from loss_cases import fixture_case
from torch import nn

import torchlint_reference as tr
from torchlint_reference import fixture

if TYPE_CHECKING:
    from jaxtyping import Float

WORLD_SIZE = 2


class LossesUnderTest(NamedTuple):
    """The public losses the workers check (passed to them, so picklable by reference)."""

    l1_box_loss: Callable[..., torch.Tensor]
    generalized_iou_loss: Callable[..., torch.Tensor]
    sigmoid_focal_loss: Callable[..., torch.Tensor]
    detection_loss: Callable[..., tr.DetectionTerms]
    module: type[tr.DetectionLoss]


class SharedHead(nn.Module):
    """A stand-in for a model replicated by DDP: parameters shared by every rank."""

    def __init__(self, num_classes: int) -> None:
        super().__init__()
        self.box_offset = nn.Parameter(torch.tensor([0.1, -0.2, 0.3, 0.05], dtype=torch.float64))
        self.logit_scale = nn.Parameter(torch.linspace(0.8, 1.2, num_classes, dtype=torch.float64))

    def forward(self, features: tr.DetectionInput) -> tr.DetectionInput:
        """Shape: boxes (N, 4) + (4,) and logits (M, C) * (C,); float64."""
        return features._replace(
            pred_boxes=features.pred_boxes + self.box_offset,
            class_logits=features.class_logits * self.logit_scale,
        )


class RankRows(NamedTuple):
    """This rank's row ranges: boxes [box_start, box_stop), class rows [row_start, row_stop)."""

    box_start: int
    box_stop: int
    row_start: int
    row_stop: int


def rank_rows(split: fixture.RankSplit, rank: int) -> RankRows:
    """Where rank ``rank``'s rows lie in the concatenated batch."""
    box_start, row_start = sum(split.boxes[:rank]), sum(split.rows[:rank])
    box_stop, row_stop = box_start + split.boxes[rank], row_start + split.rows[rank]
    return RankRows(box_start, box_stop, row_start, row_stop)


def rank_slice(inputs: tr.DetectionInput, rows: RankRows) -> tr.DetectionInput:
    """This rank's part of (N, 4) boxes and (M, C) class rows."""
    return tr.DetectionInput(
        pred_boxes=inputs.pred_boxes[rows.box_start : rows.box_stop],
        target_boxes=inputs.target_boxes[rows.box_start : rows.box_stop],
        class_logits=inputs.class_logits[rows.row_start : rows.row_stop],
        class_targets=inputs.class_targets[rows.row_start : rows.row_stop],
    )


def leaves(inputs: tr.DetectionInput) -> tr.DetectionInput:
    """Detached float64 copies of ``inputs`` that require grad."""
    return tr.DetectionInput(*(t.detach().clone().requires_grad_() for t in inputs))


def assert_close(
    actual: Float[torch.Tensor, "..."], expected: Float[torch.Tensor, "..."], what: str
) -> None:
    """Both any shape, float64: equal to 1e-12 (relative and absolute)."""
    torch.testing.assert_close(actual, expected, rtol=1e-10, atol=1e-12, msg=what)


def check_components(
    losses: LossesUnderTest, local: tr.DetectionInput, full: tr.DetectionInput
) -> None:
    """Each standalone loss, normalised over the group, logs the single-process value."""
    pairs = [
        (
            losses.l1_box_loss(local.pred_boxes, local.target_boxes),
            losses.l1_box_loss(full.pred_boxes, full.target_boxes),
        ),
        (
            losses.generalized_iou_loss(local.pred_boxes, local.target_boxes),
            losses.generalized_iou_loss(full.pred_boxes, full.target_boxes),
        ),
        (
            losses.sigmoid_focal_loss(local.class_logits, local.class_targets),
            losses.sigmoid_focal_loss(full.class_logits, full.class_targets),
        ),
    ]
    for local_value, single_value in pairs:
        assert_close(tr.reduce_for_logging(local_value), single_value, "component loss")


def check_split(
    losses: LossesUnderTest, case: fixture.FixtureCase, split: fixture.RankSplit
) -> None:
    """One split of the batch over the ranks: values and gradients against one process."""
    rank, rows = dist.get_rank(), rank_rows(split, dist.get_rank())
    num_classes = case.inputs.class_logits.shape[1]
    single_head, head = SharedHead(num_classes), SharedHead(num_classes)
    ddp_head = nn.parallel.DistributedDataParallel(head)
    single_features, local_features = leaves(case.inputs), leaves(rank_slice(case.inputs, rows))
    single = losses.detection_loss(single_head(single_features), case.options)
    local = losses.module(case.options)(**ddp_head(local_features)._asdict())
    for name, value in local._asdict().items():
        assert_close(tr.reduce_for_logging(value), getattr(single, name), f"logged {name}")
    check_components(losses, rank_slice(case.inputs, rows), case.inputs)
    # Differentiable reduction: every rank holds the whole batch's loss and backpropagates
    # through it; DDP averages the parameter gradients.
    global_total = tr.all_reduce_mean(local.total)
    assert_close(global_total.detach(), single.total.detach(), f"rank {rank} global total")
    global_total.backward()
    single.total.backward()
    for name, parameter in head.named_parameters():
        assert_close(parameter.grad, getattr(single_head, name).grad, f"DDP gradient of {name}")
    expected_boxes = single_features.pred_boxes.grad[rows.box_start : rows.box_stop] * WORLD_SIZE
    assert_close(local_features.pred_boxes.grad, expected_boxes, "pred_boxes gradient")
    expected_logits = single_features.class_logits.grad[rows.row_start : rows.row_stop] * WORLD_SIZE
    assert_close(local_features.class_logits.grad, expected_logits, "class_logits gradient")


def run_worker(rank: int, store_path: str, losses: LossesUnderTest) -> None:
    """One rank: joins the gloo group, checks every split of the fixture's distributed case."""
    dist.init_process_group(
        "gloo",
        init_method=f"file://{store_path}",
        rank=rank,
        world_size=WORLD_SIZE,
        timeout=datetime.timedelta(seconds=60),
    )
    try:
        case = fixture_case("random_7_boxes")
        assert len(case.splits) == 2
        for split in case.splits:
            check_split(losses, case, split)
        local_boxes = torch.zeros(3 * rank, 4, dtype=torch.bfloat16)
        normaliser = tr.box_count_normaliser(local_boxes)
        assert normaliser.dtype == torch.float32 and normaliser.item() == 1.5
    finally:
        dist.destroy_process_group()


@pytest.mark.distributed
def test_losses_on_two_gloo_ranks_match_single_process(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """l1_box_loss, generalized_iou_loss, sigmoid_focal_loss, detection_loss and
    DetectionLoss on 2 ranks (2 + 5 and 0 + 7 boxes) equal one process on all 7 boxes."""
    monkeypatch.setenv("GLOO_SOCKET_IFNAME", "lo")
    losses = LossesUnderTest(
        l1_box_loss=tr.l1_box_loss,
        generalized_iou_loss=tr.generalized_iou_loss,
        sigmoid_focal_loss=tr.sigmoid_focal_loss,
        detection_loss=tr.detection_loss,
        module=tr.DetectionLoss,
    )
    mp.spawn(run_worker, args=(str(tmp_path / "store"), losses), nprocs=WORLD_SIZE, join=True)


def test_reductions_are_the_identity_without_a_process_group() -> None:
    loss = torch.tensor(2.5, dtype=torch.float32, requires_grad=True)
    assert not tr.is_distributed() and tr.world_size() == 1
    reduced = tr.all_reduce_mean(loss)
    reduced.backward()
    assert reduced.item() == 2.5 and loss.grad is not None and loss.grad.item() == 1.0
    assert tr.reduce_for_logging(loss).requires_grad is False
