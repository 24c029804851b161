"""A statement sent straight through libpq: its rows as text, prepared once or never, and
psycopg's errors with their SQLSTATE."""

from typing import Any

import psycopg
import pytest
from psycopg import errors
from psycopg.postgres import types

from app.db.libpq_statement import ENCODING, LibpqStatement
from app.db.session import libpq_conninfo
from tests.support.event_loops import run_apart

ECHO = "SELECT $1::text, upper($1::text), NULL::text UNION ALL SELECT 'é', $2::int::text, 'x'"
TEXT, INTEGER = types["text"].oid, types["int4"].oid


async def _connect(database_url: str) -> psycopg.AsyncConnection[Any]:
    return await psycopg.AsyncConnection.connect(
        libpq_conninfo(database_url), autocommit=True, client_encoding=ENCODING
    )


@pytest.mark.parametrize("prepared", [True, False], ids=["prepared", "never prepared"])
def test_rows_come_back_as_text_each_time(database_url: str, prepared: bool) -> None:
    async def run() -> tuple[list[list[tuple[str | None, ...]]], int]:
        async with await _connect(database_url) as connection:
            statement = LibpqStatement(connection, ECHO, (TEXT, INTEGER), b"echo", prepared)
            answers = [await statement.rows([word, b"7"]) for word in ("día".encode(), b"b")]
            cursor = await connection.execute("SELECT count(*) FROM pg_prepared_statements")
            counted = await cursor.fetchone()
            return answers, counted[0] if counted else 0

    answers, kept = run_apart(run())

    assert answers == [
        [("día", "DÍA", None), ("é", "7", "x")],
        [("b", "B", None), ("é", "7", "x")],
    ]
    assert kept == (1 if prepared else 0)


def test_a_failed_statement_raises_psycopgs_error_and_the_connection_goes_on(
    database_url: str,
) -> None:
    async def run() -> tuple[BaseException, list[tuple[str | None, ...]]]:
        async with await _connect(database_url) as connection:
            statement = LibpqStatement(connection, ECHO, (TEXT, INTEGER), b"echo")
            with pytest.raises(psycopg.Error) as refused:
                await statement.rows([b"a", b"not a number"])
            return refused.value, await statement.rows([b"a", b"1"])

    refused, after = run_apart(run())

    assert isinstance(refused, errors.InvalidTextRepresentation)
    assert refused.sqlstate == "22P02"
    assert after[0] == ("a", "A", None)


def test_a_connection_in_another_encoding_is_refused(database_url: str) -> None:
    async def run() -> None:
        conninfo = libpq_conninfo(database_url)
        async with await psycopg.AsyncConnection.connect(
            conninfo, client_encoding="LATIN1"
        ) as connection:
            LibpqStatement(connection, ECHO, (TEXT, INTEGER), b"echo")

    with pytest.raises(ValueError, match="client encoding"):
        run_apart(run())
