"""GPU tests of the detection loss (marker ``gpu``; skipped, with the reason, without CUDA).

On a CUDA device the public losses take the fused kernels when their library is loaded
(``TORCHLINT_REFERENCE_OPS_LIBRARY``; ctest sets it in a CUDA build) and the pure PyTorch
composition otherwise; either way they must match the CPU float64 reference: fresh random
inputs with degenerate boxes per dtype, the shared fixture in float64, ``gradcheck`` in
float64, gradients for every dtype, empty batches, non-contiguous and misaligned inputs,
bit-identical repeated runs, and replay under a CUDA graph.
"""

from __future__ import annotations

import os
import random
from typing import TYPE_CHECKING, Callable, NamedTuple

import pytest
import torch
from loss_cases import TOLERANCES, Tolerance, fixture_case, load_fixture_records, record_tensor

import torchlint_reference as tr
from torchlint_reference import fused

if TYPE_CHECKING:
    from jaxtyping import Float

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device"),
]

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
DTYPES = [torch.float32, torch.bfloat16, torch.float16]

# Gradients: atol is relative to the largest element of the reference gradient, plus the
# spacing of float16's subnormals (large N makes many float16 gradients subnormal).
FLOAT16_SUBNORMAL_SPACING = 2.0**-24
GRADIENT_TOLERANCES = {
    torch.float32: Tolerance(rtol=1e-4, atol=1e-5),
    torch.bfloat16: Tolerance(rtol=1e-2, atol=1e-2),
    torch.float16: Tolerance(rtol=2e-3, atol=2e-3),
    torch.float64: Tolerance(rtol=1e-10, atol=1e-12),
}


class LossRun(NamedTuple):
    """The terms of one ``detection_loss`` call and d total / d (each input)."""

    terms: tr.DetectionTerms
    gradients: tr.DetectionInput


def fresh_seed() -> int:
    """A seed drawn from the operating system: every run tests new inputs (it is reported)."""
    return random.SystemRandom().randrange(2**31)


def degenerate_pairs() -> tr.DetectionInput:
    """Eight degenerate pairs (points, lines, inverted, identical, shared edges); float64,
    no class scores."""
    pred = torch.tensor(
        [[1, 1, 1, 1], [0, 0, 0, 2], [3, 3, 1, 1], [2, 2, 2, 2]]
        + [[0, 0, 2, 2], [0, 0, 2, 2], [1, 0, 3, 2], [5, 5, 5, 9]],
        dtype=torch.float64,
    )
    target = torch.tensor(
        [[0, 0, 2, 2], [0, 0, 0, 2], [0, 0, 2, 2], [2, 2, 2, 2]]
        + [[0, 0, 2, 2], [2, 0, 4, 2], [0, 0, 2, 2], [5, 5, 5, 9]],
        dtype=torch.float64,
    )
    empty = torch.zeros((0, 1), dtype=torch.float64)
    return tr.DetectionInput(pred, target, empty, empty)


def random_input(seed: int, num_boxes: int, num_rows: int, num_classes: int) -> tr.DetectionInput:
    """Float64 inputs: degenerate pairs then random overlapping ones (N = num_boxes + 8), and
    (num_rows, num_classes) logits with soft targets in [0, 1], one-hot in half the rows."""
    generator = torch.Generator().manual_seed(seed)
    corner = torch.rand(num_boxes, 2, generator=generator, dtype=torch.float64) * 10.0
    extent = torch.rand(num_boxes, 2, generator=generator, dtype=torch.float64) * 3.0 + 0.5
    target = torch.cat([corner, corner + extent], dim=1)
    noise = torch.randn(num_boxes, 4, generator=generator, dtype=torch.float64) * 0.8
    logits = torch.randn(num_rows, num_classes, generator=generator, dtype=torch.float64) * 3.0
    soft = torch.rand(num_rows, num_classes, generator=generator, dtype=torch.float64)
    hard = (soft > 0.9).to(dtype=torch.float64)
    rows = torch.arange(num_rows, dtype=torch.int64).unsqueeze(1) % 2 == 0
    degenerate = degenerate_pairs()
    return tr.DetectionInput(
        pred_boxes=torch.cat([degenerate.pred_boxes, target + noise]),
        target_boxes=torch.cat([degenerate.target_boxes, target]),
        class_logits=logits,
        class_targets=torch.where(rows, hard, soft),
    )


def leaves(inputs: tr.DetectionInput, dtype: torch.dtype, device: torch.device) -> tr.DetectionInput:
    """Every tensor cast to ``dtype`` on ``device``, detached, as a new autograd leaf."""
    return tr.DetectionInput(
        *(t.detach().to(device=device, dtype=dtype).requires_grad_() for t in inputs)
    )


def run_loss(inputs: tr.DetectionInput, options: tr.DetectionOptions) -> LossRun:
    """``detection_loss`` on leaves, and d total / d inputs (zeros where unused)."""
    terms = tr.detection_loss(inputs, options)
    grads = torch.autograd.grad(terms.total, list(inputs), allow_unused=True)
    filled = [g if g is not None else torch.zeros_like(t) for g, t in zip(grads, inputs)]
    return LossRun(terms=terms, gradients=tr.DetectionInput(*filled))


def cpu_reference(
    inputs: tr.DetectionInput, dtype: torch.dtype, options: tr.DetectionOptions
) -> LossRun:
    """The CPU float64 result on ``inputs`` first rounded to ``dtype``."""
    rounded = leaves(inputs, dtype, torch.device("cpu"))
    return run_loss(leaves(rounded, torch.float64, torch.device("cpu")), options)


def assert_close(
    actual: Float[torch.Tensor, "..."],
    expected: Float[torch.Tensor, "..."],
    tolerance: Tolerance,
    what: str,
) -> None:
    """Any shape: equal within the tolerance, compared in float64 on the CPU, all finite."""
    actual64 = actual.detach().to(device=torch.device("cpu"), dtype=torch.float64)
    expected64 = expected.detach().to(device=torch.device("cpu"), dtype=torch.float64)
    assert bool(torch.isfinite(actual64).all()), f"{what}: not finite"
    torch.testing.assert_close(
        actual64,
        expected64,
        rtol=tolerance.rtol,
        atol=tolerance.atol,
        msg=lambda message: f"{what}: {message}",
    )


def assert_gradients_close(
    actual: tr.DetectionInput, expected: tr.DetectionInput, dtype: torch.dtype, what: str
) -> None:
    """Each gradient against its reference, atol scaled by the reference's largest element."""
    tolerance = GRADIENT_TOLERANCES[dtype]
    for name, grad in actual._asdict().items():
        reference = getattr(expected, name)
        scale = float(reference.abs().max()) if reference.numel() else 1.0
        floor = FLOAT16_SUBNORMAL_SPACING if dtype == torch.float16 else 1e-30
        scaled = Tolerance(rtol=tolerance.rtol, atol=tolerance.atol * scale + floor)
        assert_close(grad, reference, scaled, f"{what}: d total / d {name}")


def assert_runs_match(actual: LossRun, expected: LossRun, dtype: torch.dtype, what: str) -> None:
    """Terms within the dtype's tolerance (and in the dtype), gradients likewise."""
    for name, value in actual.terms._asdict().items():
        assert value.dtype == dtype and value.device.type == DEVICE.type, f"{what}: {name}"
        assert_close(value, getattr(expected.terms, name), TOLERANCES[dtype], f"{what}: {name}")
    assert_gradients_close(actual.gradients, expected.gradients, dtype, what)


def requires_fused_library() -> None:
    """Skips the calling test unless the fused-kernel library is loaded."""
    if not tr.fused_ops_loaded():
        pytest.skip(f"{fused.OPS_LIBRARY_VARIABLE} is not set: the fused library is not loaded")


# ------------------------------------------------------------------ which path runs


def test_fused_library_is_loaded_where_named() -> None:
    if not os.environ.get(fused.OPS_LIBRARY_VARIABLE):
        pytest.skip(f"{fused.OPS_LIBRARY_VARIABLE} is not set: CUDA runs the composition")
    assert tr.fused_ops_loaded()
    assert hasattr(torch.ops.torchlint_reference, "detection_loss_terms")


def test_public_api_runs_the_fused_operator_on_cuda() -> None:
    requires_fused_library()
    inputs = leaves(random_input(fresh_seed(), 50, 20, 7), torch.float32, DEVICE)
    options = tr.DetectionOptions(focal_alpha=0.3, focal_gamma=1.5)
    public = tr.detection_loss(inputs, options)
    num_boxes = tr.box_count_normaliser(inputs.target_boxes)
    direct = fused.operator_terms(*inputs, num_boxes, options)
    assert torch.equal(torch.stack(list(public)), direct)
    with tr.use_fused_kernels(False):
        composed = tr.detection_loss(inputs, options)
    assert_close(torch.stack(list(composed)), direct, TOLERANCES[torch.float32], "composition")


# ------------------------------------------------------------- against the CPU reference


@pytest.mark.parametrize("dtype", DTYPES)
def test_detection_loss_cuda_matches_cpu_float64(dtype: torch.dtype) -> None:
    seed = fresh_seed()
    inputs = random_input(seed, num_boxes=1000, num_rows=257, num_classes=13)
    for options in (tr.DetectionOptions(), tr.DetectionOptions(3.0, 1.5, 2.0, 0.3, 1.5)):
        expected = cpu_reference(inputs, dtype, options)
        actual = run_loss(leaves(inputs, dtype, DEVICE), options)
        assert_runs_match(actual, expected, dtype, f"seed {seed}, {options}")


@pytest.mark.parametrize("dtype", DTYPES)
def test_component_losses_cuda_match_cpu_float64(dtype: torch.dtype) -> None:
    seed = fresh_seed()
    inputs = random_input(seed, num_boxes=300, num_rows=100, num_classes=7)
    cpu = leaves(leaves(inputs, dtype, torch.device("cpu")), torch.float64, torch.device("cpu"))
    gpu = leaves(inputs, dtype, DEVICE)
    four = torch.tensor(4.0, dtype=torch.float32)
    pairs: list[tuple[Callable[..., torch.Tensor], int, int]] = [
        (tr.l1_box_loss, 0, 1),
        (tr.generalized_iou_loss, 0, 1),
        (tr.sigmoid_focal_loss, 2, 3),
    ]
    for loss, first, second in pairs:
        value = loss(gpu[first], gpu[second], four)
        assert value.dtype == dtype and value.device.type == DEVICE.type
        expected = loss(cpu[first], cpu[second], four)
        assert_close(value, expected, TOLERANCES[dtype], f"seed {seed}: {loss.__name__}")
        value.backward()
        expected.backward()
        assert_gradients_close(
            tr.DetectionInput(*(t.grad if t.grad is not None else t * 0 for t in gpu)),
            tr.DetectionInput(*(t.grad if t.grad is not None else t * 0 for t in cpu)),
            dtype,
            f"seed {seed}: {loss.__name__}",
        )
        gpu, cpu = leaves(gpu, dtype, DEVICE), leaves(cpu, torch.float64, torch.device("cpu"))


@pytest.mark.parametrize("dtype", DTYPES)
def test_large_inputs_cuda_match_cpu_float64(dtype: torch.dtype) -> None:
    """Many blocks, grid-stride loops and the tails of the vectorised loops (odd sizes)."""
    seed = fresh_seed()
    inputs = random_input(seed, num_boxes=60_003, num_rows=15_001, num_classes=80)
    expected = cpu_reference(inputs, dtype, tr.DetectionOptions())
    actual = run_loss(leaves(inputs, dtype, DEVICE), tr.DetectionOptions())
    assert_runs_match(actual, expected, dtype, f"seed {seed}")


@pytest.mark.parametrize("case_name", ["closed_form_pair", "random_7_boxes", "custom_weights"])
def test_cuda_float64_matches_the_shared_fixture(case_name: str) -> None:
    record = next(r for r in load_fixture_records() if r["name"] == case_name)
    case = fixture_case(case_name)
    actual = run_loss(leaves(case.inputs, torch.float64, DEVICE), case.options)
    for name, value in actual.terms._asdict().items():
        assert value.item() == pytest.approx(record["expected"][name], rel=1e-10, abs=1e-12), name
    expected_grads = tr.DetectionInput(
        *(record_tensor(record["grad_total"][name]) for name in tr.DetectionInput._fields)
    )
    assert_gradients_close(actual.gradients, expected_grads, torch.float64, case_name)


# ------------------------------------------------------------------------- gradients


def test_cuda_gradcheck_float64() -> None:
    inputs = random_input(3, 4, 3, 2)
    without_degenerate = inputs._replace(
        pred_boxes=inputs.pred_boxes[8:], target_boxes=inputs.target_boxes[8:]
    )
    random_pairs = leaves(without_degenerate, torch.float64, DEVICE)
    settings = {"eps": 1e-6, "atol": 1e-7}

    def total(
        pred: Float[torch.Tensor, "N 4"],
        target: Float[torch.Tensor, "N 4"],
        logits: Float[torch.Tensor, "M C"],
        soft: Float[torch.Tensor, "M C"],
    ) -> Float[torch.Tensor, ""]:
        """The total loss as a function of the four float64 CUDA inputs."""
        options = tr.DetectionOptions(focal_alpha=0.3, focal_gamma=1.5)
        return tr.detection_loss(tr.DetectionInput(pred, target, logits, soft), options).total

    assert torch.autograd.gradcheck(total, tuple(random_pairs), **settings)
    fixture_inputs = leaves(fixture_case("closed_form_pair").inputs, torch.float64, DEVICE)
    assert torch.autograd.gradcheck(total, tuple(fixture_inputs), **settings)
    boxes = (random_pairs.pred_boxes, random_pairs.target_boxes)
    classes = (random_pairs.class_logits, random_pairs.class_targets)
    assert torch.autograd.gradcheck(lambda p, t: tr.l1_box_loss(p, t), boxes, **settings)
    assert torch.autograd.gradcheck(lambda p, t: tr.generalized_iou_loss(p, t), boxes, **settings)
    assert torch.autograd.gradcheck(lambda x, y: tr.sigmoid_focal_loss(x, y), classes, **settings)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gradients_flow_on_cuda_for_every_dtype(dtype: torch.dtype) -> None:
    inputs = leaves(random_input(fresh_seed(), 64, 32, 5), dtype, DEVICE)
    tr.detection_loss(inputs).total.backward()
    for name in ("pred_boxes", "target_boxes", "class_logits", "class_targets"):
        grad = getattr(inputs, name).grad
        assert grad is not None and grad.dtype == dtype and grad.device.type == DEVICE.type, name
        assert bool(torch.isfinite(grad).all()), name
        assert float(grad.abs().sum()) > 0.0, name


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_other_upstream_gradients_and_second_backward_match_cpu(dtype: torch.dtype) -> None:
    """The fused forward pass writes the gradients of ``total`` itself; a scaled total rescales
    them, gradients through l1 / giou / focal recompute them, and a second backward pass
    (retain_graph) recomputes them: all must match the CPU float64 reference."""
    seed = fresh_seed()
    inputs = random_input(seed, num_boxes=300, num_rows=100, num_classes=7)
    objectives: dict[str, Callable[[tr.DetectionTerms], torch.Tensor]] = {
        "scaled total": lambda terms: 2.5 * terms.total,
        "mixed terms": lambda terms: terms.total + 3.0 * terms.l1 - 0.5 * terms.giou + terms.focal,
        "focal only": lambda terms: terms.focal,
    }
    for what, objective in objectives.items():
        cpu = leaves(leaves(inputs, dtype, torch.device("cpu")), torch.float64, torch.device("cpu"))
        gpu = leaves(inputs, dtype, DEVICE)
        expected = torch.autograd.grad(objective(tr.detection_loss(cpu)), list(cpu), allow_unused=True)
        actual = torch.autograd.grad(objective(tr.detection_loss(gpu)), list(gpu), allow_unused=True)
        assert_gradients_close(
            tr.DetectionInput(*(a if a is not None else torch.zeros_like(t) for a, t in zip(actual, gpu))),
            tr.DetectionInput(*(e if e is not None else torch.zeros_like(t) for e, t in zip(expected, cpu))),
            dtype,
            f"seed {seed}, {what}",
        )
    gpu = leaves(inputs, dtype, DEVICE)
    total = tr.detection_loss(gpu).total
    first = torch.autograd.grad(total, list(gpu), retain_graph=True)
    second = torch.autograd.grad(total, list(gpu))
    assert all(torch.equal(a, b) for a, b in zip(first, second)), "second backward differs"


def test_double_backward_is_refused_by_the_fused_operator() -> None:
    requires_fused_library()
    inputs = leaves(random_input(5, 6, 4, 3), torch.float64, DEVICE)
    total = tr.detection_loss(inputs).total
    with pytest.raises(RuntimeError, match="double backward"):
        torch.autograd.grad(total, inputs.pred_boxes, create_graph=True)


# ------------------------------------------------------------- degenerate and empty input


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32, torch.float16])
def test_degenerate_boxes_on_cuda_match_cpu(dtype: torch.dtype) -> None:
    case = fixture_case("degenerate_boxes")
    actual = run_loss(leaves(case.inputs, dtype, DEVICE), case.options)
    assert actual.terms.giou.item() == pytest.approx(1.0, abs=1e-6)
    assert_runs_match(actual, cpu_reference(case.inputs, dtype, case.options), dtype, "degenerate")


@pytest.mark.parametrize("dtype", DTYPES + [torch.float64])
def test_empty_batches_on_cuda_give_zero_loss_and_zero_gradients(dtype: torch.dtype) -> None:
    full = random_input(7, 5, 4, 3)
    variants = {
        "nothing": full._replace(
            pred_boxes=full.pred_boxes[:0],
            target_boxes=full.target_boxes[:0],
            class_logits=full.class_logits[:0],
            class_targets=full.class_targets[:0],
        ),
        "no boxes": full._replace(pred_boxes=full.pred_boxes[:0], target_boxes=full.target_boxes[:0]),
        "no class rows": full._replace(
            class_logits=full.class_logits[:0], class_targets=full.class_targets[:0]
        ),
    }
    for what, inputs in variants.items():
        actual = run_loss(leaves(inputs, dtype, DEVICE), tr.DetectionOptions())
        assert_runs_match(actual, cpu_reference(inputs, dtype, tr.DetectionOptions()), dtype, what)
        assert actual.gradients.pred_boxes.shape == inputs.pred_boxes.shape
    nothing = run_loss(leaves(variants["nothing"], dtype, DEVICE), tr.DetectionOptions())
    assert all(value.item() == 0.0 for value in nothing.terms)


def test_strided_and_misaligned_inputs_match_dense_copies() -> None:
    requires_fused_library()  # the composition's reductions may depend on the strides
    inputs = leaves(random_input(fresh_seed(), 101, 61, 3), torch.float32, DEVICE)
    # Row 1 of (M, 3) float32 starts 12 bytes in (not 16-byte aligned); the transposes are
    # not contiguous.
    sliced = tr.DetectionInput(*(t[1:] for t in inputs))
    strided = sliced._replace(
        class_logits=sliced.class_logits.t().contiguous().t(),
        class_targets=sliced.class_targets.t().contiguous().t(),
    )
    dense = tr.DetectionInput(*(t.contiguous().clone() for t in sliced))
    for variant in (sliced, strided):
        assert torch.equal(torch.stack(list(tr.detection_loss(variant))),
                           torch.stack(list(tr.detection_loss(dense))))


# ------------------------------------------------------------------ determinism, graphs


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_repeated_runs_on_cuda_are_bit_identical(dtype: torch.dtype) -> None:
    inputs = leaves(random_input(fresh_seed(), 100_000, 25_000, 80), dtype, DEVICE)
    first = run_loss(inputs, tr.DetectionOptions())
    for _ in range(3):
        again = run_loss(inputs, tr.DetectionOptions())
        assert all(torch.equal(a, b) for a, b in zip(first.terms, again.terms))
        assert all(torch.equal(a, b) for a, b in zip(first.gradients, again.gradients))


def test_loss_and_gradients_replay_under_a_cuda_graph() -> None:
    """Warm-up on a side stream, capture, replay; then the same step eagerly. (No autograd
    graph of an eager run may be alive during the capture: its nodes belong to the legacy
    stream, which a capture must not touch.)"""
    inputs = leaves(random_input(fresh_seed(), 2_000, 500, 80), torch.bfloat16, DEVICE)
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(2):
            run_loss(inputs, tr.DetectionOptions())
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        captured = run_loss(inputs, tr.DetectionOptions())
    graph.replay()
    torch.cuda.synchronize()
    eager = run_loss(inputs, tr.DetectionOptions())
    assert all(torch.equal(a, b) for a, b in zip(eager.terms, captured.terms))
    assert all(torch.equal(a, b) for a, b in zip(eager.gradients, captured.gradients))


def test_detection_loss_module_on_cuda_matches_function() -> None:
    case = fixture_case("custom_weights")
    inputs = leaves(case.inputs, torch.float32, DEVICE)
    module_terms = tr.DetectionLoss(case.options)(**inputs._asdict())
    function_terms = tr.detection_loss(inputs, case.options)
    assert all(torch.equal(a, b) for a, b in zip(module_terms, function_terms))
