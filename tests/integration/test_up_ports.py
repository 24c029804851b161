"""A port already in use stops `worklist up` with one line, before anything starts."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.network import free_port

PORT_VARIABLES = (
    "WORKLIST_API_PORT",
    "WORKLIST_DICOM_PORT",
    "WORKLIST_LISTENER_METRICS_PORT",
    "WORKLIST_WORKER_METRICS_PORT",
    "WORKLIST_SUPERVISOR_METRICS_PORT",
    "WORKLIST_HL7_PORT",
)


@pytest.mark.parametrize("variable", PORT_VARIABLES)
def test_up_with_a_port_in_use_names_it_and_starts_nothing(tmp_path: Path, variable: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {name: str(free_port()) for name in PORT_VARIABLES}
    env["WORKLIST_HOME"] = str(tmp_path / "home")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        env[variable] = str(port)
        result = subprocess.run(
            [sys.executable, "-m", "app", "up"], env=env, capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert f"port {port} on 127.0.0.1" in line
    assert f"set {variable} to another port" in line
    assert result.stdout == ""
    assert not (tmp_path / "home").exists()  # no database started, nothing left running
