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

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app.db.session import sqlalchemy_url
from app.orders.first_orders import FirstOrder, store_first_orders

logger = logging.getLogger(__name__)

# Bounded so that one statement stays small; more orders than this simply wait one commit more.
MOST_ORDERS_PER_COMMIT = 200

Waiting = tuple[FirstOrder, "asyncio.Future[bool]"]


@dataclass
class NewOrderBatches:
    database_url: str
    _waiting: list[Waiting] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _committing: "asyncio.Task[None] | None" = None
    _engine: AsyncEngine | None = None

    async def store(self, first: FirstOrder) -> bool:
        """Whether the order was stored with its message's answer (False: take the full path)."""
        if self._committing is None or self._committing.done():
            self._committing = asyncio.create_task(self._commit_as_they_come())
        stored: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
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
        if self._engine is None:
            self._engine = create_async_engine(
                sqlalchemy_url(self.database_url),
                isolation_level="AUTOCOMMIT",
                pool_size=1,
                hide_parameters=True,
            )
        # No ping before each statement: a connection lost to a database restart fails one
        # statement, is discarded, and the statement is sent once more on a new connection.
        for attempt in (1, 2):
            async with self._engine.connect() as connection:
                try:
                    return await connection.run_sync(lambda sync: store_first_orders(sync, firsts))
                except DBAPIError as error:
                    if attempt == 2 or not error.connection_invalidated:
                        raise
        raise AssertionError("unreachable")

    async def close(self) -> None:
        """Stop committing and close the database connection (at the listener's stop)."""
        if self._committing is not None:
            self._committing.cancel()
        if self._engine is not None:
            await self._engine.dispose()


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
