"""``DetectionLoss``: the detection loss as an ``nn.Module`` whose forward exports to ONNX."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
import torch.distributed as dist
from torch import nn

from .losses import DetectionInput, DetectionTerms, DetectionOptions, detection_loss

if TYPE_CHECKING:
    from jaxtyping import Float


class DetectionLoss(nn.Module):
    """``detection_loss`` as a module: named tensor arguments in, a NamedTuple out.

    The forward takes named arguments rather than a ``DetectionInput`` because ONNX
    tracing hands a NamedTuple argument over as a plain tuple; call it as
    ``criterion(**inputs._asdict())``. It has no data-dependent Python control flow and
    creates no tensor from Python values, so ``torch.onnx.export`` traces it with dynamic
    N and M (the box count is computed from ``target_boxes`` inside the graph). Under an
    initialised process group the normaliser is all-reduced over ``group`` (DETR); export
    outside one.
    """

    def __init__(
        self,
        options: DetectionOptions = DetectionOptions(),
        group: dist.ProcessGroup | None = None,
    ) -> None:
        super().__init__()
        self.options = options
        self.group = group

    def forward(
        self,
        pred_boxes: Float[torch.Tensor, "N 4"],
        target_boxes: Float[torch.Tensor, "N 4"],
        class_logits: Float[torch.Tensor, "M C"],
        class_targets: Float[torch.Tensor, "M C"],
    ) -> DetectionTerms:
        """Shapes: boxes (N, 4) xyxy, classes (M, C), one floating dtype; every output
        field is () in that dtype."""
        inputs = DetectionInput(pred_boxes, target_boxes, class_logits, class_targets)
        return detection_loss(inputs, self.options, self.group)
