"""The embedded Postgres (pgserver) used when no DATABASE_URL is configured."""

import logging
import warnings
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

logger = logging.getLogger(__name__)

DATABASE_NAME = "worklist"


def _server(pgdata: Path) -> Any:
    """pgserver's handle on the cluster in `pgdata`, starting it when it is not running.

    pgserver counts the processes holding the cluster and stops it when the last one exits,
    so several of our commands may share one running cluster.
    """
    # pgserver's lock lives in the per-user runtime folder; where XDG_RUNTIME_DIR is unset
    # platformdirs falls back to /tmp and warns on every command, which tells a user nothing.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        from pgserver.postgres_server import get_server  # lazily: only without DATABASE_URL

        return get_server(pgdata.resolve(), cleanup_mode="stop")


def cluster_exists(pgdata: Path) -> bool:
    """Whether `pgdata` holds an initialised cluster (running or not)."""
    return (pgdata / "PG_VERSION").is_file()


def start_embedded_postgres(pgdata: Path, database: str = DATABASE_NAME) -> str:
    """Start (or join) the cluster in `pgdata` and return a URL to `database`, creating it."""
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = _server(pgdata)
    ensure_database(server.get_uri("postgres"), database)
    url: str = server.get_uri(database)
    logger.info("embedded postgres ready", extra={"pgdata": str(pgdata)})
    return url


def embedded_postgres_running(pgdata: Path) -> bool:
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata.resolve())
    return info is not None and bool(info.is_running())


def restart_embedded_postgres(pgdata: Path) -> None:
    """Start the cluster this process holds again after it stopped; raises if it cannot."""
    server = _server(pgdata)
    with server._lock:  # pgserver starts a cluster only under its inter-process lock
        server.ensure_postgres_running()


def stop_embedded_postgres(pgdata: Path) -> None:
    """Release this process's hold on the cluster; the last holder stops it."""
    _server(pgdata).cleanup()


def ensure_database(admin_url: str, database: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
        exists = found.fetchone()
        if exists is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
