"""Several `worklist` processes against one Postgres server, each with a home of its own (no
shared disk), as replicas on separate hosts would run: listeners, API processes and workers."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.network import echo_answered, free_port, wait_for_port

AE_TITLE = "WORKLIST"
START_TIMEOUT = 180.0  # a loaded machine may take long to start a dozen processes


@dataclass
class Replica:
    """One running `worklist <kind>` process; `port` is its DICOM or HTTP port (0 for a worker)."""

    name: str
    kind: str
    home: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.home / f"{self.kind}.log"

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when a host loses power."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Cluster:
    """Replicas sharing `database_url` and the settings in `env` (storage, intervals, SLAs);
    the kinds in `urls` reach the database by another way (a connection pooler)."""

    database_url: str
    root: Path
    env: Mapping[str, str]
    urls: Mapping[str, str] = field(default_factory=dict)
    replicas: list[Replica] = field(default_factory=list)

    def start(self, kind: str, name: str) -> Replica:
        """Start `worklist <kind>` in a home of its own and wait until it answers."""
        home = self.root / name
        home.mkdir(parents=True, exist_ok=True)
        port = free_port() if kind in ("listener", "api") else 0
        env = {**os.environ, **self.env, **_own_settings(home, kind, port)}
        env["DATABASE_URL"] = self.urls.get(kind, self.database_url)
        with (home / f"{kind}.log").open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "app", kind], env=env, stdout=log, stderr=log
            )
        replica = Replica(name, kind, home, port, process)
        self.replicas.append(replica)
        _wait_until_serving(replica)
        return replica

    def of_kind(self, kind: str) -> list[Replica]:
        return [r for r in self.replicas if r.kind == kind and r.process.poll() is None]

    def stop_all(self) -> None:
        for replica in self.replicas:
            replica.stop()


def _own_settings(home: Path, kind: str, port: int) -> dict[str, str]:
    """What differs between replicas: the home, and the ports (metrics off, none shared)."""
    return {
        "WORKLIST_HOME": str(home),
        "PGAPPNAME": home.name,  # its connections' application name, to tell them apart
        "WORKLIST_API_PORT": str(port if kind == "api" else free_port()),
        "WORKLIST_DICOM_PORT": str(port if kind == "listener" else free_port()),
        "WORKLIST_LISTENER_METRICS_PORT": "0",
        "WORKLIST_WORKER_METRICS_PORT": "0",
        "WORKLIST_READY_DICOM_ADDRESS": "off",
        "WORKLIST_LOG_FORMAT": "json",
    }


def _wait_until_serving(replica: Replica) -> None:
    if replica.kind == "listener":
        if not echo_answered(replica.port, AE_TITLE, START_TIMEOUT):
            raise TimeoutError(f"{replica.name}: no C-ECHO answer, see {replica.log}")
    elif replica.kind == "api":
        wait_for_port(replica.port, START_TIMEOUT)


@contextmanager
def running_cluster(
    database_url: str,
    root: Path,
    env: Mapping[str, str],
    counts: Mapping[str, int],
    urls: Mapping[str, str] | None = None,
) -> Iterator[Cluster]:
    """`counts` replicas of each kind (e.g. {"listener": 2, "api": 2, "worker": 2}), named
    `listener-a`, `listener-b`, ...; every one still running is stopped at the end."""
    cluster = Cluster(database_url, root, env, urls or {})
    try:
        for kind, count in counts.items():
            for letter in "abcdefgh"[:count]:
                cluster.start(kind, f"{kind}-{letter}")
        yield cluster
    finally:
        cluster.stop_all()
