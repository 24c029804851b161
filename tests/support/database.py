"""A real Postgres for the tests: TEST_DATABASE_URL, or an embedded cluster of their own."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import make_url, text

from app.db.embedded import start_embedded_postgres
from app.db.session import get_engine
from app.db.tables import metadata

# Rows that migrations insert and tests must not lose.
REFERENCE_TABLES = frozenset({"subspecialties"})
# Tables whose rows no statement may delete (a trigger refuses): emptied whole by TRUNCATE.
APPEND_ONLY_TABLES = frozenset({"audit_events"})


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


def empty_all_tables(database_url: str) -> None:
    """Empty every table but the reference ones, their identities started again at 1: each test
    starts from a migrated, empty schema.

    Rows are deleted, children first, rather than truncated: TRUNCATE makes new files for every
    table and index, a quarter of a second per test, where the few rows a test leaves take
    milliseconds to delete.
    """
    emptied = [t.name for t in reversed(metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with get_engine(database_url).begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(APPEND_ONLY_TABLES)}"))
        for name in emptied:
            if name not in APPEND_ONLY_TABLES:
                connection.execute(text(f"DELETE FROM {name}"))
        for sequence in _identity_sequences(database_url, tuple(emptied)):
            connection.execute(text("SELECT setval(:sequence, 1, false)"), {"sequence": sequence})


@cache
def _identity_sequences(database_url: str, tables: tuple[str, ...]) -> list[str]:
    """The sequences that number these tables' rows (identity and serial columns)."""
    with get_engine(database_url).connect() as connection:
        found = connection.execute(
            text(
                "SELECT pg_get_serial_sequence(quote_ident(c.relname), a.attname)"
                " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
                " WHERE c.relname = ANY(:tables) AND c.relkind = 'r' AND a.attnum > 0"
                " AND NOT a.attisdropped AND c.relnamespace = current_schema()::regnamespace"
            ),
            {"tables": list(tables)},
        )
        return [sequence for (sequence,) in found if sequence is not None]
