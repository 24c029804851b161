"""New orders from all of a process's connections, committed together.

Each connection waits for its order's commit before it acknowledges, so a process with many
senders would commit (and flush the database's log) once per order. Instead, orders that arrive
while a commit is under way wait for the next one, which takes them all in one statement: the
busier the listener, the more orders each commit carries, and a lone order waits for nothing.
The statement runs on the event loop's own connection (psycopg's asynchronous driver), so the
listener's one thread is never handed work to and back.
"""

import asyncio
import logging
from dataclasses import dataclass, field

import psycopg

from app.db.libpq_statement import ENCODING, LibpqStatement
from app.db.session import PREPARE_THRESHOLD, libpq_conninfo, prepare_threshold
from app.orders.first_orders import FirstOrder, first_orders_statement, store_first_orders

logger = logging.getLogger(__name__)

# How the batches' connection shows in pg_stat_activity.
APPLICATION_NAME = "worklist hl7 orders"
# Bounded so that one statement stays small; more orders than this simply wait one commit more.
MOST_ORDERS_PER_COMMIT = 200

Waiting = tuple[FirstOrder, "asyncio.Future[bool]"]


class OrdersRefused(Exception):
    """The database refused a statement of orders. Only the kind of error is kept: Postgres quotes
    the rows' JSON around a value it cannot read, and that may name a patient."""


@dataclass
class NewOrderBatches:
    database_url: str
    _waiting: list[Waiting] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _committing: "asyncio.Task[None] | None" = None
    # The statement, on a connection of its own.
    _statement: LibpqStatement | None = None

    async def store(self, first: FirstOrder) -> bool:
        """Whether the order was stored with its message's answer (False: take the full path)."""
        if self._committing is None or self._committing.done():
            self._committing = asyncio.create_task(self._commit_as_they_come())
        # The committing task's loop is the running one; asking for the running loop costs a
        # system call (getpid) on Python 3.11, once per order here.
        stored: asyncio.Future[bool] = self._committing.get_loop().create_future()
        self._waiting.append((first, stored))
        self._arrived.set()
        return await stored

    async def _commit_as_they_come(self) -> None:
        while True:
            await self._arrived.wait()
            batch = self._waiting[:MOST_ORDERS_PER_COMMIT]
            del self._waiting[:MOST_ORDERS_PER_COMMIT]
            if not self._waiting:
                self._arrived.clear()
            await self._commit(batch)

    async def _commit(self, batch: list[Waiting]) -> None:
        firsts = [first for first, _ in batch]
        try:
            stored = await self._store(firsts)
        except Exception as error:
            if len(batch) == 1:
                _settle(batch[0][1], error=error)
                return
            # One order's value the database refuses must not fail the others: each alone.
            logger.warning("HL7 orders stored one by one after a failed batch", exc_info=True)
            for waiting in batch:
                await self._commit([waiting])
            return
        for (_, future), was_stored in zip(batch, stored, strict=True):
            _settle(future, was_stored)

    async def _store(self, firsts: list[FirstOrder]) -> list[bool]:
        # No ping before each statement: a connection lost to a database restart fails one
        # statement, is dropped, and the statement is sent once more on a new connection.
        for attempt in (1, 2):
            statement = await self._connected()
            try:
                return await store_first_orders(statement, firsts)
            except psycopg.Error as error:
                if attempt == 1 and statement.connection.broken:
                    await statement.connection.close()
                    continue
                raise OrdersRefused(f"{type(error).__name__} (SQLSTATE {error.sqlstate})") from None
        raise AssertionError("unreachable")

    async def _connected(self) -> LibpqStatement:
        if self._statement is None or self._statement.connection.closed:
            connection = await psycopg.AsyncConnection.connect(
                libpq_conninfo(self.database_url),
                autocommit=True,
                application_name=APPLICATION_NAME,
                client_encoding=ENCODING,
            )
            # Never prepared when DATABASE_URL says so (a pooler that cannot carry them).
            preparing = prepare_threshold(self.database_url)
            prepared = preparing.get(PREPARE_THRESHOLD, 0) is not None
            self._statement = first_orders_statement(connection, prepared)
        return self._statement

    async def close(self) -> None:
        """Stop committing and close the database connection (at the listener's stop)."""
        if self._committing is not None:
            self._committing.cancel()
        if self._statement is not None:
            await self._statement.connection.close()


def _settle(
    future: "asyncio.Future[bool]", result: bool = False, error: Exception | None = None
) -> None:
    """Answer a waiting connection, unless it has gone (its future cancelled)."""
    if future.done():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)
