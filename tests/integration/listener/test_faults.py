"""Studies pushed by four DCMTK senders through faults: a killed listener, a stopped database,
commits whose answer is lost. Whatever happens, every instance acknowledged with success is
kept as a file and a row, and a full re-send brings the count to exactly what was sent."""

import logging
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.embedded import start_embedded_postgres, stop_embedded_postgres
from app.db.session import session_scope
from app.settings import Settings
from app.studies.models import Instance
from dicom_listener.samples import KNEE_MR, study_datasets, write_datasets
from tests.integration.listener.conftest import listener_process
from tests.support.commit_window import commits_hang, lose_answers_of_waiting_commits
from tests.support.storescu import Push, pushing

pytestmark = [pytest.mark.faults, pytest.mark.dcmtk]

logger = logging.getLogger(__name__)

SENDERS = 4
FAULT_AFTER_ROWS = 40
FILING_STATEMENT = "%INSERT INTO instances%"


def test_listener_killed_mid_push_keeps_every_acknowledged_instance(
    listener_settings: Settings, database_url: str, tmp_path: Path
) -> None:
    folders = _studies(tmp_path)
    with listener_process(listener_settings, database_url) as listener:
        with pushing(folders, listener_settings.dicom_port, "WORKLIST", tmp_path / "logs") as push:
            _wait_for_rows(database_url, FAULT_AFTER_ROWS)
            listener.kill()
            listener.wait()
        _assert_acknowledged_kept(push, listener_settings, database_url)

    with listener_process(listener_settings, database_url):
        _assert_resend_completes(push, folders, listener_settings, database_url, tmp_path)


def test_database_stopped_mid_push_keeps_every_acknowledged_instance(
    own_database: tuple[Path, str], listener_settings: Settings, tmp_path: Path
) -> None:
    pgdata, url = own_database
    folders = _studies(tmp_path)
    with listener_process(listener_settings, url):
        with pushing(folders, listener_settings.dicom_port, "WORKLIST", tmp_path / "logs") as push:
            _wait_for_rows(url, FAULT_AFTER_ROWS)
            stop_embedded_postgres(pgdata)
            time.sleep(2)
            assert start_embedded_postgres(pgdata, "worklist") == url
        _assert_acknowledged_kept(push, listener_settings, url)
        _assert_resend_completes(push, folders, listener_settings, url, tmp_path)


def test_commits_whose_answer_is_lost_mid_push_keep_every_acknowledged_instance(
    own_database: tuple[Path, str], listener_settings: Settings, tmp_path: Path
) -> None:
    _, url = own_database
    folders = _studies(tmp_path)
    terminated = 0
    with listener_process(listener_settings, url):
        # Every instance of a recorded series is filed by one statement in autocommit: each
        # loses its answer. Other commits (a new series, audit rows) are let through.
        with (
            commits_hang(url),
            pushing(folders, listener_settings.dicom_port, "WORKLIST", tmp_path / "logs") as push,
        ):
            deadline = time.monotonic() + 120
            while not push.finished() and time.monotonic() < deadline:
                terminated += lose_answers_of_waiting_commits(url, FILING_STATEMENT)
                time.sleep(0.005)
        _assert_acknowledged_kept(push, listener_settings, url)
        _assert_resend_completes(push, folders, listener_settings, url, tmp_path)
    logger.info("commits cut off from their answer: %d", terminated)
    assert terminated > 0


def _studies(tmp_path: Path) -> list[Path]:
    """One study per sender, each in a folder of its own."""
    return [
        write_datasets(study_datasets(KNEE_MR), tmp_path / f"study-{n}")[0].parent
        for n in range(SENDERS)
    ]


def _wait_for_rows(url: str, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while _rows(url) < count:
        assert time.monotonic() < deadline, f"fewer than {count} instances after {timeout} s"
        time.sleep(0.02)


def _rows(url: str) -> int:
    with session_scope(url) as session:
        return session.scalar(select(func.count()).select_from(Instance)) or 0


def _stored(settings: Settings, url: str) -> dict[str, bool]:
    """Each recorded SOP Instance UID, and whether its file is where its row says."""
    with session_scope(url) as session:
        rows = session.execute(select(Instance.sop_instance_uid, Instance.storage_path)).all()
    return {uid: (settings.storage_dir / path).is_file() for uid, path in rows}


def _assert_acknowledged_kept(push: Push, settings: Settings, url: str) -> None:
    stored = _stored(settings, url)
    lost = sorted(uid for uid in push.acknowledged if not stored.get(uid))
    logger.info(
        "through the fault: sent %d, acknowledged %d, acknowledged and lost %d",
        len(push.sent),
        len(push.acknowledged),
        len(lost),
    )
    assert push.acknowledged, "no instance was acknowledged before the fault"
    assert lost == []


def _assert_resend_completes(
    first: Push, folders: list[Path], settings: Settings, url: str, tmp_path: Path
) -> None:
    every_uid = {path.stem for folder in folders for path in folder.glob("*.dcm")}
    with pushing(folders, settings.dicom_port, "WORKLIST", tmp_path / "resend") as resend:
        pass
    stored = _stored(settings, url)
    files = sum(1 for _ in settings.storage_dir.glob("*/*/*.dcm"))
    duplicates = _rows(url) - len(stored.keys() & every_uid)
    logger.info(
        "after a full re-send: sent %d, acknowledged %d, rows %d, files %d, duplicates %d",
        len(first.sent) + len(resend.sent),
        len(resend.acknowledged),
        len(stored),
        files,
        duplicates,
    )
    assert resend.acknowledged == every_uid
    assert set(stored) == every_uid
    assert all(stored.values())
    assert (files, duplicates) == (len(every_uid), 0)
