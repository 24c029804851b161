"""A real `worklist api` process on a loopback port, for tests that need separate servers."""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.network import free_port, wait_for_port


@dataclass(frozen=True, slots=True)
class RunningApi:
    port: int
    pid: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def running_api(
    database_url: str,
    home: Path,
    log_level: str = "WARNING",
    processes: int = 1,
    ready_within: float = 30.0,
) -> Iterator[RunningApi]:
    """Start `worklist api` against `database_url` on a free port, waiting up to
    `ready_within` seconds for it to listen; stop it after."""
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": database_url,
        "WORKLIST_HOME": str(home),
        "WORKLIST_API_PORT": str(port),
        "WORKLIST_LOG_LEVEL": log_level,
        "WORKLIST_LOG_FORMAT": "json",
        "WORKLIST_API_PROCESSES": str(processes),
    }
    process = subprocess.Popen([sys.executable, "-m", "app", "api"], env=env)
    try:
        wait_for_port(port, ready_within)
        yield RunningApi(port, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
