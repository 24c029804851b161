"""DCMTK's command-line tools: skipped where absent, except in CI, where their absence fails.

pynetdicom installs Python apps under the same names (storescu, echoscu, ...) into the
virtualenv's bin folder, so a plain PATH lookup can find them first; only DCMTK's count here.
"""

import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest


@lru_cache(maxsize=16)
def find_dcmtk(name: str) -> str | None:
    """The first `name` on PATH that is DCMTK's own program, or None."""
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        candidate = Path(folder) / name
        if os.access(candidate, os.X_OK) and _is_dcmtk(candidate):
            return str(candidate)
    return None


def _is_dcmtk(program: Path) -> bool:
    if program.parent == Path(sys.prefix) / "bin":
        return False
    version = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=10)
    return "dcmtk" in version.stdout.lower()


def dcmtk_tool(name: str) -> str:
    path = find_dcmtk(name)
    if path:
        return path
    message = f"DCMTK's {name} is not installed (apt-get install dcmtk)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
