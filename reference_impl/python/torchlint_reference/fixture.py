"""The cross-language fixture: inputs and float64 expected values shared with the C++ tests.

``python -m torchlint_reference.fixture reference_impl/fixtures/detection_loss_cases.json``
rewrites the file. The Python tests check that the file matches what this module computes
now; the C++ tests check that LibTorch computes the same values from the same inputs.
"""

from __future__ import annotations

import json
import pathlib
import sys
from typing import TYPE_CHECKING, Any, NamedTuple

import torch

from .losses import DetectionInput, DetectionOptions, detection_loss

if TYPE_CHECKING:
    from jaxtyping import Float

REFERENCE_IMPL_ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURE_PATH = REFERENCE_IMPL_ROOT / "fixtures" / "detection_loss_cases.json"
INPUT_NAMES = ("pred_boxes", "target_boxes", "class_logits", "class_targets")


class RankSplit(NamedTuple):
    """How a case's rows are dealt to the ranks of a distributed test (in order)."""

    boxes: list[int]  # N_r per rank; sums to N
    rows: list[int]  # M_r per rank; sums to M


class FixtureCase(NamedTuple):
    """One named set of float64 inputs and options."""

    name: str
    inputs: DetectionInput
    options: DetectionOptions
    splits: list[RankSplit]


def float64_tensor(values: list[list[float]], columns: int) -> Float[torch.Tensor, "rows columns"]:
    """A (len(values), columns) float64 tensor; an empty list gives (0, columns)."""
    return torch.tensor(values, dtype=torch.float64).reshape(len(values), columns)


def random_case(seed: int, sizes: RankSplit, num_classes: int) -> DetectionInput:
    """Overlapping random boxes, logits and one-hot targets (some rows background).

    Shapes: boxes (N, 4) with N = sum(sizes.boxes), classes (M, C) with M =
    sum(sizes.rows) and C = ``num_classes``; float64, rounded to 4 decimals.
    """
    generator = torch.Generator().manual_seed(seed)
    num_boxes, num_rows = sum(sizes.boxes), sum(sizes.rows)
    corner = torch.rand(num_boxes, 2, generator=generator, dtype=torch.float64) * 10.0
    extent = torch.rand(num_boxes, 2, generator=generator, dtype=torch.float64) * 4.0 + 0.5
    target_boxes = torch.cat([corner, corner + extent], dim=1)
    noise = torch.randn(num_boxes, 4, generator=generator, dtype=torch.float64) * 0.6
    logits = torch.randn(num_rows, num_classes, generator=generator, dtype=torch.float64) * 2.0
    labels = torch.randint(0, num_classes + 1, (num_rows,), generator=generator, dtype=torch.int64)
    targets = torch.nn.functional.one_hot(labels, num_classes + 1)[:, :num_classes]
    return DetectionInput(
        pred_boxes=torch.round((target_boxes + noise) * 1e4) / 1e4,
        target_boxes=torch.round(target_boxes * 1e4) / 1e4,
        class_logits=torch.round(logits * 1e4) / 1e4,
        class_targets=targets.to(dtype=torch.float64),
    )


def hand_made_cases() -> list[FixtureCase]:
    """The closed-form pair, degenerate boxes with saturated logits, and an empty batch."""
    closed_form = DetectionInput(
        pred_boxes=float64_tensor([[0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 1.0, 1.0]], 4),
        target_boxes=float64_tensor([[1.0, 1.0, 3.0, 3.0], [2.0, 2.0, 3.0, 3.0]], 4),
        class_logits=float64_tensor([[0.0, 0.0]], 2),
        class_targets=float64_tensor([[1.0, 0.0]], 2),
    )
    degenerate = DetectionInput(
        pred_boxes=float64_tensor(
            [
                [1.0, 1.0, 1.0, 1.0],  # a point inside its target
                [0.0, 0.0, 0.0, 2.0],  # a vertical line, equal to its target
                [3.0, 3.0, 1.0, 1.0],  # an inverted box
                [2.0, 2.0, 2.0, 2.0],  # a point, equal to its target
            ],
            4,
        ),
        target_boxes=float64_tensor(
            [[0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 0.0, 2.0], [0.0, 0.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0]],
            4,
        ),
        class_logits=float64_tensor([[40.0, -40.0], [-40.0, 40.0]], 2),
        class_targets=float64_tensor([[1.0, 0.0], [1.0, 0.0]], 2),
    )
    empty = DetectionInput(
        pred_boxes=float64_tensor([], 4),
        target_boxes=float64_tensor([], 4),
        class_logits=float64_tensor([], 3),
        class_targets=float64_tensor([], 3),
    )
    return [
        FixtureCase("closed_form_pair", closed_form, DetectionOptions(), []),
        FixtureCase("degenerate_boxes", degenerate, DetectionOptions(), []),
        FixtureCase("empty_batch", empty, DetectionOptions(), []),
    ]


def fixture_cases() -> list[FixtureCase]:
    """Every case of the fixture, in file order."""
    random_sizes = RankSplit(boxes=[2, 5], rows=[3, 6])
    custom = DetectionOptions(
        l1_weight=1.0, giou_weight=3.0, focal_weight=0.5, focal_alpha=0.75, focal_gamma=1.0
    )
    return hand_made_cases() + [
        FixtureCase(
            "random_7_boxes",
            random_case(7, random_sizes, 3),
            DetectionOptions(),
            [random_sizes, RankSplit(boxes=[0, 7], rows=[9, 0])],
        ),
        FixtureCase("custom_weights", random_case(11, RankSplit([4], [4]), 2), custom, []),
    ]


def tensor_record(tensor: Float[torch.Tensor, "..."]) -> dict[str, Any]:
    """``{"shape": [...], "data": [row-major float64 values]}``."""
    return {"shape": list(tensor.shape), "data": tensor.detach().reshape(-1).tolist()}


def case_record(case: FixtureCase) -> dict[str, Any]:
    """The JSON record of a case: inputs, options, splits, float64 values and gradients."""
    inputs = DetectionInput(*(tensor.detach().requires_grad_() for tensor in case.inputs))
    output = detection_loss(inputs, case.options)
    gradients = torch.autograd.grad(output.total, list(inputs), allow_unused=True)
    return {
        "name": case.name,
        "options": case.options._asdict(),
        "splits": [split._asdict() for split in case.splits],
        "inputs": {name: tensor_record(tensor) for name, tensor in zip(INPUT_NAMES, inputs)},
        "expected": {name: value.item() for name, value in output._asdict().items()},
        "grad_total": {
            name: tensor_record(grad if grad is not None else torch.zeros_like(tensor))
            for name, grad, tensor in zip(INPUT_NAMES, gradients, inputs)
        },
    }


def fixture_document() -> dict[str, Any]:
    """The whole fixture file as a JSON-ready dict."""
    return {
        "description": "detection-loss cases shared by reference_impl's C++ and Python tests",
        "generator": "PYTHONPATH=reference_impl/python python3 -m torchlint_reference.fixture",
        "cases": [case_record(case) for case in fixture_cases()],
    }


def render_fixture(document: dict[str, Any]) -> str:
    """JSON text with one case per line (diffable, and short enough to read)."""
    header = {key: value for key, value in document.items() if key != "cases"}
    lines = [json.dumps(header)[:-1] + ', "cases": [']
    cases = [json.dumps(case) for case in document["cases"]]
    lines.append(",\n".join(cases))
    lines.append("]}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """Writes the fixture to ``argv[1]`` (default: the in-tree path)."""
    path = pathlib.Path(argv[1]) if len(argv) > 1 else FIXTURE_PATH
    path.write_text(render_fixture(fixture_document()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
