"""C++ and Python agree: both check themselves against the shared fixture
``reference_impl/fixtures/detection_loss_cases.json`` (the C++ side in
test_detection_loss.cpp, CrossLanguage.*). Here: the file is what the Python package
computes now, and Python reproduces it from the JSON inputs."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from loss_cases import load_fixture_records, record_tensor

import torchlint_reference as tr
from torchlint_reference import fixture

CASE_NAMES = [record["name"] for record in load_fixture_records()]


def test_fixture_file_is_current() -> None:
    on_disk = load_fixture_records()
    regenerated = fixture.fixture_document()["cases"]
    assert [record["name"] for record in on_disk] == [record["name"] for record in regenerated]
    for stored, fresh in zip(on_disk, regenerated):
        assert stored["options"] == fresh["options"] and stored["splits"] == fresh["splits"]
        assert stored["expected"] == pytest.approx(fresh["expected"], rel=1e-12, abs=1e-12)
        for group in ("inputs", "grad_total"):
            for name, record in stored[group].items():
                torch.testing.assert_close(record_tensor(record), record_tensor(fresh[group][name]))


def case_inputs(record: dict[str, Any]) -> tr.DetectionInput:
    """The case's inputs read from JSON, as float64 autograd leaves."""
    tensors = [record_tensor(record["inputs"][name]) for name in fixture.INPUT_NAMES]
    return tr.DetectionInput(*(tensor.requires_grad_() for tensor in tensors))


@pytest.mark.parametrize("name", CASE_NAMES)
def test_python_reproduces_fixture(name: str) -> None:
    record = next(record for record in load_fixture_records() if record["name"] == name)
    inputs = case_inputs(record)
    output = tr.detection_loss(inputs, tr.DetectionOptions(**record["options"]))
    for term, value in output._asdict().items():
        assert value.item() == pytest.approx(record["expected"][term], rel=1e-12, abs=1e-12), term
    grads = torch.autograd.grad(output.total, list(inputs), allow_unused=True)
    for input_name, grad, tensor in zip(fixture.INPUT_NAMES, grads, inputs):
        actual = grad if grad is not None else torch.zeros_like(tensor)
        expected = record_tensor(record["grad_total"][input_name])
        torch.testing.assert_close(actual, expected, rtol=1e-10, atol=1e-12)
