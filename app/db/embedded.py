"""The embedded Postgres (pgserver) used when no DATABASE_URL is configured."""

import logging
from pathlib import Path

import psycopg
from psycopg import sql

logger = logging.getLogger(__name__)

DATABASE_NAME = "worklist"


def start_embedded_postgres(pgdata: Path, database: str = DATABASE_NAME) -> str:
    """Start (or join) the cluster in `pgdata` and return a URL to `database`, creating it.

    pgserver counts the processes holding the cluster and stops it when the last one exits,
    so several of our commands may share one running cluster.
    """
    from pgserver.postgres_server import get_server  # lazily: only without DATABASE_URL

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = get_server(pgdata.resolve(), cleanup_mode="stop")
    ensure_database(server.get_uri("postgres"), database)
    url: str = server.get_uri(database)
    logger.info("embedded postgres ready", extra={"pgdata": str(pgdata)})
    return url


def stop_embedded_postgres(pgdata: Path) -> None:
    """Release this process's hold on the cluster; the last holder stops it."""
    from pgserver.postgres_server import get_server

    server = get_server(pgdata.resolve(), cleanup_mode="stop")
    server.cleanup()


def ensure_database(admin_url: str, database: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
        exists = found.fetchone()
        if exists is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
