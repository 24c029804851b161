"""One statement a process runs very often, sent straight through libpq on a psycopg connection.

psycopg's cursor converts the query, adapts each parameter and drives its waits through
generators on every execution: for the HL7 listener's new orders, thousands of statements a
second with three parameters each, that cost the listener about 85 us of CPU per statement, a
third of what the whole statement cost it. Here the parameters go as UTF-8 text, the statement is
prepared once per connection (unless the database URL says never, for a pooler that cannot keep
it) and the rows come back as text. The connection stays psycopg's: it connects and closes it,
and its errors are psycopg's, with their SQLSTATE.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import pq
from psycopg.errors import error_from_result

Row = tuple[str | None, ...]

ENCODING = "utf-8"
_SUCCEEDED = frozenset({pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK})


@dataclass
class LibpqStatement:
    """A statement with $1, $2... parameters of the given type oids, on one connection.

    The connection's client encoding must be UTF-8, and nothing else may use the connection while
    a statement runs (the listener gives it a connection of its own).
    """

    connection: psycopg.AsyncConnection[Any]
    sql: str
    parameter_types: Sequence[int]
    name: bytes
    prepared: bool = True
    _prepared_here: bool = field(default=False, init=False)
    _sql: bytes = field(default=b"", init=False)

    def __post_init__(self) -> None:
        if self.connection.info.encoding != ENCODING:
            raise ValueError(f"the connection's client encoding is {self.connection.info.encoding}")
        self._sql = self.sql.encode()

    async def rows(self, parameters: Sequence[bytes | None]) -> list[Row]:
        """The statement's rows; psycopg's error (with its SQLSTATE) when it fails."""
        pgconn = self.connection.pgconn
        if not self.prepared:
            pgconn.send_query_params(self._sql, parameters, self.parameter_types)
            return _rows(await self._result())
        if not self._prepared_here:
            pgconn.send_prepare(self.name, self._sql, self.parameter_types)
            await self._result()
            self._prepared_here = True
        pgconn.send_query_prepared(self.name, parameters)
        return _rows(await self._result())

    async def _result(self) -> pq.abc.PGresult:
        """The one result of the statement sent, once the server has said it is done."""
        pgconn = self.connection.pgconn
        while pgconn.flush():
            await _ready(pgconn.socket, writing=True)
        results = []
        while True:
            while pgconn.is_busy():
                await _ready(pgconn.socket, writing=False)
                pgconn.consume_input()  # psycopg's OperationalError when the connection is lost
            result = pgconn.get_result()
            if result is None:
                break
            results.append(result)
        failed = [result for result in results if result.status not in _SUCCEEDED]
        if failed:
            raise error_from_result(failed[0], ENCODING)
        if not results:
            raise psycopg.OperationalError("the server answered the statement with no result")
        return results[-1]


def _rows(result: pq.abc.PGresult) -> list[Row]:
    return [
        tuple(_text(result.get_value(row, column)) for column in range(result.nfields))
        for row in range(result.ntuples)
    ]


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode(ENCODING)


def _ready(socket: int, *, writing: bool) -> "asyncio.Future[None]":
    """A future done once the socket can be written to (or read from)."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()
    if writing:
        loop.add_writer(socket, _settle, ready)
        ready.add_done_callback(lambda _: loop.remove_writer(socket))
    else:
        loop.add_reader(socket, _settle, ready)
        ready.add_done_callback(lambda _: loop.remove_reader(socket))
    return ready


def _settle(ready: "asyncio.Future[None]") -> None:
    if not ready.done():  # the socket may be ready again before the waiting task has run
        ready.set_result(None)
