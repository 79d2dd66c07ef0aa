"""Single-process tests of the detection loss: closed-form values, an independent scalar
float64 reference, gradcheck in float64, the float32 / bfloat16 / float16 matrix,
degenerate boxes, empty batches and the API's contracts."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

import pytest
import torch
from loss_cases import (
    TOLERANCES,
    as_leaves,
    fixture_case,
    random_inputs,
    scalar_reference,
)

import torchlint_reference as tr

if TYPE_CHECKING:
    from jaxtyping import Float


def float64_boxes(*rows: list[float]) -> Float[torch.Tensor, "N 4"]:
    """One float64 box per row."""
    return torch.tensor(list(rows), dtype=torch.float64).reshape(len(rows), 4)


def float64_scalar(value: float) -> Float[torch.Tensor, ""]:
    """A 0-dim float64 tensor holding ``value``."""
    return torch.tensor(value, dtype=torch.float64)


# --------------------------------------------------------------------- closed-form values


def test_l1_box_loss_closed_form() -> None:
    pred = float64_boxes([0.0, 0.0, 2.0, 2.0])
    target = float64_boxes([1.0, 1.0, 3.0, 3.0])
    assert tr.l1_box_loss(pred, target).item() == 4.0
    assert tr.l1_box_loss(pred, target, float64_scalar(4.0)).item() == 1.0


@pytest.mark.parametrize(
    "pred, target, expected",
    [
        pytest.param([0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 3.0, 3.0], 68.0 / 63.0, id="overlap"),
        pytest.param([0.0, 0.0, 1.0, 1.0], [2.0, 2.0, 3.0, 3.0], 16.0 / 9.0, id="disjoint"),
        pytest.param([1.0, 1.0, 2.0, 2.0], [0.0, 0.0, 4.0, 4.0], 15.0 / 16.0, id="contained"),
        pytest.param([1.0, 2.0, 3.0, 5.0], [1.0, 2.0, 3.0, 5.0], 0.0, id="identical"),
    ],
)
def test_generalized_iou_loss_closed_form(
    pred: list[float], target: list[float], expected: float
) -> None:
    # overlap: IoU 1/7, hull 9, union 7; disjoint: hull 9, union 2; contained: IoU 1/16.
    loss = tr.generalized_iou_loss(float64_boxes(pred), float64_boxes(target))
    assert loss.item() == pytest.approx(expected, abs=1e-12)


def test_sigmoid_focal_loss_closed_form() -> None:
    logits = torch.zeros(1, 2, dtype=torch.float64)
    targets = torch.tensor([[1.0, 0.0]], dtype=torch.float64)
    # p = 1/2, BCE = ln 2, (1 - p_t)^2 = 1/4, alpha_t = 1/4 and 3/4: (1/16 + 3/16) ln 2.
    loss = tr.sigmoid_focal_loss(logits, targets, float64_scalar(1.0))
    assert loss.item() == pytest.approx(math.log(2.0) / 4.0, abs=1e-12)
    one = torch.ones(1, 1, dtype=torch.float64)
    plain = tr.sigmoid_focal_loss(one, one, float64_scalar(1.0), alpha=0.5, gamma=0.0)
    assert plain.item() == pytest.approx(0.5 * math.log1p(math.exp(-1.0)), abs=1e-12)


def test_detection_loss_closed_form() -> None:
    inputs = fixture_case("closed_form_pair").inputs
    output = tr.detection_loss(inputs)
    l1 = (4.0 + 8.0) / 2.0
    giou = (68.0 / 63.0 + 16.0 / 9.0) / 2.0
    focal = math.log(2.0) / 4.0 / 2.0
    assert output.l1.item() == pytest.approx(l1, abs=1e-12)
    assert output.giou.item() == pytest.approx(giou, abs=1e-12)
    assert output.focal.item() == pytest.approx(focal, abs=1e-12)
    assert output.total.item() == pytest.approx(5.0 * l1 + 2.0 * giou + focal, abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_detection_loss_matches_scalar_float64_reference(seed: int) -> None:
    inputs = random_inputs(seed, num_boxes=6, num_rows=5, num_classes=4)
    options = tr.DetectionOptions(focal_alpha=0.3, focal_gamma=1.5)
    output = tr.detection_loss(inputs, options)
    reference = scalar_reference(inputs, options)
    for name, value in output._asdict().items():
        assert value.item() == pytest.approx(getattr(reference, name), rel=1e-12, abs=1e-12), name


# ---------------------------------------------------------------------------- gradients


@pytest.mark.parametrize("case_name", ["random", "closed_form_pair", "custom_weights"])
def test_detection_loss_gradcheck_float64(case_name: str) -> None:
    """Analytic against numerical gradients; ``closed_form_pair`` has logits exactly 0."""
    if case_name == "random":
        inputs = as_leaves(random_inputs(3, num_boxes=4, num_rows=3, num_classes=2), torch.float64)
    else:
        inputs = as_leaves(fixture_case(case_name).inputs, torch.float64)

    def total(
        pred: Float[torch.Tensor, "N 4"],
        target: Float[torch.Tensor, "N 4"],
        logits: Float[torch.Tensor, "M C"],
        soft: Float[torch.Tensor, "M C"],
    ) -> Float[torch.Tensor, ""]:
        """The total loss as a function of the four float64 inputs."""
        return tr.detection_loss(tr.DetectionInput(pred, target, logits, soft)).total

    assert torch.autograd.gradcheck(total, tuple(inputs), eps=1e-6, atol=1e-7)


def test_component_losses_gradcheck_float64() -> None:
    inputs = as_leaves(random_inputs(4, num_boxes=3, num_rows=3, num_classes=2), torch.float64)
    boxes = (inputs.pred_boxes, inputs.target_boxes)
    classes = (inputs.class_logits, inputs.class_targets)
    settings = {"eps": 1e-6, "atol": 1e-7}
    assert torch.autograd.gradcheck(lambda p, t: tr.l1_box_loss(p, t), boxes, **settings)
    assert torch.autograd.gradcheck(lambda p, t: tr.generalized_iou_loss(p, t), boxes, **settings)
    assert torch.autograd.gradcheck(lambda x, y: tr.sigmoid_focal_loss(x, y), classes, **settings)


def test_detection_loss_float32_gradients_are_finite_and_non_zero() -> None:
    inputs = as_leaves(fixture_case("random_7_boxes").inputs, torch.float32)
    tr.detection_loss(inputs).total.backward()
    for name in ("pred_boxes", "target_boxes", "class_logits"):
        grad = getattr(inputs, name).grad
        assert grad is not None and grad.dtype == torch.float32, name
        assert torch.isfinite(grad).all(), name
        assert grad.abs().sum() > 0, name


# --------------------------------------------------------------------------- dtype matrix

class DtypeInputs(NamedTuple):
    """The same inputs rounded to a low-precision dtype, and those rounded values in float64."""

    low: tr.DetectionInput
    wide: tr.DetectionInput


def dtype_inputs(dtype: torch.dtype) -> DtypeInputs:
    """Autograd leaves of the ``random_7_boxes`` case in ``dtype`` and in float64."""
    low = as_leaves(fixture_case("random_7_boxes").inputs, dtype)
    return DtypeInputs(low=low, wide=as_leaves(low, torch.float64))


def assert_close_in_dtype(
    value: Float[torch.Tensor, ""], expected: Float[torch.Tensor, ""], dtype: torch.dtype
) -> None:
    """``value`` () has ``dtype`` and matches ``expected`` () within that dtype's tolerance."""
    assert value.dtype == dtype
    tolerance = TOLERANCES[dtype]
    assert value.item() == pytest.approx(expected.item(), rel=tolerance.rtol, abs=tolerance.atol)


def assert_finite_gradients(inputs: tr.DetectionInput, dtype: torch.dtype) -> None:
    """At least one input received a gradient, and all of them are finite and in ``dtype``."""
    grads = [tensor.grad for tensor in inputs if tensor.grad is not None]
    assert grads, "no gradient reached the inputs"
    assert all(grad.dtype == dtype and bool(torch.isfinite(grad).all()) for grad in grads)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
def test_l1_box_loss_dtypes(dtype: torch.dtype) -> None:
    low, wide = dtype_inputs(dtype)
    value = tr.l1_box_loss(low.pred_boxes, low.target_boxes)
    assert_close_in_dtype(value, tr.l1_box_loss(wide.pred_boxes, wide.target_boxes), dtype)
    value.backward()
    assert_finite_gradients(low, dtype)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
def test_generalized_iou_loss_dtypes(dtype: torch.dtype) -> None:
    low, wide = dtype_inputs(dtype)
    value = tr.generalized_iou_loss(low.pred_boxes, low.target_boxes)
    assert_close_in_dtype(value, tr.generalized_iou_loss(wide.pred_boxes, wide.target_boxes), dtype)
    value.backward()
    assert_finite_gradients(low, dtype)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
def test_sigmoid_focal_loss_dtypes(dtype: torch.dtype) -> None:
    low, wide = dtype_inputs(dtype)
    value = tr.sigmoid_focal_loss(low.class_logits, low.class_targets)
    expected = tr.sigmoid_focal_loss(wide.class_logits, wide.class_targets)
    assert_close_in_dtype(value, expected, dtype)
    value.backward()
    assert_finite_gradients(low, dtype)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
def test_detection_loss_dtypes(dtype: torch.dtype) -> None:
    low, wide = dtype_inputs(dtype)
    value = tr.detection_loss(low).total
    assert_close_in_dtype(value, tr.detection_loss(wide).total, dtype)
    value.backward()
    assert_finite_gradients(low, dtype)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
def test_detection_loss_module_dtypes(dtype: torch.dtype) -> None:
    low, wide = dtype_inputs(dtype)
    criterion = tr.DetectionLoss()
    value = criterion(**low._asdict()).total
    assert_close_in_dtype(value, criterion(**wide._asdict()).total, dtype)
    value.backward()
    assert_finite_gradients(low, dtype)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
def test_detection_loss_terms_keep_dtype(dtype: torch.dtype) -> None:
    inputs = as_leaves(fixture_case("custom_weights").inputs, dtype)
    output = tr.detection_loss(inputs, fixture_case("custom_weights").options)
    assert all(value.dtype == dtype and value.dim() == 0 for value in output)


# ------------------------------------------------------------- degenerate and empty batches


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32, torch.float16])
def test_detection_loss_degenerate_boxes_are_finite(dtype: torch.dtype) -> None:
    case = fixture_case("degenerate_boxes")
    inputs = as_leaves(case.inputs, dtype)
    output = tr.detection_loss(inputs, case.options)
    # Every pair holds a zero-area box: IoU 0 and no hull penalty, so each GIoU term is 1.
    assert output.giou.item() == pytest.approx(1.0, abs=1e-6)
    assert all(bool(torch.isfinite(value)) for value in output)
    output.total.backward()
    for tensor in inputs[:3]:
        assert tensor.grad is not None and bool(torch.isfinite(tensor.grad).all())


def test_degenerate_box_geometry() -> None:
    points = float64_boxes([1.0, 1.0, 1.0, 1.0], [5.0, 5.0, 5.0, 5.0])
    assert torch.isfinite(tr.aligned_generalized_box_iou(points, points)).all()
    inverted_and_line = float64_boxes([3.0, 3.0, 1.0, 1.0], [0.0, 0.0, 0.0, 2.0])
    assert torch.equal(tr.box_area(inverted_and_line), torch.zeros(2, dtype=torch.float64))


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32, torch.bfloat16])
def test_detection_loss_empty_batch_is_zero_with_zero_gradients(dtype: torch.dtype) -> None:
    inputs = as_leaves(fixture_case("empty_batch").inputs, dtype)
    output = tr.detection_loss(inputs)
    assert all(value.item() == 0.0 and value.dtype == dtype for value in output)
    output.total.backward()
    assert inputs.pred_boxes.grad is not None
    assert inputs.pred_boxes.grad.shape == (0, 4)


def test_detection_loss_no_boxes_but_class_rows_normalises_by_one() -> None:
    full = fixture_case("random_7_boxes").inputs
    inputs = full._replace(pred_boxes=full.pred_boxes[:0], target_boxes=full.target_boxes[:0])
    output = tr.detection_loss(inputs)
    assert output.l1.item() == 0.0 and output.giou.item() == 0.0
    expected = tr.sigmoid_focal_loss(inputs.class_logits, inputs.class_targets, float64_scalar(1.0))
    assert output.focal.item() == pytest.approx(expected.item(), abs=1e-12)


# ------------------------------------------------------------------ contracts of the API


def test_detection_loss_does_not_modify_inputs() -> None:
    inputs = as_leaves(fixture_case("random_7_boxes").inputs, torch.float32)
    versions = [t._version for t in inputs]
    snapshot = [t.detach().clone() for t in inputs]
    tr.detection_loss(inputs).total.backward()
    assert [t._version for t in inputs] == versions
    assert all(torch.equal(t.detach(), s) for t, s in zip(inputs, snapshot))


def test_detection_loss_module_matches_function() -> None:
    case = fixture_case("custom_weights")
    module_output = tr.DetectionLoss(case.options)(**case.inputs._asdict())
    function_output = tr.detection_loss(case.inputs, case.options)
    assert isinstance(module_output, tr.DetectionTerms)
    assert all(torch.equal(a, b) for a, b in zip(module_output, function_output))


@pytest.mark.parametrize(
    "options",
    [tr.DetectionOptions(focal_gamma=0.5), tr.DetectionOptions(focal_alpha=1.5)],
)
def test_detection_loss_rejects_invalid_weights(options: tr.DetectionOptions) -> None:
    with pytest.raises(ValueError):
        tr.detection_loss(fixture_case("random_7_boxes").inputs, options)


def test_detection_loss_rejects_invalid_shapes_and_dtypes() -> None:
    inputs = fixture_case("random_7_boxes").inputs
    with pytest.raises(ValueError):
        tr.detection_loss(inputs._replace(pred_boxes=inputs.pred_boxes[:, :3]))
    with pytest.raises(ValueError):
        tr.detection_loss(inputs._replace(pred_boxes=inputs.pred_boxes.to(dtype=torch.float32)))
    with pytest.raises(ValueError):
        tr.detection_loss(inputs._replace(class_targets=inputs.class_targets[:, :1]))
