"""The receivers the ingest benchmark compares: ours, a bare pynetdicom SCP, storescp, Orthanc."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Protocol

import psycopg

from bench.cpu import tree_cpu_seconds
from tests.support.dcmtk import find_dcmtk

NODELAY = {**os.environ, "TCP_NODELAY": "1"}
ROOT = Path(__file__).parent.parent


class Target(Protocol):
    name: str
    called_ae: str

    def start(self, workdir: Path, port: int) -> None: ...
    def stop(self) -> None: ...
    def stored(self) -> int: ...
    def cpu_seconds(self) -> float: ...


def wait_for_echo(port: int, called_ae: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        echo = subprocess.run(
            [dcmtk("echoscu"), "-aec", called_ae, "127.0.0.1", str(port)],
            capture_output=True,
            env=NODELAY,
        )
        if echo.returncode == 0:
            return
        time.sleep(0.2)
    raise TimeoutError(f"{called_ae} on port {port} never answered C-ECHO")


class _Process:
    """A receiver run as a child process, stopped with SIGTERM."""

    process: subprocess.Popen[bytes] | None = None

    def _run(self, command: list[str], env: dict[str, str], log: Path) -> None:
        with log.open("wb") as output:
            self.process = subprocess.Popen(command, env=env, stdout=output, stderr=output)

    def cpu_seconds(self) -> float:
        assert self.process is not None
        return tree_cpu_seconds(self.process.pid)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


class OurListener(_Process):
    called_ae = "WORKLIST"
    ready_within = 60.0  # seconds from start to the first C-ECHO answered

    def __init__(self, database_url: str, processes: int, pgdata: Path) -> None:
        self.database_url = database_url
        self.processes = processes
        self.pgdata = pgdata
        self.name = f"worklist listener ({processes} processes)"

    def cpu_seconds(self) -> float:
        """The listener's and its Postgres server's: recording each instance is part of our cost."""
        postmaster = int((self.pgdata / "postmaster.pid").read_text().split()[0])
        return super().cpu_seconds() + tree_cpu_seconds(postmaster)

    def clear(self) -> None:
        """Forget the previous run's rows, so the same files are stored again."""
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            conn.execute("TRUNCATE studies, series, instances, audit_events CASCADE")

    def start(self, workdir: Path, port: int) -> None:
        self.clear()
        env = NODELAY | {
            "DATABASE_URL": self.database_url,
            "WORKLIST_HOME": str(workdir),
            "WORKLIST_DICOM_PORT": str(port),
            "WORKLIST_LISTENER_METRICS_PORT": "0",
            "WORKLIST_LISTENER_PROCESSES": str(self.processes),
            "WORKLIST_LOG_LEVEL": "WARNING",
        }
        self._run([sys.executable, "-m", "app", "listener"], env, workdir / "listener.log")
        wait_for_echo(port, self.called_ae, self.ready_within)

    def stored(self) -> int:
        with psycopg.connect(self.database_url) as conn:
            row = conn.execute("SELECT count(*) FROM instances").fetchone()
        return int(row[0]) if row else 0


class BareScp(_Process):
    name = "bare pynetdicom SCP (write + fsync)"
    called_ae = "BARE"

    def start(self, workdir: Path, port: int) -> None:
        self.folder = workdir / "files"
        command = [sys.executable, "-m", "bench.ingest_bare_scp", str(port), str(self.folder)]
        self._run(command, NODELAY, workdir / "bare.log")
        wait_for_echo(port, self.called_ae)

    def stored(self) -> int:
        return sum(1 for path in self.folder.glob("*.stored.dcm"))


class StoreScp(_Process):
    name = "DCMTK storescp --fork (no fsync)"
    called_ae = "STORESCP"

    def start(self, workdir: Path, port: int) -> None:
        self.folder = workdir / "files"
        self.folder.mkdir(parents=True)
        command = [
            dcmtk("storescp"),
            "--fork",
            "+xa",
            "-aet",
            self.called_ae,
            "-od",
            str(self.folder),
        ]
        self._run([*command, str(port)], NODELAY, workdir / "storescp.log")
        wait_for_echo(port, self.called_ae)

    def stored(self) -> int:
        return sum(1 for path in self.folder.iterdir() if path.is_file())


class Orthanc(_Process):
    name = "Orthanc 1.10 (SQLite index)"
    called_ae = "ORTHANC"

    def start(self, workdir: Path, port: int) -> None:
        self.http_port = port + 1
        config = {
            "Name": "bench",
            "StorageDirectory": str(workdir / "storage"),
            "IndexDirectory": str(workdir / "index"),
            "DicomAet": self.called_ae,
            "DicomPort": port,
            "HttpPort": self.http_port,
            "DicomCheckCalledAet": False,
            "RemoteAccessAllowed": False,
            "Plugins": [],
        }
        config_path = workdir / "orthanc.json"
        config_path.write_text(json.dumps(config))
        self._run(["Orthanc", str(config_path)], NODELAY, workdir / "orthanc.log")
        wait_for_echo(port, self.called_ae)

    def stored(self) -> int:
        url = f"http://127.0.0.1:{self.http_port}/statistics"
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(json.load(response)["CountInstances"])


DCMTK_TOOLS = ("storescu", "storescp", "echoscu")


def dcmtk(name: str) -> str:
    """DCMTK's own program: pynetdicom installs look-alikes of the same names."""
    path = find_dcmtk(name)
    if path is None:
        raise FileNotFoundError(f"DCMTK's {name} is not installed (apt-get install dcmtk)")
    return path


def missing_peers() -> list[str]:
    missing = [tool for tool in DCMTK_TOOLS if find_dcmtk(tool) is None]
    return missing + [tool for tool in ("Orthanc", "unshare", "ip") if shutil.which(tool) is None]
