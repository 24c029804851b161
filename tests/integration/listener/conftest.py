"""A listener on a loopback port of its own, in this process, and a way to send it studies."""

import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydicom import Dataset
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.db.embedded import start_embedded_postgres, stop_embedded_postgres
from app.db.migrations import upgrade_to_head
from app.db.session import session_scope
from app.jobs.registry import all_jobs
from app.jobs.runner import run_once
from app.settings import Settings
from app.storage.store import storage_of
from app.studies.quiet_period import last_listener_start
from dicom_listener.reconcile import reconcile
from dicom_listener.samples import write_datasets
from dicom_listener.sender import Destination, send_files
from dicom_listener.server import start_acceptor
from tests.support.network import echo_answered, free_port

SendDatasets = Callable[..., Counter[str]]


@pytest.fixture
def listener_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"dicom_port": free_port(), "listener_metrics_port": 0, "stable_after": 0.5}
    )


@pytest.fixture
def listener(listener_settings: Settings, database_url: str) -> Iterator[Settings]:
    """A running listener; yields its settings."""
    reconcile(storage_of(listener_settings), database_url)
    server = start_acceptor(listener_settings, database_url)
    yield listener_settings
    server.shutdown()


@pytest.fixture
def send(tmp_path: Path, listener: Settings) -> SendDatasets:
    """`send(datasets, calling_ae=...)` writes them to files and C-STOREs them to the listener."""

    def send_datasets(datasets: list[Dataset], calling_ae: str = "MODALITY") -> Counter[str]:
        folder = Path(tempfile.mkdtemp(dir=tmp_path))
        files = write_datasets(iter(datasets), folder)
        destination = Destination("127.0.0.1", listener.dicom_port, listener.ae_title, calling_ae)
        return send_files(files, destination)

    return send_datasets


def audit_rows(
    database_url: str,
    action: str,
    count: int = 1,
    where: Callable[[AuditEvent], bool] = lambda row: True,
) -> list[AuditEvent]:
    """The `action` audit rows `where` holds, once `count` are there: the listener writes them
    after the peer has seen the association end (an earlier test's association may be audited
    after this test began, so a row of the action alone is not yet this test's)."""
    deadline = time.monotonic() + 30
    while True:
        with session_scope(database_url) as session:
            query = select(AuditEvent).where(AuditEvent.action == action)
            rows = [row for row in session.scalars(query) if where(row)]
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)


def settle(settings: Settings, database_url: str) -> int | None:
    """Wait out `stable_after` and run the stability sweep once; how many studies it marked."""
    time.sleep(settings.stable_after + 0.1)
    (job,) = [job for job in all_jobs(settings) if job.name == "stability-sweep"]
    return run_once(job, database_url, settings)


@contextmanager
def listener_process(
    settings: Settings, database_url: str, reconciled: bool = True
) -> Iterator[subprocess.Popen[bytes]]:
    """`worklist listener` as a process of its own, stopped (if still alive) at the end; once
    it answers, and (unless `reconciled` is False) has reconciled its storage."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "WORKLIST_HOME": str(settings.home),
        "WORKLIST_DICOM_PORT": str(settings.dicom_port),
        "WORKLIST_LISTENER_METRICS_PORT": "0",
        "WORKLIST_LISTENER_PROCESSES": str(settings.listener_processes),
        "WORKLIST_STORAGE": settings.storage,
        "WORKLIST_S3_ENDPOINT": settings.s3_endpoint or "",
        "WORKLIST_S3_ADDRESSING_STYLE": settings.s3_addressing_style,
        "WORKLIST_S3_TIMEOUT": str(settings.s3_timeout),
    }
    settings.home.mkdir(parents=True, exist_ok=True)
    launched = datetime.now(UTC)
    with (settings.home / "listener.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "listener"], env=env, stdout=log, stderr=log
        )
    try:
        wait_for_echo(settings)
        if reconciled:
            wait_for_reconciliation(database_url, launched)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(30)


def wait_for_reconciliation(database_url: str, since: datetime, timeout: float = 60) -> None:
    """Until a listener started after `since` has reconciled its storage (it serves meanwhile)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope(database_url) as session:
            finished = last_listener_start(session)
        if finished is not None and finished >= since:
            return
        time.sleep(0.05)
    raise TimeoutError(f"no reconciliation finished since {since}")


def wait_for_echo(settings: Settings, timeout: float = 60) -> None:
    """Until the listener answers a C-ECHO."""
    if not echo_answered(settings.dicom_port, settings.ae_title, timeout):
        raise TimeoutError(f"no C-ECHO answer on port {settings.dicom_port}")


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A Postgres cluster of this test alone, so stopping it disturbs no other test."""
    pgdata = tmp_path / "pgdata"
    url = start_embedded_postgres(pgdata, "worklist")
    upgrade_to_head(url)
    yield pgdata, url
    stop_embedded_postgres(pgdata)
