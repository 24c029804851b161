import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.studies.models import Instance, Series
from dicom_listener.samples import CERVICAL_SPINE_MR, study_datasets, write_datasets


@pytest.mark.dcmtk
def test_storescu_sends_a_multi_series_mr_study(
    dcmtk: Callable[[str], str], listener: Settings, tmp_path: Path, session: Session
) -> None:
    storescu = dcmtk("storescu")
    files = write_datasets(study_datasets(CERVICAL_SPINE_MR), tmp_path / "study")

    result = subprocess.run(
        [storescu, "-aet", "MODALITY", "-aec", listener.ae_title, "+sd", "+r"]
        + ["127.0.0.1", str(listener.dicom_port), str(tmp_path / "study")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TCP_NODELAY": "1"},
    )

    assert result.returncode == 0, result.stderr
    assert session.scalar(select(func.count()).select_from(Instance)) == len(files)
    assert session.scalar(select(func.count()).select_from(Series)) == 5
