"""The detection loss: L1 box loss + generalized-IoU loss + sigmoid focal loss.

Conventions (shared with the C++ twin in ``reference_impl/cpp``):

- boxes are xyxy; degenerate boxes (zero or negative extent) give finite values and
  gradients;
- inputs may be float16, bfloat16, float32 or float64 on any device; the math runs in
  float64 for float64 inputs and in float32 otherwise, and each loss is returned in the
  dtype of its input;
- nothing is modified in place and every tensor created has an explicit dtype;
- the device picks the implementation: once the fused CUDA kernels are loaded (``fused``),
  inputs on a CUDA device take them, everything else runs the composition below;
- distributed training as in DETR: every loss is a sum over this rank's boxes divided by
  ``num_boxes = max(1, (sum over ranks of N_r) / world_size)``. The mean of the per-rank
  losses (``reduce_for_logging``) is then the loss of the concatenated batch, and the
  DDP-averaged gradients of shared parameters are the single-process gradients. (The
  gradient with respect to a rank's own inputs is world_size times the single-process
  one; DistributedDataParallel's averaging divides that factor out.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import torch
import torch.distributed as dist
import torch.nn.functional as F

from . import fused
from .boxes import (
    aligned_generalized_box_iou,
    check_box_pair,
    compute_dtype,
    is_tracing,
    to_compute_dtype,
)
from .distributed import all_reduce_mean

if TYPE_CHECKING:
    from jaxtyping import Float


class DetectionInput(NamedTuple):
    """Matched predictions and targets: prediction ``i`` belongs to target ``i``."""

    pred_boxes: Float[torch.Tensor, "N 4"]  # xyxy, floating
    target_boxes: Float[torch.Tensor, "N 4"]  # xyxy, dtype of pred_boxes
    class_logits: Float[torch.Tensor, "M C"]  # raw scores, dtype of pred_boxes
    class_targets: Float[torch.Tensor, "M C"]  # in [0, 1] (one-hot or soft)


class DetectionOptions(NamedTuple):
    """Weights of the three terms and the focal-loss parameters."""

    l1_weight: float = 5.0
    giou_weight: float = 2.0
    focal_weight: float = 1.0
    focal_alpha: float = 0.25  # in [0, 1]: the weight of the positive class
    focal_gamma: float = 2.0  # 0 or >= 1 (0 < gamma < 1 has an infinite slope at p_t = 1)


class DetectionTerms(NamedTuple):
    """The value of ``detection_loss``: 0-dim tensors in the dtype of the inputs."""

    total: Float[torch.Tensor, ""]
    l1: Float[torch.Tensor, ""]
    giou: Float[torch.Tensor, ""]
    focal: Float[torch.Tensor, ""]


def check_options(options: DetectionOptions) -> None:
    """Raises ValueError for a focal alpha outside [0, 1] or a gamma in (0, 1) or < 0."""
    if not 0.0 <= options.focal_alpha <= 1.0:
        raise ValueError(f"focal_alpha must be in [0, 1], got {options.focal_alpha}")
    if options.focal_gamma != 0.0 and options.focal_gamma < 1.0:
        raise ValueError(f"focal_gamma must be 0 or >= 1, got {options.focal_gamma}")


def check_classes(
    class_logits: Float[torch.Tensor, "M C"],
    class_targets: Float[torch.Tensor, "M C"],
) -> None:
    """Raises ValueError unless both are floating (M, C) tensors of one shape and dtype."""
    if is_tracing():
        return
    if class_logits.dim() != 2 or not class_logits.is_floating_point():
        raise ValueError(f"class_logits must be a floating (M, C) tensor, got {class_logits.shape}")
    if class_logits.shape != class_targets.shape or class_logits.dtype != class_targets.dtype:
        raise ValueError("class_logits and class_targets must have the same shape and dtype")


def box_count_normaliser(
    target_boxes: Float[torch.Tensor, "N 4"],
    group: dist.ProcessGroup | None = None,
) -> Float[torch.Tensor, ""]:
    """DETR's normaliser: ``max(1, (sum over ranks of N_r) / world_size)``.

    A collective call when distributed: every rank of ``group`` must make it. The count
    is derived from the tensor (not from a Python int), so it stays dynamic under ONNX
    export.

    Args:
        target_boxes: (N, 4) this rank's targets (any (N, ...) floating tensor whose rows
            are to be counted).
        group: the process group; None for the default one.

    Returns:
        () in the compute dtype of ``target_boxes``, on its device.
    """
    ones = torch.ones_like(target_boxes[:, 0], dtype=compute_dtype(target_boxes.dtype))
    local_count = ones.sum()
    if dist.is_available() and dist.is_initialized():
        local_count = all_reduce_mean(local_count, group)
    return torch.clamp(local_count, min=1.0)


def normalise(
    total: Float[torch.Tensor, ""],
    num_boxes: Float[torch.Tensor, ""],
) -> Float[torch.Tensor, ""]:
    """``total / num_boxes`` in the dtype of ``total`` (both 0-dim, floating)."""
    return total / num_boxes.to(dtype=total.dtype)


def fused_terms(
    inputs: DetectionInput,
    num_boxes: Float[torch.Tensor, ""],
    options: DetectionOptions,
) -> Float[torch.Tensor, "4"]:
    """total, l1, giou, focal from the fused CUDA kernels; inputs as ``detection_loss``'s."""
    return fused.operator_terms(*inputs, num_boxes, options)


def no_class_scores(boxes: Float[torch.Tensor, "N 4"]) -> Float[torch.Tensor, "0 1"]:
    """An empty (0, 1) tensor of the boxes' dtype and device: no class scores."""
    return boxes.new_zeros((0, 1))


def no_boxes(class_logits: Float[torch.Tensor, "M C"]) -> Float[torch.Tensor, "0 4"]:
    """An empty (0, 4) tensor of the logits' dtype and device: no boxes."""
    return class_logits.new_zeros((0, 4))


def box_inputs(
    pred_boxes: Float[torch.Tensor, "N 4"], target_boxes: Float[torch.Tensor, "N 4"]
) -> DetectionInput:
    """The box pairs alone, as fused inputs."""
    empty = no_class_scores(pred_boxes)
    return DetectionInput(pred_boxes, target_boxes, empty, empty)


def l1_sum(
    pred_boxes: Float[torch.Tensor, "N 4"],
    target_boxes: Float[torch.Tensor, "N 4"],
) -> Float[torch.Tensor, ""]:
    """Sum of ``|pred - target|``; (N, 4) inputs, () result in their compute dtype."""
    difference = to_compute_dtype(pred_boxes) - to_compute_dtype(target_boxes)
    return torch.abs(difference).sum()


def giou_sum(
    pred_boxes: Float[torch.Tensor, "N 4"],
    target_boxes: Float[torch.Tensor, "N 4"],
) -> Float[torch.Tensor, ""]:
    """Sum of ``1 - GIoU``; (N, 4) inputs, () result in their compute dtype."""
    return (1.0 - aligned_generalized_box_iou(pred_boxes, target_boxes)).sum()


def focal_sum(
    class_logits: Float[torch.Tensor, "M C"],
    class_targets: Float[torch.Tensor, "M C"],
    alpha: float,
    gamma: float,
) -> Float[torch.Tensor, ""]:
    """Sum of the focal terms; (M, C) inputs, () result in their compute dtype."""
    logits = to_compute_dtype(class_logits)
    targets = to_compute_dtype(class_targets)
    probabilities = torch.sigmoid(logits)
    # Binary cross-entropy with logits: softplus(x) - x t. softplus is overflow-free and
    # smooth; the textbook max(x, 0) + log(1 + exp(-|x|)) has the same value, but autograd
    # takes the zero subgradient of both kinks at x = 0 and loses the 1/2 slope there.
    cross_entropy = F.softplus(logits) - logits * targets
    p_t = probabilities * targets + (1.0 - probabilities) * (1.0 - targets)
    modulating = torch.clamp(1.0 - p_t, min=0.0) ** gamma
    alpha_t = alpha * targets + (1.0 - alpha) * (1.0 - targets)
    return (alpha_t * modulating * cross_entropy).sum()


def l1_box_loss(
    pred_boxes: Float[torch.Tensor, "N 4"],
    target_boxes: Float[torch.Tensor, "N 4"],
    num_boxes: Float[torch.Tensor, ""] | None = None,
    group: dist.ProcessGroup | None = None,
) -> Float[torch.Tensor, ""]:
    """Sum of ``|pred - target|`` over all coordinates, divided by ``num_boxes``.

    Args:
        pred_boxes: (N, 4) xyxy, floating.
        target_boxes: (N, 4) xyxy, dtype of ``pred_boxes``.
        num_boxes: () the normaliser; None computes ``box_count_normaliser(target_boxes,
            group)`` (a collective call when distributed).
        group: the process group for that normaliser; None for the default one.

    Returns:
        () in the dtype of ``pred_boxes``.
    """
    check_box_pair(pred_boxes, target_boxes)
    if num_boxes is None:
        num_boxes = box_count_normaliser(target_boxes, group)
    if fused.applies(pred_boxes):
        terms = fused_terms(box_inputs(pred_boxes, target_boxes), num_boxes, DetectionOptions())
        return terms[1].to(dtype=pred_boxes.dtype)
    return normalise(l1_sum(pred_boxes, target_boxes), num_boxes).to(dtype=pred_boxes.dtype)


def generalized_iou_loss(
    pred_boxes: Float[torch.Tensor, "N 4"],
    target_boxes: Float[torch.Tensor, "N 4"],
    num_boxes: Float[torch.Tensor, ""] | None = None,
    group: dist.ProcessGroup | None = None,
) -> Float[torch.Tensor, ""]:
    """Sum of ``1 - GIoU(pred_i, target_i)`` over the N pairs, divided by ``num_boxes``.

    Args:
        pred_boxes: (N, 4) xyxy, floating; degenerate boxes allowed.
        target_boxes: (N, 4) xyxy, dtype of ``pred_boxes``.
        num_boxes: () the normaliser; None computes ``box_count_normaliser(target_boxes,
            group)`` (a collective call when distributed).
        group: the process group for that normaliser; None for the default one.

    Returns:
        () in the dtype of ``pred_boxes``.
    """
    if num_boxes is None:
        num_boxes = box_count_normaliser(target_boxes, group)
    if fused.applies(pred_boxes):
        check_box_pair(pred_boxes, target_boxes)
        terms = fused_terms(box_inputs(pred_boxes, target_boxes), num_boxes, DetectionOptions())
        return terms[2].to(dtype=pred_boxes.dtype)
    return normalise(giou_sum(pred_boxes, target_boxes), num_boxes).to(dtype=pred_boxes.dtype)


def sigmoid_focal_loss(
    class_logits: Float[torch.Tensor, "M C"],
    class_targets: Float[torch.Tensor, "M C"],
    num_boxes: Float[torch.Tensor, ""] | None = None,
    alpha: float = 0.25,
    gamma: float = 2.0,
    group: dist.ProcessGroup | None = None,
) -> Float[torch.Tensor, ""]:
    """Sigmoid focal loss summed over all M * C entries, divided by ``num_boxes``.

    Each entry is ``alpha_t * (1 - p_t) ** gamma * BCE(logit, target)`` with
    ``p = sigmoid(logit)``, ``p_t = p * t + (1 - p) * (1 - t)`` and
    ``alpha_t = alpha * t + (1 - alpha) * (1 - t)``.

    Args:
        class_logits: (M, C) raw scores, floating.
        class_targets: (M, C) in [0, 1], dtype of ``class_logits``.
        num_boxes: () the normaliser (DETR passes the target-box count); None computes
            ``box_count_normaliser(class_logits, group)``, i.e. a global mean per row.
        alpha: weight of the positive class, in [0, 1].
        gamma: focusing parameter, 0 or >= 1.
        group: the process group for that normaliser; None for the default one.

    Returns:
        () in the dtype of ``class_logits``.
    """
    check_classes(class_logits, class_targets)
    options = DetectionOptions(focal_alpha=alpha, focal_gamma=gamma)
    check_options(options)
    if num_boxes is None:
        num_boxes = box_count_normaliser(class_logits, group)
    if fused.applies(class_logits):
        empty = no_boxes(class_logits)
        inputs = DetectionInput(empty, empty, class_logits, class_targets)
        return fused_terms(inputs, num_boxes, options)[3].to(dtype=class_logits.dtype)
    focal = focal_sum(class_logits, class_targets, alpha, gamma)
    return normalise(focal, num_boxes).to(dtype=class_logits.dtype)


def detection_loss(
    inputs: DetectionInput,
    options: DetectionOptions = DetectionOptions(),
    group: dist.ProcessGroup | None = None,
) -> DetectionTerms:
    """The weighted detection loss, normalised by the global number of target boxes.

    A collective call when distributed (the normaliser is all-reduced over ``group``).

    Args:
        inputs: ``pred_boxes`` / ``target_boxes`` (N, 4), ``class_logits`` /
            ``class_targets`` (M, C), all of one floating dtype.
        options: term weights and focal parameters.
        group: the process group; None for the default one.

    Returns:
        DetectionTerms of () tensors in the dtype of ``inputs.pred_boxes``.
    """
    check_box_pair(inputs.pred_boxes, inputs.target_boxes)
    check_classes(inputs.class_logits, inputs.class_targets)
    check_options(options)
    if inputs.class_logits.dtype != inputs.pred_boxes.dtype and not is_tracing():
        raise ValueError("class_logits and pred_boxes must have the same dtype")
    num_boxes = box_count_normaliser(inputs.target_boxes, group)
    if fused.applies(inputs.pred_boxes):
        values = fused_terms(inputs, num_boxes, options).to(dtype=inputs.pred_boxes.dtype)
        return DetectionTerms(total=values[0], l1=values[1], giou=values[2], focal=values[3])
    # The terms and their weighted sum stay in the compute dtype (float32 or wider); only
    # the results are cast back to the input dtype.
    l1 = normalise(l1_sum(inputs.pred_boxes, inputs.target_boxes), num_boxes)
    giou = normalise(giou_sum(inputs.pred_boxes, inputs.target_boxes), num_boxes)
    focal_total = focal_sum(
        inputs.class_logits, inputs.class_targets, options.focal_alpha, options.focal_gamma
    )
    focal = normalise(focal_total, num_boxes)
    total = options.l1_weight * l1 + options.giou_weight * giou + options.focal_weight * focal
    dtype = inputs.pred_boxes.dtype
    return DetectionTerms(
        total=total.to(dtype=dtype),
        l1=l1.to(dtype=dtype),
        giou=giou.to(dtype=dtype),
        focal=focal.to(dtype=dtype),
    )
