"""What survives a database outage and a killed listener: nothing acknowledged is ever lost."""

import re
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from pydicom.uid import ExplicitVRLittleEndian
from pynetdicom import AE
from pynetdicom.sop_class import MRImageStorage  # type: ignore[attr-defined]
from sqlalchemy import func, select, text

from app.db.embedded import start_embedded_postgres, stop_embedded_postgres
from app.db.session import session_scope
from app.settings import Settings
from app.storage.store import storage_of
from app.studies.models import Instance
from dicom_listener.samples import CERVICAL_SPINE_MR, study_datasets, write_datasets
from dicom_listener.sender import Destination, send_files
from dicom_listener.server import start_acceptor
from tests.integration.listener.conftest import listener_process


def _instance_count(database_url: str) -> int:
    with session_scope(database_url) as session:
        return session.scalar(select(func.count()).select_from(Instance)) or 0


def _stored_files(settings: Settings) -> int:
    return sum(1 for _ in settings.storage_dir.glob("*/*/*.dcm"))


def test_database_outage_answers_a700_and_a_resend_completes_the_study(
    own_database: tuple[Path, str],
    listener_settings: Settings,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    pgdata, url = own_database
    files = write_datasets(study_datasets(CERVICAL_SPINE_MR), tmp_path / "study")
    server = start_acceptor(listener_settings, url)
    try:
        ae = AE(ae_title="MODALITY")
        # The files are Explicit VR; propose exactly that, whether or not sending streams them.
        ae.add_requested_context(MRImageStorage, ExplicitVRLittleEndian)
        assoc = ae.associate("127.0.0.1", listener_settings.dicom_port, ae_title="WORKLIST")
        before = [assoc.send_c_store(path).Status for path in files[:10]]
        stop_embedded_postgres(pgdata)
        during = [assoc.send_c_store(path).Status for path in files[10:20]]
        assoc.release()
        assert start_embedded_postgres(pgdata, "worklist") == url
        destination = Destination("127.0.0.1", listener_settings.dicom_port, "WORKLIST", "MODALITY")
        resend = send_files(files, destination)
    finally:
        server.shutdown()

    assert (set(before), set(during)) == ({0x0000}, {0xA700})
    deferrals = [record for record in caplog.records if record.msg.startswith("C-STORE deferred")]
    # The kind of error only: a database error's message can quote a header value.
    assert deferrals
    assert all(re.fullmatch(r"\w+( \(\w+\))?", record.__dict__["error"]) for record in deferrals)
    assert resend == Counter({"0x0000": len(files)})
    assert _instance_count(url) == len(files) == _stored_files(listener_settings)


def test_listener_killed_mid_study_then_a_full_resend_stores_each_instance_once(
    listener_settings: Settings, database_url: str, tmp_path: Path
) -> None:
    files = write_datasets(study_datasets(CERVICAL_SPINE_MR), tmp_path / "study")
    destination = Destination("127.0.0.1", listener_settings.dicom_port, "WORKLIST", "MODALITY")
    with listener_process(listener_settings, database_url) as listener:
        sending = threading.Thread(target=send_files, args=(files, destination))
        sending.start()
        while _instance_count(database_url) < 20:
            time.sleep(0.05)
        listener.kill()
        listener.wait()
        sending.join()
    assert _instance_count(database_url) < len(files)

    with listener_process(listener_settings, database_url):
        resend = send_files(files, destination)

    assert resend == Counter({"0x0000": len(files)})
    assert _instance_count(database_url) == len(files) == _stored_files(listener_settings)


def _stored_by_the_listener(
    settings: Settings, database_url: str, tmp_path: Path, count: int | None = None
) -> list[Path]:
    """A cervical spine study's files (the first `count` of them), sent to a listener process
    that is stopped again."""
    files = write_datasets(study_datasets(CERVICAL_SPINE_MR), tmp_path / "study")[:count]
    destination = Destination("127.0.0.1", settings.dicom_port, "WORKLIST", "MODALITY")
    with listener_process(settings, database_url):
        send_files(files, destination)
    return files


def test_reconciliation_indexes_files_without_rows_and_drops_temp_files(
    listener_settings: Settings, database_url: str, tmp_path: Path
) -> None:
    from dicom_listener.reconcile import reconcile

    _stored_by_the_listener(listener_settings, database_url, tmp_path, count=5)
    with session_scope(database_url) as session:
        session.execute(text("DELETE FROM instances WHERE id IN (SELECT min(id) FROM instances)"))
    leftover = storage_of(listener_settings).spool_dir / "tmp-interrupted.dcm"
    leftover.write_bytes(b"partial")

    indexed = reconcile(storage_of(listener_settings), database_url)

    assert indexed == 1
    assert _instance_count(database_url) == 5
    assert not leftover.exists()


def test_rows_received_while_the_storage_is_listed_are_not_taken_for_lost(
    listener_settings: Settings, database_url: str, tmp_path: Path
) -> None:
    """Associations are served while a start lists the storage: a row received meanwhile may
    have had its file written after the listing passed its folder, so it is not counted."""
    from prometheus_client import REGISTRY

    from dicom_listener.reconcile import reconcile

    _stored_by_the_listener(listener_settings, database_url, tmp_path, count=3)
    with session_scope(database_url) as session:
        rows = session.execute(text("SELECT storage_path, series_id FROM instances ORDER BY id"))
        paths, series_ids = zip(*rows, strict=True)
        # The second as if received once the listing had begun, its file not yet written.
        session.execute(
            text("UPDATE instances SET received_at = now() + interval '1 minute'"
                 " WHERE storage_path = :path"),
            {"path": paths[1]},
        )  # fmt: skip
    assert len(set(series_ids)) == 1
    for path in paths[:2]:
        (listener_settings.storage_dir / path).unlink()

    reconcile(storage_of(listener_settings), database_url)

    # The first row's file is lost; the second row is not counted, being too new.
    assert REGISTRY.get_sample_value("worklist_ingest_rows_without_file") == 1


def test_reconciliation_looks_series_up_together_and_misses_none_between_lookups(
    listener_settings: Settings,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from prometheus_client import REGISTRY

    from dicom_listener import reconcile

    files = _stored_by_the_listener(listener_settings, database_url, tmp_path)
    # One row gone in each series but the last, whose one file is gone instead.
    with session_scope(database_url) as session:
        series_ids = list(session.scalars(text("SELECT id FROM series ORDER BY id")))
        for series_id in series_ids[:-1]:
            session.execute(
                text("DELETE FROM instances WHERE id = (SELECT min(id) FROM instances"
                     " WHERE series_id = :series_id)"),
                {"series_id": series_id},
            )  # fmt: skip
        lost = session.scalars(
            text("SELECT storage_path FROM instances WHERE series_id = :series_id LIMIT 1"),
            {"series_id": series_ids[-1]},
        ).one()
    (listener_settings.storage_dir / lost).unlink()
    monkeypatch.setattr(reconcile, "SERIES_PER_LOOKUP", 2)
    monkeypatch.setattr(reconcile, "SECONDS_BETWEEN_PROGRESS", 0.0)

    with caplog.at_level("INFO", logger=reconcile.__name__):
        indexed = reconcile.reconcile(storage_of(listener_settings), database_url)

    assert len(series_ids) > 2 * reconcile.SERIES_PER_LOOKUP
    assert indexed == len(series_ids) - 1
    assert _instance_count(database_url) == len(files)  # the lost file's row stays, reported
    assert REGISTRY.get_sample_value("worklist_ingest_rows_without_file") == 1
    # A long start says how far it has come, a lookup at a time here.
    progress = [r.__dict__ for r in caplog.records if r.msg == "reconciling storage"]
    lookups = -(-len(series_ids) // reconcile.SERIES_PER_LOOKUP)
    assert len(progress) == lookups
    assert (progress[-1]["series_checked"], progress[-1]["indexed"]) == (len(series_ids), indexed)


def test_reconciliation_reports_rows_whose_file_is_missing(
    listener_settings: Settings,
    database_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import shutil

    from prometheus_client import REGISTRY

    from dicom_listener.reconcile import reconcile

    _stored_by_the_listener(listener_settings, database_url, tmp_path)
    series_folders = sorted(listener_settings.storage_dir.glob("*/*/"))
    whole_series = series_folders[0]
    lost_in_series = len(list(whole_series.glob("*.dcm")))
    shutil.rmtree(whole_series)
    next(series_folders[1].glob("*.dcm")).unlink()

    indexed = reconcile(storage_of(listener_settings), database_url)

    missing = lost_in_series + 1
    assert indexed == 0
    assert REGISTRY.get_sample_value("worklist_ingest_rows_without_file") == missing
    (report,) = [r for r in caplog.records if r.msg.startswith("instances recorded without")]
    assert report.__dict__["rows_without_file"] == missing


def test_reconciliation_quarantines_an_unreadable_stored_file_and_still_counts_every_lost_row(
    listener_settings: Settings, database_url: str, tmp_path: Path
) -> None:
    import shutil

    from prometheus_client import REGISTRY

    from app.storage.quarantine import quarantined
    from dicom_listener.reconcile import reconcile

    _stored_by_the_listener(listener_settings, database_url, tmp_path)
    series_folders = sorted(listener_settings.storage_dir.glob("*/*/"))
    lost = len(list(series_folders[0].glob("*.dcm")))
    shutil.rmtree(series_folders[0])
    (series_folders[1] / "1.2.3.999.dcm").write_bytes(b"not a dataset" * 20)
    rows_before = _instance_count(database_url)

    indexed = reconcile(storage_of(listener_settings), database_url)

    assert indexed == 0
    assert _instance_count(database_url) == rows_before
    (kept,) = quarantined(storage_of(listener_settings).quarantine)
    assert kept.reason.startswith("found in storage: ")
    assert not (series_folders[1] / "1.2.3.999.dcm").exists()
    assert REGISTRY.get_sample_value("worklist_ingest_rows_without_file") == lost
