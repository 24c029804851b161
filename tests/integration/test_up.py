"""`worklist up` as a first-time user runs it: embedded Postgres, API and listener, then Ctrl-C."""

import os
import pty
import re
import select
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psutil
from pynetdicom import AE
from pynetdicom.sop_class import Verification  # type: ignore[attr-defined]

from tests.support.network import free_port, wait_for_port
from tests.support.up_service import RunningService, postgres_serving, service, stop_up

__all__ = ["service"]  # the fixture, used by the tests below


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
    assert postgres_serving(pgdata)
    service.process.send_signal(signal.SIGINT)
    assert service.process.wait(timeout=60) == 0
    psutil.wait_procs(postgres_serving(pgdata), timeout=10)
    assert postgres_serving(pgdata) == []


def test_first_up_off_a_terminal_writes_the_admin_token_to_an_owner_only_file(
    service: RunningService,
) -> None:
    token_file = service.home / "first-admin-token"
    token = token_file.read_text().strip()
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    me = httpx.get(
        f"http://127.0.0.1:{service.api_port}/api/v1/me",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert me.status_code == 200
    service.process.send_signal(signal.SIGTERM)
    out, _ = service.process.communicate(timeout=60)
    assert f"127.0.0.1:{service.api_port}/docs" in out
    assert f"WORKLIST on 127.0.0.1:{service.dicom_port}" in out
    assert f"First admin token: in {token_file}" in out
    assert token not in out
    link_file = service.home / "first-admin-link"
    link = link_file.read_text().strip()
    assert stat.S_IMODE(link_file.stat().st_mode) == 0o600
    assert link.startswith(f"http://127.0.0.1:{service.api_port}/set-password/wl_")
    assert "Sign in to the pages as 'admin': the link to set a password within" in out
    assert link not in out


def test_first_up_on_a_terminal_shows_the_admin_token(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "WORKLIST_HOME": str(tmp_path / "var"),
        "WORKLIST_API_PORT": str(free_port()),
        "WORKLIST_DICOM_PORT": str(free_port()),
        "WORKLIST_LISTENER_METRICS_PORT": "0",
        "WORKLIST_WORKER_METRICS_PORT": "0",
        "WORKLIST_SUPERVISOR_METRICS_PORT": "0",
        "WORKLIST_HL7_PORT": str(free_port()),
    }
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "up"], env=env, stdout=terminal, stderr=subprocess.DEVNULL
    )
    os.close(terminal)
    try:
        shown = _read_until(controller, b"Press Ctrl-C", timeout=90)
    finally:
        os.close(controller)
        stop_up(process, tmp_path / "var" / "pgdata")
    after_heading = shown.split("First admin token")[1]
    assert re.search(r"^\s+wl_[\w-]{40,}\r?$", after_heading, re.MULTILINE)
    assert not (tmp_path / "var" / "first-admin-token").exists()
    assert "/set-password/wl_" in shown.split("Sign in to the pages as 'admin'")[1]


def _read_until(descriptor: int, marker: bytes, timeout: float) -> str:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([descriptor], [], [], 1.0)
        if ready:
            try:
                seen += os.read(descriptor, 4096)
            except OSError:  # the other end closed
                break
    return seen.decode()


def test_second_up_names_the_taken_port_and_leaves_the_first_serving(
    service: RunningService,
) -> None:
    second = subprocess.run(
        [sys.executable, "-m", "app", "up"],
        env=service.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 1
    (line,) = second.stderr.splitlines()
    assert f"port {service.api_port}" in line
    assert "WORKLIST_API_PORT" in line
    assert httpx.get(f"http://127.0.0.1:{service.api_port}/readyz", timeout=10).status_code == 200


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
