"""Limits that keep one client from hurting the others: request body size and polling rate.

The polling limit is counted in each API process (per replica), on purpose: it guards a replica
against a client polling in a tight loop, it is not a quota. Keeping the count in Postgres would
add a write to every poll, the hottest read path we have, to make a safety valve exact. Behind a
load balancer spreading N replicas evenly, a token gets up to N times the per-replica rate.
"""

import math
import threading
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Path, Query
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import problem
from app.row_ids import BIGINT_MAX
from app.storage.quarantine import NAME as QUARANTINED_NAME

# A row id to continue a list from; bounded so no client can send Postgres an out-of-range bigint.
IdCursor = Annotated[
    int | None, Query(ge=0, le=BIGINT_MAX, description="the next_cursor of the previous page")
]
# A quarantined dataset's name as the quarantine makes them, so a name never reaches elsewhere.
QuarantinedName = Annotated[str, Path(max_length=64, pattern=f"^{QUARANTINED_NAME.pattern}$")]

# Routes that clients call on a timer, all day: the ones a stuck loop would hammer.
POLLING_ROUTES = frozenset(
    {
        ("GET", "/api/v1/tasks"),
        ("GET", "/api/v1/changes"),
        ("GET", "/api/v1/events"),
    }
)

# Routes whose bodies are read as a stream, to disk, by the route itself: large on purpose.
STREAMED_ROUTES = ("/dicomweb/studies", "/api/v1/uploads")


class BodySizeLimit:
    """ASGI middleware: refuse request bodies over `max_bytes` with 413, declared or streamed.

    A body is read in full (up to the limit) before the application sees it, so an oversized one
    is refused before any route starts work; our bodies are small JSON documents. Paths starting
    with one of `streamed` are passed through: their routes stream their bodies to disk.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, streamed: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.streamed = streamed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.streamed):
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        messages = await self._read_within_limit(receive)
        if messages is None:
            await self._refuse(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _read_within_limit(self, receive: Receive) -> list[Message] | None:
        """The body's messages, or None once they add up to more than the limit."""
        messages: list[Message] = []
        received = 0
        while True:
            message = await receive()
            messages.append(message)
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                return None
            if message["type"] != "http.request" or not message.get("more_body", False):
                return messages

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"the request body is larger than {self.max_bytes} bytes"
        await problem(413, detail)(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class PollingRateLimit:
    """A token bucket per API token: `per_minute` sustained, bursts up to `burst`."""

    def __init__(
        self, per_minute: int, burst: int, routes: frozenset[tuple[str, str]] = POLLING_ROUTES
    ) -> None:
        self.rate = per_minute / 60.0
        self.routes = routes
        self.burst = float(max(burst, 1))
        self._buckets: dict[int, _Bucket] = {}
        self._lock = threading.Lock()

    def check(self, token_id: int | None, method: str, route: str) -> None:
        """Spend one request of this token's budget, or raise 429 with Retry-After."""
        if self.rate <= 0 or token_id is None or (method, route) not in self.routes:
            return
        wait = self._spend(token_id, time.monotonic())
        if wait > 0:
            raise HTTPException(
                429,
                f"too many requests on {route}: poll less often",
                headers={"Retry-After": str(math.ceil(wait))},
            )

    def _spend(self, token_id: int, now: float) -> float:
        """Seconds to wait before one more request is allowed; 0 if it is allowed now."""
        with self._lock:
            bucket = self._buckets.setdefault(token_id, _Bucket(self.burst, now))
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / self.rate
