"""Fixtures shared by every test."""

from collections.abc import Callable

import pytest

from tests.support.dcmtk import dcmtk_tool


@pytest.fixture
def dcmtk() -> Callable[[str], str]:
    """Path of a DCMTK tool, e.g. `dcmtk("echoscu")`."""
    return dcmtk_tool


pytest_plugins = ["tests.support.browser"]
