"""The fused CUDA kernels of the detection loss, reached through ``torch.ops``.

reference_impl's CMake build with ``-DTORCHLINT_REFIMPL_CUDA=ON`` makes the shared library
``libtorchlint_reference_ops.so``, which registers the operator
``torch.ops.torchlint_reference.detection_loss_terms`` (CUDA and Autograd kernels: one fused
pass over the boxes for L1 + GIoU, one over the class scores for the focal loss, each with a
fused backward). ``load_fused_ops(path)`` loads it, and so does importing the package when
the environment variable ``TORCHLINT_REFERENCE_OPS_LIBRARY`` names it.

The public losses do not change: once the library is loaded, inputs on a CUDA device take the
fused kernels; everything else (CPU inputs, no library, ONNX tracing, ``torch.compile``,
``use_fused_kernels(False)``) runs the pure PyTorch composition.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING, Iterator

import torch

from .boxes import compute_dtype, is_tracing

if TYPE_CHECKING:
    from jaxtyping import Float

    from .losses import DetectionOptions

OPS_LIBRARY_VARIABLE = "TORCHLINT_REFERENCE_OPS_LIBRARY"

# Paths of the loaded libraries, and a stack of use_fused_kernels() switches (last wins).
_LOADED_LIBRARIES: list[str] = []
_ENABLED: list[bool] = [True]


def load_fused_ops(path: str | os.PathLike[str]) -> None:
    """Loads the fused-kernel library at ``path`` (raises OSError if it cannot be loaded)."""
    if str(path) in _LOADED_LIBRARIES:
        return
    torch.ops.load_library(str(path))
    _LOADED_LIBRARIES.append(str(path))


def load_from_environment() -> bool:
    """Loads the library ``$TORCHLINT_REFERENCE_OPS_LIBRARY`` names, if any; whether one is loaded."""
    path = os.environ.get(OPS_LIBRARY_VARIABLE, "")
    if path:
        load_fused_ops(path)
    return fused_ops_loaded()


def fused_ops_loaded() -> bool:
    """Whether ``torch.ops.torchlint_reference.detection_loss_terms`` is available."""
    return bool(_LOADED_LIBRARIES)


@contextlib.contextmanager
def use_fused_kernels(enabled: bool) -> Iterator[None]:
    """Within the block, CUDA inputs take the fused kernels (True) or the composition (False)."""
    _ENABLED.append(enabled)
    try:
        yield
    finally:
        _ENABLED.pop()


def is_compiling() -> bool:
    """True while ``torch.compile`` traces (the fused operator has no fake-tensor kernel)."""
    compiler = getattr(torch, "compiler", None)
    return bool(compiler is not None and compiler.is_compiling())


def applies(tensor: Float[torch.Tensor, "..."]) -> bool:
    """Whether inputs like ``tensor`` (any shape) take the fused kernels."""
    return (
        _ENABLED[-1]
        and fused_ops_loaded()
        and tensor.is_cuda
        and not is_tracing()
        and not is_compiling()
    )


def operator_terms(
    pred_boxes: Float[torch.Tensor, "N 4"],
    target_boxes: Float[torch.Tensor, "N 4"],
    class_logits: Float[torch.Tensor, "M C"],
    class_targets: Float[torch.Tensor, "M C"],
    num_boxes: Float[torch.Tensor, ""],
    options: DetectionOptions,
) -> Float[torch.Tensor, "4"]:
    """The fused operator: total, l1, giou and focal, each sum divided by ``num_boxes``.

    Args:
        pred_boxes, target_boxes: (N, 4) xyxy on one CUDA device, one floating dtype.
        class_logits, class_targets: (M, C), same dtype and device (N or M may be 0).
        num_boxes: () the normaliser, any floating dtype and device.
        options: the term weights and focal parameters.

    Returns:
        (4,) in the compute dtype of the inputs, on their device; differentiable with
        respect to the four inputs.
    """
    normaliser = num_boxes.to(device=pred_boxes.device, dtype=compute_dtype(pred_boxes.dtype))
    return torch.ops.torchlint_reference.detection_loss_terms(
        pred_boxes,
        target_boxes,
        class_logits,
        class_targets,
        normaliser,
        float(options.l1_weight),
        float(options.giou_weight),
        float(options.focal_weight),
        float(options.focal_alpha),
        float(options.focal_gamma),
    )
