"""`worklist up`: the database, the migrations and every service process on one machine.

A part that stops on its own (a crash, a kill) is started again after a back-off that doubles
with each quick failure, and the embedded Postgres likewise: one part's crash never takes the
others down. Only Ctrl-C or SIGTERM stops them all.
"""

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from prometheus_client import Counter, start_http_server

from app.db.embedded import (
    embedded_postgres_running,
    restart_embedded_postgres,
    stop_embedded_postgres,
)
from app.settings import Settings
from app.stop_signals import (
    block_stop_signals,
    stop_requested,
    stop_with_parent,
    unblock_stop_signals,
)

logger = logging.getLogger(__name__)

SERVICES: dict[str, Sequence[str]] = {
    "api": ("api",),
    "listener": ("listener",),
    "worker": ("worker",),
    "hl7": ("hl7",),
}
_GRACE_SECONDS = 15
_FIRST_DELAY = 1.0
_LONGEST_DELAY = 30.0
# A part that ran this long before stopping was healthy: its next restart waits the first delay.
_HEALTHY_RUN = 60.0

RESTARTS = Counter(
    "worklist_supervisor_restarts_total",
    "Parts of `worklist up` started again after they stopped on their own",
    ["part"],
)


@dataclass
class Backoff:
    """When a part that keeps stopping may be started again."""

    failures: int = 0
    retry_at: float = 0.0

    def failed(self, now: float, ran_for: float) -> float:
        """Record a stop; return the seconds until the next start."""
        self.failures = 1 if ran_for >= _HEALTHY_RUN else self.failures + 1
        delay: float = min(_LONGEST_DELAY, _FIRST_DELAY * 2.0 ** (self.failures - 1))
        self.retry_at = now + delay
        return delay


@dataclass
class Child:
    """One service process, started again whenever it stops on its own."""

    name: str
    args: Sequence[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    backoff: Backoff = field(default_factory=Backoff)

    def start(self, env: dict[str, str]) -> None:
        command = [sys.executable, "-m", "app", *self.args]
        # A session of their own: a terminal's Ctrl-C reaches us alone, and we stop them in order.
        self.process = subprocess.Popen(
            command, env=env, start_new_session=True, preexec_fn=_prepare_child
        )
        self.started_at = time.monotonic()

    def keep_running(self, env: dict[str, str]) -> None:
        now = time.monotonic()
        if self.process is not None and self.process.poll() is not None:
            delay = self.backoff.failed(now, now - self.started_at)
            logger.error(
                "service stopped unexpectedly; starting it again",
                extra={
                    "service": self.name,
                    "exit_code": self.process.returncode,
                    "restart_in": delay,
                },
            )
            self.process = None
        if self.process is None and now >= self.backoff.retry_at:
            RESTARTS.labels(self.name).inc()
            self.start(env)


@dataclass
class EmbeddedPostgres:
    """The embedded cluster `worklist up` holds, started again when it stops."""

    pgdata: Path
    backoff: Backoff = field(default_factory=Backoff)
    running_since: float = field(default_factory=time.monotonic)

    def keep_running(self) -> None:
        pgdata = self.pgdata
        now = time.monotonic()
        if now < self.backoff.retry_at or embedded_postgres_running(pgdata):
            return
        logger.error("embedded postgres stopped; starting it again", extra={"pgdata": str(pgdata)})
        RESTARTS.labels("postgres").inc()
        try:
            restart_embedded_postgres(pgdata)
        except Exception as error:  # pg_ctl failed or timed out: try again later
            delay = self.backoff.failed(now, now - self.running_since)
            logger.error(
                "embedded postgres did not start",
                extra={"error": type(error).__name__, "retry_in": delay},
            )
            return
        self.running_since = time.monotonic()
        logger.info("embedded postgres running again")


def _prepare_child() -> None:
    """Children get SIGTERM if `worklist up` itself is killed, so nothing is left running."""
    unblock_stop_signals()
    stop_with_parent()


def run_services(settings: Settings, database_url: str) -> int:
    """Run every service until SIGINT or SIGTERM, restarting what stops; return the exit code."""
    env = {**os.environ, "DATABASE_URL": database_url, "WORKLIST_HOME": str(settings.home)}
    block_stop_signals()
    if settings.supervisor_metrics_port:
        start_http_server(settings.supervisor_metrics_port, addr=settings.api_host)
    children = [Child(name, args) for name, args in SERVICES.items()]
    for child in children:
        child.start(env)
    postgres = None if settings.database_url else EmbeddedPostgres(settings.embedded_pgdata)
    while not stop_requested(0.5):
        if postgres is not None:
            postgres.keep_running()
        for child in children:
            child.keep_running(env)
    _stop_all(children)
    if postgres is not None:
        stop_embedded_postgres(settings.embedded_pgdata)
    return 0


def _stop_all(children: list[Child]) -> None:
    running = [(child.name, child.process) for child in children if child.process is not None]
    for _, process in running:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for name, process in running:
        try:
            process.wait(_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            logger.warning("service did not stop in time; killing it", extra={"service": name})
            process.kill()
            process.wait()
