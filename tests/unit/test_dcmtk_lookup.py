import shutil
import sys
from pathlib import Path

import pytest

from tests.support.dcmtk import find_dcmtk


def test_the_virtualenv_storescu_of_pynetdicom_is_never_taken_for_dcmtk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    venv_bin = Path(sys.prefix) / "bin"
    monkeypatch.setenv("PATH", str(venv_bin))
    find_dcmtk.cache_clear()
    try:
        assert find_dcmtk("storescu") is None
    finally:
        find_dcmtk.cache_clear()


def test_dcmtk_storescu_is_found_where_installed() -> None:
    if shutil.which("storescu", path="/usr/bin") is None:
        pytest.skip("DCMTK is not installed in /usr/bin")
    assert find_dcmtk("storescu") == "/usr/bin/storescu"
