"""Box geometry for the detection loss, in float32-or-wider arithmetic.

Boxes are ``(x0, y0, x1, y1)`` ("xyxy"). A box with ``x1 <= x0`` or ``y1 <= y0`` is
degenerate: its area is 0, its IoU with anything is 0, and nothing here divides by zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from jaxtyping import Float

# Keeps the IoU and GIoU denominators away from zero. Absolute, in box units (the value
# torchvision's generalized_box_iou_loss uses).
DENOMINATOR_EPS: float = 1e-7


def compute_dtype(dtype: torch.dtype) -> torch.dtype:
    """The dtype the math runs in: float64 for float64 inputs, float32 otherwise.

    Args:
        dtype: a floating dtype (float16, bfloat16, float32 or float64).

    Returns:
        ``torch.float64`` or ``torch.float32``.
    """
    return torch.float64 if dtype == torch.float64 else torch.float32


def to_compute_dtype(tensor: Float[torch.Tensor, "..."]) -> Float[torch.Tensor, "..."]:
    """Casts ``tensor`` (any shape, floating) to its compute dtype; a no-op when it has it."""
    return tensor.to(dtype=compute_dtype(tensor.dtype))


def is_tracing() -> bool:
    """True while ``torch.jit.trace`` / ONNX export records a graph.

    Argument checks are skipped then: they were made when the model ran eagerly, and in
    a trace every Python-level comparison of shapes would be frozen into a constant (with
    a TracerWarning).
    """
    return torch.jit.is_tracing()


def check_boxes(boxes: Float[torch.Tensor, "N 4"], what: str) -> None:
    """Raises ValueError unless ``boxes`` is a floating (N, 4) tensor; ``what`` names it."""
    if is_tracing():
        return
    if boxes.dim() != 2 or boxes.shape[1] != 4:
        raise ValueError(f"{what} must have shape (N, 4), got {tuple(boxes.shape)}")
    if not boxes.is_floating_point():
        raise ValueError(f"{what} must be floating point, got {boxes.dtype}")


def check_box_pair(
    pred_boxes: Float[torch.Tensor, "N 4"],
    target_boxes: Float[torch.Tensor, "N 4"],
) -> None:
    """Raises ValueError unless both are floating (N, 4) tensors of one shape and dtype."""
    if is_tracing():
        return
    check_boxes(pred_boxes, "pred_boxes")
    check_boxes(target_boxes, "target_boxes")
    if pred_boxes.shape != target_boxes.shape or pred_boxes.dtype != target_boxes.dtype:
        raise ValueError(
            "pred_boxes and target_boxes must have the same shape and dtype, got "
            f"{tuple(pred_boxes.shape)} {pred_boxes.dtype} and "
            f"{tuple(target_boxes.shape)} {target_boxes.dtype}"
        )


def span_area(
    lower: Float[torch.Tensor, "N 2"],
    upper: Float[torch.Tensor, "N 2"],
) -> Float[torch.Tensor, "N"]:
    """Area of the N boxes spanned by ``lower`` and ``upper`` corners, 0 when empty.

    Args:
        lower: (N, 2) lower corners, any floating dtype.
        upper: (N, 2) upper corners, same dtype.

    Returns:
        (N,) areas in the dtype of the corners.
    """
    extent = torch.clamp(upper - lower, min=0.0)
    return extent[:, 0] * extent[:, 1]


def box_area(boxes: Float[torch.Tensor, "N 4"]) -> Float[torch.Tensor, "N"]:
    """Areas of xyxy boxes, 0 for degenerate ones.

    Args:
        boxes: (N, 4) xyxy, any floating dtype.

    Returns:
        (N,) areas in the compute dtype of ``boxes`` (float64 or float32).
    """
    check_boxes(boxes, "boxes")
    corners = to_compute_dtype(boxes)
    return span_area(corners[:, :2], corners[:, 2:])


def aligned_generalized_box_iou(
    boxes_a: Float[torch.Tensor, "N 4"],
    boxes_b: Float[torch.Tensor, "N 4"],
) -> Float[torch.Tensor, "N"]:
    """Generalized IoU of each pair ``(boxes_a[i], boxes_b[i])``.

    GIoU = IoU - (hull - union) / hull, where a ratio whose denominator is at most
    ``DENOMINATOR_EPS`` counts as 0 (``safe_ratio``): degenerate boxes give finite values
    and bounded gradients.

    Args:
        boxes_a: (N, 4) xyxy, floating.
        boxes_b: (N, 4) xyxy, same dtype as ``boxes_a``.

    Returns:
        (N,) values in [-1, 1], in the compute dtype of the boxes.
    """
    check_box_pair(boxes_a, boxes_b)
    a = to_compute_dtype(boxes_a)
    b = to_compute_dtype(boxes_b)
    lower_a, upper_a = a[:, :2], a[:, 2:]
    lower_b, upper_b = b[:, :2], b[:, 2:]
    intersection = span_area(torch.maximum(lower_a, lower_b), torch.minimum(upper_a, upper_b))
    union = span_area(lower_a, upper_a) + span_area(lower_b, upper_b) - intersection
    hull = span_area(torch.minimum(lower_a, lower_b), torch.maximum(upper_a, upper_b))
    iou = safe_ratio(intersection, union)
    return iou - safe_ratio(hull - union, hull)


def safe_ratio(
    numerator: Float[torch.Tensor, "N"],
    denominator: Float[torch.Tensor, "N"],
) -> Float[torch.Tensor, "N"]:
    """``numerator / denominator`` where ``denominator > DENOMINATOR_EPS``, else 0.

    Both the value and the gradient are 0 where the denominator (an area) vanishes, so
    zero-area boxes never produce the 1 / eps gradients a clamped denominator alone gives.

    Args:
        numerator: (N,) floating.
        denominator: (N,) non-negative, same dtype.

    Returns:
        (N,) in the dtype of the inputs.
    """
    ratio = numerator / torch.clamp(denominator, min=DENOMINATOR_EPS)
    return torch.where(denominator > DENOMINATOR_EPS, ratio, torch.zeros_like(ratio))
