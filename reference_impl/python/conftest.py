"""Makes ``torchlint_reference`` importable when pytest runs from the repository root."""

from __future__ import annotations

import pathlib
import sys

PACKAGE_ROOT = pathlib.Path(__file__).resolve().parent
if str(PACKAGE_ROOT) not in sys.path:
    sys.path.insert(0, str(PACKAGE_ROOT))
