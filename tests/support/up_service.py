"""A real `worklist up` on ports of its own, with an embedded Postgres in a temporary home."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from tests.support.network import free_port, wait_for_port


@dataclass
class RunningService:
    process: subprocess.Popen[str]
    home: Path
    env: dict[str, str]
    api_port: int
    dicom_port: int
    supervisor_metrics_port: int


def postgres_serving(pgdata: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        if process.info["name"] == "postgres" and str(pgdata) in " ".join(
            process.info["cmdline"] or []
        ):
            found.append(process)
    return found


@pytest.fixture
def service(tmp_path: Path) -> Iterator[RunningService]:
    api_port, dicom_port, supervisor_port = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "WORKLIST_HOME": str(tmp_path / "var"),
        "WORKLIST_API_PORT": str(api_port),
        "WORKLIST_DICOM_PORT": str(dicom_port),
        "WORKLIST_LISTENER_METRICS_PORT": str(free_port()),
        "WORKLIST_WORKER_METRICS_PORT": str(free_port()),
        "WORKLIST_SUPERVISOR_METRICS_PORT": str(supervisor_port),
        "WORKLIST_HL7_PORT": str(free_port()),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "up"], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        wait_for_port(api_port, timeout=60)
        wait_for_port(dicom_port, timeout=60)
        yield RunningService(process, tmp_path / "var", env, api_port, dicom_port, supervisor_port)
    finally:
        stop_up(process, tmp_path / "var" / "pgdata")


def stop_up(process: "subprocess.Popen[str] | subprocess.Popen[bytes]", pgdata: Path) -> None:
    """Ctrl-C, as a user stops it; only what that leaves running is ended by force."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    leftovers = postgres_serving(pgdata)
    for postgres in leftovers:
        postgres.terminate()
    psutil.wait_procs(leftovers, timeout=10)
