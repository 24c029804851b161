"""A real Postgres for the tests: TEST_DATABASE_URL, or an embedded cluster of their own."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import make_url, text

from app.db.embedded import start_embedded_postgres
from app.db.session import get_engine
from app.db.tables import metadata

# Rows that migrations insert and tests must not lose.
REFERENCE_TABLES = frozenset({"subspecialties"})


@contextmanager
def database_server(workdir: Path) -> Iterator[str]:
    """Yield a URL to the test server's `postgres` database; an embedded one is removed after."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    from pgserver.postgres_server import get_server

    pgdata = workdir / "pgdata"
    url = start_embedded_postgres(pgdata, "postgres")
    try:
        yield url
    finally:
        get_server(pgdata.resolve(), cleanup_mode="delete").cleanup()


def fresh_database(server_url: str, name: str) -> str:
    """Drop and create database `name` on the server; return its URL."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url: str = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    return url


def truncate_all(database_url: str) -> None:
    """Empty every table but the reference ones: each test starts from a migrated, empty schema."""
    names = [t.name for t in metadata.sorted_tables if t.name not in REFERENCE_TABLES]
    with get_engine(database_url).begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
