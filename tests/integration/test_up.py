"""`worklist up` as a first-time user runs it: embedded Postgres, API and listener, then Ctrl-C."""

import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest
from pynetdicom import AE
from pynetdicom.sop_class import Verification  # type: ignore[attr-defined]

from tests.support.network import free_port, wait_for_port


@dataclass
class RunningService:
    process: subprocess.Popen[str]
    home: Path
    env: dict[str, str]
    api_port: int
    dicom_port: int


def _postgres_serving(pgdata: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        if process.info["name"] == "postgres" and str(pgdata) in " ".join(
            process.info["cmdline"] or []
        ):
            found.append(process)
    return found


@pytest.fixture
def service(tmp_path: Path) -> Iterator[RunningService]:
    api_port, dicom_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "WORKLIST_HOME": str(tmp_path / "var"),
        "WORKLIST_API_PORT": str(api_port),
        "WORKLIST_DICOM_PORT": str(dicom_port),
        "WORKLIST_LISTENER_METRICS_PORT": str(free_port()),
        "WORKLIST_WORKER_METRICS_PORT": str(free_port()),
        "WORKLIST_HL7_PORT": str(free_port()),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "up"], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        wait_for_port(api_port, timeout=60)
        wait_for_port(dicom_port, timeout=60)
        yield RunningService(process, tmp_path / "var", env, api_port, dicom_port)
    finally:
        _stop(process, tmp_path / "var" / "pgdata")


def _stop(process: subprocess.Popen[str], pgdata: Path) -> None:
    """Ctrl-C, as a user stops it; only what that leaves running is ended by force."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    leftovers = _postgres_serving(pgdata)
    for postgres in leftovers:
        postgres.terminate()
    psutil.wait_procs(leftovers, timeout=10)


def test_up_serves_api_and_dicom_and_stops_cleanly_on_ctrl_c(
    service: RunningService, dcmtk: Callable[[str], str]
) -> None:
    ready = httpx.get(f"http://127.0.0.1:{service.api_port}/readyz", timeout=10)
    assert ready.json()["status"] == "ready"

    echo = subprocess.run(
        [dcmtk("echoscu"), "-aec", "WORKLIST", "127.0.0.1", str(service.dicom_port)],
        capture_output=True,
        timeout=30,
    )
    assert echo.returncode == 0, echo.stderr
    wait_for_port(int(service.env["WORKLIST_HL7_PORT"]), timeout=30)

    pgdata = service.home / "pgdata"
    assert _postgres_serving(pgdata)
    service.process.send_signal(signal.SIGINT)
    assert service.process.wait(timeout=60) == 0
    psutil.wait_procs(_postgres_serving(pgdata), timeout=10)
    assert _postgres_serving(pgdata) == []


def test_first_up_prints_where_things_are_and_an_admin_token(service: RunningService) -> None:
    service.process.send_signal(signal.SIGTERM)
    out, _ = service.process.communicate(timeout=60)
    assert f"127.0.0.1:{service.api_port}/docs" in out
    assert f"WORKLIST on 127.0.0.1:{service.dicom_port}" in out
    after_heading = out.split("First admin token")[1]
    assert re.search(r"^\s+wl_[\w-]{40,}$", after_heading, re.MULTILINE)


def test_pynetdicom_echo_and_token_create_beside_running_up(service: RunningService) -> None:
    ae = AE(ae_title="PACS")
    ae.add_requested_context(Verification)
    assoc = ae.associate("127.0.0.1", service.dicom_port, ae_title="WORKLIST")
    assert assoc.is_established
    assert assoc.send_c_echo().Status == 0x0000
    assoc.release()

    created = subprocess.run(
        [sys.executable, "-m", "app", "token", "create", "--role", "admin", "--name", "ops"],
        env=service.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    me = httpx.get(
        f"http://127.0.0.1:{service.api_port}/api/v1/me",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert me.json()["name"] == "ops"
    # The token command joined the running cluster and must not have stopped it on exit.
    assert httpx.get(f"http://127.0.0.1:{service.api_port}/readyz", timeout=10).status_code == 200


def test_wrong_called_ae_title_is_rejected(service: RunningService) -> None:
    ae = AE(ae_title="PACS")
    ae.add_requested_context(Verification)
    assoc = ae.associate("127.0.0.1", service.dicom_port, ae_title="SOMEONE_ELSE")
    assert assoc.is_rejected
