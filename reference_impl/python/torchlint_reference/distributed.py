"""torch.distributed helpers of the detection loss.

``all_reduce_sum`` / ``all_reduce_mean`` are differentiable: gradients flow back through
them to every rank's input. With ``y = all_reduce_mean(x)`` on every rank and each rank
calling ``y.backward()``, every rank's ``x`` receives gradient 1 — exactly what
``x.backward()`` would give — so a loss reduced with them logs the global value and still
trains with the usual DistributedDataParallel gradients. As with every collective, all
ranks must make the same calls (forward and backward) in the same order.

Outside an initialised process group everything here is the single-process identity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import torch
import torch.distributed as dist

if TYPE_CHECKING:
    from jaxtyping import Float


class AllReduceSumGradients(NamedTuple):
    """The gradients ``_AllReduceSum.backward`` returns, one per ``forward`` input."""

    tensor: Float[torch.Tensor, "..."]
    group: None


def is_distributed() -> bool:
    """Whether a default process group is initialised (False where torch.distributed is absent)."""
    return dist.is_available() and dist.is_initialized()


def world_size(group: dist.ProcessGroup | None = None) -> int:
    """Number of ranks in ``group`` (the default group when None); 1 when not distributed."""
    return dist.get_world_size(group) if is_distributed() else 1


class _AllReduceSum(torch.autograd.Function):
    """Sum over ranks whose backward is again a sum over ranks (the adjoint of a sum)."""

    @staticmethod
    def forward(
        ctx: torch.autograd.function.FunctionCtx,
        tensor: Float[torch.Tensor, "..."],
        group: dist.ProcessGroup | None,
    ) -> Float[torch.Tensor, "..."]:
        """Shape: any (S); the result has the shape, dtype and device of ``tensor``."""
        ctx.group = group
        # The collective writes into its buffer; the buffer is a fresh copy owned here, so
        # no caller-visible tensor is modified.
        reduced = tensor.clone()
        dist.all_reduce(reduced, op=dist.ReduceOp.SUM, group=group)
        return reduced

    @staticmethod
    def backward(
        ctx: torch.autograd.function.FunctionCtx,
        grad_output: Float[torch.Tensor, "..."],
    ) -> AllReduceSumGradients:
        """Shape: any (S), as in ``forward``; ``group`` gets no gradient."""
        reduced = grad_output.clone()
        dist.all_reduce(reduced, op=dist.ReduceOp.SUM, group=ctx.group)
        return AllReduceSumGradients(tensor=reduced, group=None)


def all_reduce_sum(
    tensor: Float[torch.Tensor, "..."],
    group: dist.ProcessGroup | None = None,
) -> Float[torch.Tensor, "..."]:
    """Element-wise sum of ``tensor`` over the ranks of ``group``; differentiable.

    Args:
        tensor: any shape, any dtype the backend reduces (gloo: CPU tensors).
        group: the process group; None for the default one.

    Returns:
        A new tensor of the same shape, dtype and device; ``tensor`` itself when not
        distributed.
    """
    if not is_distributed():
        return tensor
    return _AllReduceSum.apply(tensor, group)


def all_reduce_mean(
    tensor: Float[torch.Tensor, "..."],
    group: dist.ProcessGroup | None = None,
) -> Float[torch.Tensor, "..."]:
    """Element-wise mean of ``tensor`` over the ranks of ``group``; differentiable.

    Args:
        tensor: any shape, floating.
        group: the process group; None for the default one.

    Returns:
        A tensor of the same shape, dtype and device as ``tensor``.
    """
    return all_reduce_sum(tensor, group) / world_size(group)


def reduce_for_logging(
    loss: Float[torch.Tensor, ""],
    group: dist.ProcessGroup | None = None,
) -> Float[torch.Tensor, ""]:
    """The mean of a per-rank loss over the ranks, detached: the whole batch's loss.

    Args:
        loss: () floating, this rank's loss (e.g. ``detection_loss(...).total``).
        group: the process group; None for the default one.

    Returns:
        () same dtype and device as ``loss``, without autograd history.
    """
    return all_reduce_mean(loss.detach(), group)
