"""At start the listener reconciles its storage before a study it may have left files of is
judged quiet: no study received before the reconciliation began is marked stable while it runs,
and the quiet period counts from its start. Studies first received meanwhile do not wait."""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.db.session import get_engine
from app.jobs.registry import all_jobs
from app.jobs.runner import run_once
from app.settings import Settings
from app.storage.store import instance_key
from app.studies.models import Instance, Study
from app.studies.quiet_period import reconciling
from dicom_listener.samples import KNEE_MR, study_datasets, write_datasets
from tests.integration.listener.conftest import listener_process, wait_for_reconciliation
from tests.support.factories import make_study

_REPOSITORY = Path(__file__).resolve().parents[3]
# Holds the reconciliation lock as a listener would, until killed.
_RECONCILING_FOREVER = """
import sys, time
from app.studies.quiet_period import reconciling
with reconciling(sys.argv[1]):
    print("reconciling", flush=True)
    time.sleep(60)
"""


def _sweep(settings: Settings, database_url: str) -> int | None:
    (job,) = [job for job in all_jobs(settings) if job.name == "stability-sweep"]
    return run_once(job, database_url, settings)


def _quiet_study(session: Session) -> Study:
    long_ago = datetime.now(UTC) - timedelta(minutes=5)
    study = make_study(session, first_received_at=long_ago, last_received_at=long_ago)
    session.commit()
    return study


def _stable_at(session: Session, study: Study) -> datetime | None:
    session.expire_all()
    return session.scalars(select(Study.stable_at).where(Study.id == study.id)).one()


def test_no_study_becomes_stable_while_a_listener_reconciles_nor_before_its_start_is_quiet(
    listener_settings: Settings, database_url: str, session: Session
) -> None:
    study = _quiet_study(session)

    with reconciling(database_url):
        assert _sweep(listener_settings, database_url) == 0
        assert _stable_at(session, study) is None
    assert _sweep(listener_settings, database_url) == 0

    time.sleep(listener_settings.stable_after + 0.1)
    assert _sweep(listener_settings, database_url) == 1
    assert _stable_at(session, study) is not None


def test_a_study_first_received_while_a_listener_reconciles_is_judged_without_waiting(
    listener_settings: Settings, database_url: str, session: Session
) -> None:
    before = _quiet_study(session)

    with reconciling(database_url):
        arrived = datetime.now(UTC)
        meanwhile = make_study(session, first_received_at=arrived, last_received_at=arrived)
        session.commit()
        time.sleep(listener_settings.stable_after + 0.1)
        assert _sweep(listener_settings, database_url) == 1
        assert _stable_at(session, meanwhile) is not None
        assert _stable_at(session, before) is None


def test_of_two_listeners_reconciling_the_one_that_began_last_bounds_the_studies_judged(
    listener_settings: Settings, database_url: str, session: Session
) -> None:
    """The listener that stopped before the second began may have left files of a study
    received between the two beginnings."""
    with reconciling(database_url):
        arrived = datetime.now(UTC)
        between = make_study(session, first_received_at=arrived, last_received_at=arrived)
        session.commit()
        with reconciling(database_url):
            time.sleep(listener_settings.stable_after + 0.1)
            assert _sweep(listener_settings, database_url) == 0
        assert _stable_at(session, between) is None


def test_a_listener_killed_while_reconciling_holds_nothing_back(
    listener_settings: Settings, database_url: str, session: Session
) -> None:
    study = _quiet_study(session)
    holder = subprocess.Popen(
        [sys.executable, "-c", _RECONCILING_FOREVER, database_url],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(_REPOSITORY)},
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == b"reconciling\n"
        assert _sweep(listener_settings, database_url) == 0
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(30)

    deadline = time.monotonic() + 10  # until Postgres has seen the connection go
    while _sweep(listener_settings, database_url) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _stable_at(session, study) is not None


def test_study_left_partial_by_a_crash_waits_the_quiet_period_from_the_listeners_start(
    listener_settings: Settings, database_url: str, session: Session
) -> None:
    """Its files (old, from before the crash) are indexed at start; it stays unstable for
    `stable_after` from there, so the sender's resumed push lands before it is routed."""
    settings = listener_settings.model_copy(update={"stable_after": 3.0})
    datasets = list(study_datasets(KNEE_MR))
    storage_dir = settings.storage_dir
    for dataset in datasets:
        relative = instance_key(
            dataset.StudyInstanceUID, dataset.SeriesInstanceUID, dataset.SOPInstanceUID
        )
        [written] = write_datasets(iter([dataset]), (storage_dir / relative).parent)
        before_the_crash = time.time() - 300
        os.utime(written, (before_the_crash, before_the_crash))

    with listener_process(settings, database_url):
        started = time.monotonic()
        assert _sweep(settings, database_url) == 0
        assert time.monotonic() - started < settings.stable_after  # the check above meant it
        assert len(session.scalars(select(Instance)).all()) == len(datasets)
        time.sleep(settings.stable_after)
        assert _sweep(settings, database_url) == 1

    session.expire_all()
    study = session.scalars(select(Study)).one()
    assert study.stable_at is not None
    assert study.instance_count == len(datasets)


def test_senders_are_answered_while_the_storage_is_reconciled(
    listener_settings: Settings, database_url: str, session: Session
) -> None:
    """The port opens before the storage is listed (minutes at a year's volume), and no study
    received before is judged quiet until the listing is done. Here the listing waits on a lock
    on the instances table, taken before the start, to index a file a crash left without its
    row."""
    (dataset,) = list(study_datasets(KNEE_MR))[:1]
    key = instance_key(dataset.StudyInstanceUID, dataset.SeriesInstanceUID, dataset.SOPInstanceUID)
    write_datasets(iter([dataset]), (listener_settings.storage_dir / key).parent)
    launched = datetime.now(UTC)
    _quiet_study(session)  # what the sweep would mark stable, were it not held off

    with get_engine(database_url).connect() as holder:
        holder.execute(text("LOCK TABLE instances IN EXCLUSIVE MODE"))
        with listener_process(listener_settings, database_url, reconciled=False):
            # listener_process has had a C-ECHO answered: the port is open.
            with pytest.raises(TimeoutError):
                wait_for_reconciliation(database_url, launched, timeout=1.0)
            assert _sweep(listener_settings, database_url) == 0
            holder.rollback()
            wait_for_reconciliation(database_url, launched)
            assert session.scalars(select(Instance.sop_instance_uid)).all() == [
                dataset.SOPInstanceUID
            ]
