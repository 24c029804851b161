"""`worklist up`: the database, the migrations and every service process on one machine."""

import logging
import os
import signal
import subprocess
import sys
from collections.abc import Sequence

from app.db.embedded import stop_embedded_postgres
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


def _prepare_child() -> None:
    """Children get SIGTERM if `worklist up` itself is killed, so nothing is left running."""
    unblock_stop_signals()
    stop_with_parent()


def _start(name: str, args: Sequence[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "app", *args]
    # A session of their own: a terminal's Ctrl-C reaches us alone, and we stop them in order.
    return subprocess.Popen(command, env=env, start_new_session=True, preexec_fn=_prepare_child)


def run_services(settings: Settings, database_url: str) -> int:
    """Run every service until a signal or the death of one of them; return the exit code."""
    env = {**os.environ, "DATABASE_URL": database_url, "WORKLIST_HOME": str(settings.home)}
    block_stop_signals()
    children = {name: _start(name, args, env) for name, args in SERVICES.items()}
    exit_code = 0
    while not stop_requested(0.5):
        failed = [name for name, child in children.items() if child.poll() is not None]
        if failed:
            logger.error(
                "a service stopped unexpectedly; stopping the rest", extra={"services": failed}
            )
            exit_code = 1
            break
    _stop_all(children)
    if not settings.database_url:
        stop_embedded_postgres(settings.embedded_pgdata)
    return exit_code


def _stop_all(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for name, child in children.items():
        try:
            child.wait(_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            logger.warning("service did not stop in time; killing it", extra={"service": name})
            child.kill()
            child.wait()
