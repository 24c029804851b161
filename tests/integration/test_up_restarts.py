"""Under `worklist up`, a part that dies comes back and serves; the others keep running."""

import signal
import subprocess
import sys
import time
from collections.abc import Callable

import httpx
import psutil

from tests.support.network import echo_answered
from tests.support.up_service import RunningService, postgres_serving, service

__all__ = ["service"]  # the fixture, used by the tests below


def _child(service: RunningService, part: str) -> psutil.Process:
    (found,) = [
        child
        for child in psutil.Process(service.process.pid).children()
        if child.cmdline()[-1:] == [part]
    ]
    return found


def _restarts(service: RunningService, part: str) -> float:
    metrics = httpx.get(f"http://127.0.0.1:{service.supervisor_metrics_port}/metrics").text
    line = f'worklist_supervisor_restarts_total{{part="{part}"}} '
    values = [float(row.removeprefix(line)) for row in metrics.splitlines() if row.startswith(line)]
    return values[0] if values else 0.0


def _wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _ready(service: RunningService) -> bool:
    try:
        url = f"http://127.0.0.1:{service.api_port}/readyz"
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_killed_listener_is_started_again_and_serves(service: RunningService) -> None:
    assert echo_answered(service.dicom_port, "WORKLIST", 30)
    api_before = _child(service, "api").pid
    killed = _child(service, "listener")
    killed.send_signal(signal.SIGKILL)
    killed.wait(10)

    assert _wait_until(lambda: _ready(service), timeout=60)
    assert echo_answered(service.dicom_port, "WORKLIST", 30)
    assert _child(service, "listener").pid != killed.pid
    assert _child(service, "api").pid == api_before  # the others were left alone
    assert service.process.poll() is None
    assert _restarts(service, "listener") == 1


def test_a_killed_embedded_postgres_is_started_again(service: RunningService) -> None:
    assert _wait_until(lambda: _ready(service), timeout=60)
    pgdata = service.home / "pgdata"
    (postmaster,) = postgres_serving(pgdata)  # only the postmaster names its data folder
    postmaster.send_signal(signal.SIGKILL)
    postmaster.wait(10)

    assert _wait_until(lambda: _restarts(service, "postgres") >= 1, timeout=30)
    assert _wait_until(lambda: _ready(service), timeout=90)
    created = subprocess.run(
        [sys.executable, "-m", "app", "token", "create", "--role", "admin", "--name", "after"],
        env=service.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    me = httpx.get(
        f"http://127.0.0.1:{service.api_port}/api/v1/me",
        headers={"Authorization": f"Bearer {created.stdout.splitlines()[-1]}"},
        timeout=10,
    )
    assert me.json()["name"] == "after"
    assert echo_answered(service.dicom_port, "WORKLIST", 30)
    assert service.process.poll() is None
