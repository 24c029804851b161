"""DCMTK's command-line tools: skipped where absent, except in CI, where their absence fails."""

import os
import shutil
import sys
from pathlib import Path

import pytest

# pynetdicom installs Python look-alikes (`storescu`, `echoscu`) into the virtualenv's bin folder,
# which comes first on PATH under ./scripts/test: never take those for DCMTK's.
_VENV_BIN = (Path(sys.prefix) / "bin").resolve()


def dcmtk_tool(name: str) -> str:
    folders = os.environ.get("PATH", "").split(os.pathsep)
    outside_venv = os.pathsep.join(f for f in folders if f and Path(f).resolve() != _VENV_BIN)
    path = shutil.which(name, path=outside_venv)
    if path:
        return path
    message = f"DCMTK's {name} is not installed (apt-get install dcmtk)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
