"""Request ids, an access log line and Prometheus figures per request, in plain ASGI."""

import logging
import time
import uuid
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("app.api.access")

REQUESTS = Counter("worklist_http_requests", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "worklist_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)


class RequestObservation:
    """ASGI middleware: tags each request with an id and records how it went."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._observe(scope, status, time.perf_counter() - started, request_id)

    @staticmethod
    def _observe(scope: Scope, status: int, seconds: float, request_id: str) -> None:
        # The route template, never the raw path: paths carry UIDs and query strings carry PHI.
        route = getattr(scope.get("route"), "path_format", "unmatched")
        REQUESTS.labels(scope["method"], route, str(status)).inc()
        LATENCY.labels(scope["method"], route).observe(seconds)
        fields: dict[str, Any] = {
            "request_id": request_id,
            "method": scope["method"],
            "route": route,
            "status": status,
            "ms": round(seconds * 1000, 1),
        }
        logger.info("request", extra=fields)


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text: str = value.decode("latin-1")[:64]
            return text if text.isprintable() else None
    return None
