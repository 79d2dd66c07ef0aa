"""Inputs, tolerances and an independent scalar reference shared by the Python tests."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, NamedTuple

import torch

import torchlint_reference as tr
from torchlint_reference import fixture

if TYPE_CHECKING:
    from jaxtyping import Float


class Tolerance(NamedTuple):
    """``|actual - expected| <= atol + rtol * |expected|``."""

    rtol: float
    atol: float


# One rounding of the result to the dtype (the inputs are rounded by the tests themselves
# and the float64 reference sees the rounded inputs).
TOLERANCES = {
    torch.float32: Tolerance(rtol=1e-5, atol=1e-6),
    torch.bfloat16: Tolerance(rtol=1e-2, atol=1e-2),  # 8 significand bits
    torch.float16: Tolerance(rtol=2e-3, atol=1e-3),  # 11 significand bits
    torch.float64: Tolerance(rtol=1e-12, atol=1e-12),
}


def load_fixture_records() -> list[dict[str, Any]]:
    """The cases of reference_impl/fixtures/detection_loss_cases.json, as JSON dicts."""
    return json.loads(fixture.FIXTURE_PATH.read_text(encoding="utf-8"))["cases"]


def record_tensor(record: dict[str, Any]) -> Float[torch.Tensor, "..."]:
    """A fixture tensor record as a float64 tensor of its shape (any shape)."""
    return torch.tensor(record["data"], dtype=torch.float64).reshape(record["shape"])


def fixture_case(name: str) -> fixture.FixtureCase:
    """The fixture case called ``name``, as Python builds it (float64 inputs)."""
    return next(case for case in fixture.fixture_cases() if case.name == name)


def as_leaves(inputs: tr.DetectionInput, dtype: torch.dtype) -> tr.DetectionInput:
    """Every tensor cast to ``dtype``, detached, as a new autograd leaf."""
    return tr.DetectionInput(*(t.detach().to(dtype=dtype).requires_grad_() for t in inputs))


def random_boxes(count: int, generator: torch.Generator) -> Float[torch.Tensor, "count 4"]:
    """Shape: (count, 4) float64 xyxy boxes with positive extent."""
    corner = torch.rand(count, 2, generator=generator, dtype=torch.float64) * 10.0
    extent = torch.rand(count, 2, generator=generator, dtype=torch.float64) * 3.0 + 0.5
    return torch.cat([corner, corner + extent], dim=1)


def random_inputs(seed: int, num_boxes: int, num_rows: int, num_classes: int) -> tr.DetectionInput:
    """Random float64 inputs: overlapping boxes (N, 4), logits and soft targets (M, C)."""
    generator = torch.Generator().manual_seed(seed)
    targets = random_boxes(num_boxes, generator)
    noise = torch.randn(num_boxes, 4, generator=generator, dtype=torch.float64) * 0.5
    logits = torch.randn(num_rows, num_classes, generator=generator, dtype=torch.float64) * 2.0
    soft = torch.rand(num_rows, num_classes, generator=generator, dtype=torch.float64)
    return tr.DetectionInput(targets + noise, targets, logits, soft)


def scalar_giou(a: list[float], b: list[float]) -> float:
    """GIoU of two xyxy boxes (4 floats each) in plain floats; zero areas as in the library."""

    def area(x0: float, y0: float, x1: float, y1: float) -> float:
        return max(x1 - x0, 0.0) * max(y1 - y0, 0.0)

    inter = area(max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    union = area(*a) + area(*b) - inter
    hull = area(min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
    eps = tr.boxes.DENOMINATOR_EPS
    iou = inter / union if union > eps else 0.0
    penalty = (hull - union) / hull if hull > eps else 0.0
    return iou - penalty


def scalar_focal(logit: float, target: float, alpha: float, gamma: float) -> float:
    """One focal-loss entry with plain floats (overflow-free cross-entropy)."""
    p = 1.0 / (1.0 + math.exp(-logit))
    cross_entropy = max(logit, 0.0) - logit * target + math.log1p(math.exp(-abs(logit)))
    p_t = p * target + (1.0 - p) * (1.0 - target)
    alpha_t = alpha * target + (1.0 - alpha) * (1.0 - target)
    return alpha_t * max(1.0 - p_t, 0.0) ** gamma * cross_entropy


class ScalarLosses(NamedTuple):
    """The four values of the scalar reference, as floats."""

    total: float
    l1: float
    giou: float
    focal: float


def scalar_reference(inputs: tr.DetectionInput, options: tr.DetectionOptions) -> ScalarLosses:
    """The detection loss by loops over Python floats: independent of the tensor code."""
    pred, target = inputs.pred_boxes.tolist(), inputs.target_boxes.tolist()
    logits = inputs.class_logits.reshape(-1).tolist()
    targets = inputs.class_targets.reshape(-1).tolist()
    count = max(float(len(pred)), 1.0)
    l1 = math.fsum(abs(p - t) for a, b in zip(pred, target) for p, t in zip(a, b)) / count
    giou = math.fsum(1.0 - scalar_giou(a, b) for a, b in zip(pred, target)) / count
    alpha, gamma = options.focal_alpha, options.focal_gamma
    focal = math.fsum(scalar_focal(x, t, alpha, gamma) for x, t in zip(logits, targets)) / count
    total = options.l1_weight * l1 + options.giou_weight * giou + options.focal_weight * focal
    return ScalarLosses(total=total, l1=l1, giou=giou, focal=focal)
