"""A study with a recognisable patient goes through the listener, the worker and the API; no log
record of any of them may carry the patient's name, birth date, accession or clinical question."""

import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.logging_config import JsonFormatter
from app.settings import Settings
from app.tasks.models import ReadingTask
from app.vocabulary import Role
from dicom_listener.samples import KNEE_MR, study_datasets, write_datasets
from dicom_listener.sender import Destination, send_files
from tests.support.network import free_port, wait_for_port

PATIENT = {
    "PatientName": "ZEBRAFINCH^QUINTESSA",
    "PatientID": "PIDPHI90210",
    "PatientBirthDate": "19610407",
    "AccessionNumber": "ACCPHI77341",
    "ReasonForStudy": "xylophone mallet injury, suspected quadriceps tear",
}
TEST_CLIENT_LOGGERS = ("httpx", "httpcore")
AMENDED_QUESTION = "marimba follow-up for the periwinkle effusion"
SECRETS = ["ZEBRAFINCH", "QUINTESSA", "PIDPHI90210", "19610407", "1961-04-07", "ACCPHI77341",
           "xylophone", "quadriceps tear", "marimba", "periwinkle"]  # fmt: skip


@dataclass(frozen=True)
class Services:
    dicom_port: int
    logs: list[Path]


def _start(command: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "app", command], env=env, stderr=stderr, stdout=stderr
        )


@pytest.fixture
def services(settings: Settings, database_url: str, tmp_path: Path) -> Iterator[Services]:
    """The listener and the worker as real processes, logging JSON at DEBUG into files."""
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": database_url,
        "WORKLIST_HOME": str(settings.home),
        "WORKLIST_DICOM_PORT": str(port),
        "WORKLIST_LISTENER_METRICS_PORT": "0",
        "WORKLIST_WORKER_METRICS_PORT": "0",
        "WORKLIST_STABLE_AFTER": "0.5",
        "WORKLIST_STABILITY_SWEEP_INTERVAL": "0.2",
        "WORKLIST_ASSIGN_INTERVAL": "0.2",
        "WORKLIST_LOG_FORMAT": "json",
        "WORKLIST_LOG_LEVEL": "DEBUG",
    }
    logs = {name: tmp_path / f"{name}.log" for name in ("listener", "worker")}
    processes = [_start(name, env, log) for name, log in logs.items()]
    try:
        wait_for_port(port)
        yield Services(port, list(logs.values()))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _routed_task(session: Session) -> ReadingTask:
    for _ in range(300):
        task = session.scalars(select(ReadingTask)).first()
        if task is not None:
            return task
        session.rollback()
        time.sleep(0.1)
    raise AssertionError("the study was never routed to a task")


def test_no_log_record_of_any_process_names_the_patient(
    services: Services,
    client: TestClient,
    make_token: Callable[..., str],
    session: Session,
    settings: Settings,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    files = write_datasets(study_datasets(KNEE_MR, matrix=16, **PATIENT), tmp_path / "study")
    destination = Destination("127.0.0.1", services.dicom_port, settings.ae_title, "PACS")
    assert set(send_files(files, destination)) == {"0x0000"}
    task = _routed_task(session)
    _read_everything(client, make_token, task)
    # Every record but those of the test's own HTTP client, which is not part of the service.
    served = [r for r in caplog.records if not r.name.startswith(TEST_CLIENT_LOGGERS)]
    logged = [JsonFormatter().format(record) for record in served]
    logged += [log.read_text(errors="replace") for log in services.logs]
    assert len("".join(logged)) > 0
    leaks = [secret for secret in SECRETS if any(secret.lower() in s.lower() for s in logged)]
    assert leaks == []


def _read_everything(client: TestClient, make_token: Callable[..., str], task: ReadingTask) -> None:
    """Every way the API shows or searches patient data, including refused and invalid calls."""
    admin = {"Authorization": f"Bearer {make_token(Role.ADMIN)}"}
    integration = {"Authorization": f"Bearer {make_token(Role.INTEGRATION)}"}
    uid = client.get(f"/api/v1/tasks/{task.id}", headers=admin).json()["study"][
        "study_instance_uid"
    ]
    for path, params in [
        ("/api/v1/tasks", {"q": PATIENT["AccessionNumber"]}),
        ("/api/v1/tasks", {"q": PATIENT["PatientName"], "sort": "bogus"}),
        ("/api/v1/studies", {"patient_id": PATIENT["PatientID"]}),
        (f"/api/v1/studies/{uid}", {}),
        ("/api/v1/audit", {"actor": PATIENT["PatientName"]}),
    ]:
        assert client.get(path, params=params, headers=admin).status_code < 500
    amended = client.patch(
        f"/api/v1/studies/{uid}", json={"clinical_question": AMENDED_QUESTION}, headers=integration
    )
    assert amended.status_code == 200
    assert client.get("/api/v1/tasks", headers={"Authorization": "Bearer nope"}).status_code == 401
