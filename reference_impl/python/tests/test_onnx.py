"""ONNX export of the ``DetectionLoss`` module: checked with onnx.checker, and compared
with eager PyTorch where onnxruntime is importable (skipped, with the reason, elsewhere)."""

from __future__ import annotations

import pathlib

import onnx
import pytest
import torch
from loss_cases import fixture_case

import torchlint_reference as tr

INPUT_NAMES = ["pred_boxes", "target_boxes", "class_logits", "class_targets"]
OUTPUT_NAMES = ["total", "l1", "giou", "focal"]


def export_detection_loss(path: pathlib.Path) -> tr.DetectionInput:
    """Exports ``DetectionLoss`` (dynamic N and M) to ``path``; returns the example inputs."""
    case = fixture_case("random_7_boxes")
    inputs = tr.DetectionInput(*(t.to(dtype=torch.float32) for t in case.inputs))
    criterion = tr.DetectionLoss(case.options).eval()
    with torch.no_grad():
        torch.onnx.export(
            criterion,
            tuple(inputs),
            str(path),
            input_names=INPUT_NAMES,
            output_names=OUTPUT_NAMES,
            dynamic_axes={
                "pred_boxes": {0: "N"},
                "target_boxes": {0: "N"},
                "class_logits": {0: "M"},
                "class_targets": {0: "M"},
            },
            opset_version=13,
        )
    return inputs


def test_detection_loss_exports_to_valid_onnx(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "detection_loss.onnx"
    export_detection_loss(path)
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    assert [value.name for value in model.graph.input] == INPUT_NAMES
    assert [value.name for value in model.graph.output] == OUTPUT_NAMES
    first_dims = [value.type.tensor_type.shape.dim[0].dim_param for value in model.graph.input]
    assert first_dims == ["N", "N", "M", "M"]


@pytest.mark.parametrize("num_boxes, num_rows", [(7, 9), (3, 2), (0, 4)])
def test_detection_loss_onnx_matches_eager(
    tmp_path: pathlib.Path, num_boxes: int, num_rows: int
) -> None:
    runtime = pytest.importorskip(
        "onnxruntime",
        reason="onnxruntime is not importable here (Debian ships none); onnx.checker still ran",
    )
    path = tmp_path / "detection_loss.onnx"
    example = export_detection_loss(path)
    inputs = example._replace(
        pred_boxes=example.pred_boxes[:num_boxes],
        target_boxes=example.target_boxes[:num_boxes],
        class_logits=example.class_logits[:num_rows],
        class_targets=example.class_targets[:num_rows],
    )
    session = runtime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feeds = {name: tensor.numpy() for name, tensor in zip(INPUT_NAMES, inputs)}
    exported = session.run(OUTPUT_NAMES, feeds)
    with torch.no_grad():
        eager = tr.DetectionLoss(fixture_case("random_7_boxes").options)(**inputs._asdict())
    for name, value in zip(OUTPUT_NAMES, exported):
        expected = getattr(eager, name).numpy()
        assert value == pytest.approx(expected, rel=1e-5, abs=1e-6), name
