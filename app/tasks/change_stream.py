"""Task changes as they commit, from Postgres LISTEN/NOTIFY, fanned out inside one API process.

Each API replica holds one listening connection however many clients stream from it; the
trigger of migration 0002 notifies every replica, so a change made through any replica reaches
the clients of all of them.
"""

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg

from app.db.session import libpq_conninfo

logger = logging.getLogger(__name__)

CHANNEL = "reading_task_changes"
QUEUE_LIMIT = 1000
RECONNECT_DELAY = 1.0


@dataclass(eq=False)
class Subscription:
    queue: "asyncio.Queue[dict[str, Any]]" = field(
        default_factory=lambda: asyncio.Queue(QUEUE_LIMIT)
    )
    # Set when the client fell behind or the listener lost changes: its stream ends (at the next
    # keep-alive at the latest) and the client resumes with Last-Event-ID.
    overflowed: bool = False


class ChangeHub:
    def __init__(self, database_url: str) -> None:
        self._conninfo = libpq_conninfo(database_url)
        self._subscribers: set[Subscription] = set()
        self._listener: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[Subscription]:
        """Change payloads, live from the moment this returns until the block ends."""
        subscription = Subscription()
        self._subscribers.add(subscription)
        if self._listener is None:
            self._listener = asyncio.create_task(self._listen_forever())
        try:
            await self._ready.wait()
            yield subscription
        finally:
            self._subscribers.discard(subscription)

    async def _listen_forever(self) -> None:
        while True:
            try:
                await self._listen()
            except (psycopg.Error, OSError):
                logger.warning("change listener lost its connection; reconnecting")
            self._ready.clear()
            # Changes made while nobody listened are lost to these streams: end them, so their
            # clients reconnect with Last-Event-ID and get the missed ones replayed.
            for subscription in self._subscribers:
                subscription.overflowed = True
            await asyncio.sleep(RECONNECT_DELAY)

    async def _listen(self) -> None:
        async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
            await conn.execute(f"LISTEN {CHANNEL}")
            self._ready.set()
            async for notification in conn.notifies():
                self._publish(json.loads(notification.payload))

    def _publish(self, change: dict[str, Any]) -> None:
        for subscription in list(self._subscribers):
            if subscription.queue.full():
                subscription.overflowed = True
            else:
                subscription.queue.put_nowait(change)
