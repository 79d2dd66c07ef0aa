"""torchlint's reference implementation: a DETR-style detection loss written to the
PyTorch coding guidelines (L1 box loss + generalized-IoU loss + sigmoid focal loss).

Its C++ twin lives in ``reference_impl/cpp``; both agree on the shared fixture
``reference_impl/fixtures/detection_loss_cases.json``.
"""

from __future__ import annotations

from . import fused
from .boxes import aligned_generalized_box_iou, box_area, compute_dtype
from .distributed import (
    all_reduce_mean,
    all_reduce_sum,
    is_distributed,
    reduce_for_logging,
    world_size,
)
from .losses import (
    DetectionInput,
    DetectionTerms,
    DetectionOptions,
    box_count_normaliser,
    detection_loss,
    generalized_iou_loss,
    l1_box_loss,
    sigmoid_focal_loss,
)
from .fused import fused_ops_loaded, load_fused_ops, use_fused_kernels
from .module import DetectionLoss

# The fused CUDA kernels, when $TORCHLINT_REFERENCE_OPS_LIBRARY names their library (see fused).
fused.load_from_environment()

__all__ = [
    "DetectionLoss",
    "DetectionInput",
    "DetectionTerms",
    "DetectionOptions",
    "aligned_generalized_box_iou",
    "all_reduce_mean",
    "all_reduce_sum",
    "box_area",
    "box_count_normaliser",
    "compute_dtype",
    "detection_loss",
    "fused_ops_loaded",
    "generalized_iou_loss",
    "is_distributed",
    "l1_box_loss",
    "load_fused_ops",
    "reduce_for_logging",
    "sigmoid_focal_loss",
    "use_fused_kernels",
    "world_size",
]
