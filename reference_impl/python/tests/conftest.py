"""Test-session hooks: says in the closing lines when the ``gpu`` tests had no CUDA device.

ctest's ``reference_impl.python_gpu`` matches that line (SKIP_REGULAR_EXPRESSION), so a run
where every GPU test was skipped is reported as skipped rather than as passed.
"""

from __future__ import annotations

import pytest
import torch


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Adds one line when CUDA is unavailable (the gpu-marked tests then all skip)."""
    if not torch.cuda.is_available():
        terminalreporter.write_line("gpu tests skipped: no CUDA device (torch.cuda.is_available())")
