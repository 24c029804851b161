import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.studies.models import Instance, Study
from dicom_listener.samples import KNEE_MR, study_datasets, write_datasets
from tests.support.factories import make_radiologist


def _worklist(*args: str, settings: Settings) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": str(settings.database_url),
        "WORKLIST_HOME": str(settings.home),
        "WORKLIST_DICOM_PORT": str(settings.dicom_port),
    }
    return subprocess.run(
        [sys.executable, "-m", "app", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_send_walks_folders_and_prints_a_status_summary(
    listener: Settings, tmp_path: Path, session: Session
) -> None:
    files = write_datasets(study_datasets(KNEE_MR), tmp_path / "knee" / "nested")
    (tmp_path / "knee" / "README.txt").write_text("not DICOM")

    result = _worklist("send", str(tmp_path / "knee"), settings=listener)

    assert result.returncode == 1  # one file was not DICOM
    assert f"{len(files):6d}  success" in result.stdout
    assert "     1  not DICOM" in result.stdout
    assert session.scalar(select(func.count()).select_from(Instance)) == len(files)


def test_send_to_nobody_fails_clearly(settings: Settings, tmp_path: Path) -> None:
    files = write_datasets(study_datasets(KNEE_MR), tmp_path / "knee")
    result = _worklist("send", "--port", "1", *map(str, files[:2]), settings=settings)
    assert result.returncode == 1
    assert "     2  not sent" in result.stdout


def test_demo_sends_three_studies(listener: Settings, session: Session) -> None:
    result = _worklist("demo", settings=listener)

    assert result.returncode == 0, result.stderr
    assert "routed once quiet for WORKLIST_STABLE_AFTER=60 s" in result.stdout
    assert "nobody is on duty: routed tasks wait in their pool" in result.stdout
    descriptions = set(session.scalars(select(Study.study_description)))
    assert descriptions == {
        "MRI CERVICAL SPINE WO CONTRAST",
        "MRI KNEE RIGHT WO CONTRAST",
        "CT HEAD WO CONTRAST",
    }


def test_demo_does_not_warn_when_a_radiologist_is_on_duty(
    listener: Settings, session: Session
) -> None:
    make_radiologist(session, on_duty=True)
    session.commit()

    result = _worklist("demo", settings=listener)

    assert result.returncode == 0, result.stderr
    assert "nobody is on duty" not in result.stdout
