"""DCMTK's command-line tools: skipped where absent, except in CI, where their absence fails."""

import os
import shutil

import pytest


def dcmtk_tool(name: str) -> str:
    path = shutil.which(name)
    if path:
        return path
    message = f"DCMTK's {name} is not installed (apt-get install dcmtk)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
