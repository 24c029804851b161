"""Server-sent events: every task change, as it commits on any API replica."""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.api.deps import get_current_user
from app.auth.principal import Principal
from app.db.session import session_scope
from app.tasks import worklist
from app.tasks.change_stream import ChangeHub

router = APIRouter(prefix="/api/v1", tags=["tasks"])

KEEPALIVE_SECONDS = 15.0
REPLAY_LIMIT = 1000
_bearer = HTTPBearer(auto_error=False)


def stream_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, checked in a session of its own: a stream must not hold one open for hours."""
    with session_scope(request.app.state.database_url) as session:
        return get_current_user(request, session, credentials)


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "task changes"}},
)
async def stream_events(
    request: Request,
    user: Annotated[Principal, Depends(stream_user)],
    since: Annotated[int | None, Query(ge=0, description="replay changes after this")] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """`text/event-stream` of task changes (ids, state, version; no patient data).

    Reconnecting clients send `Last-Event-ID` (or `?since=`) and first get what they missed.
    """
    if since is None and last_event_id and last_event_id.isdigit():
        since = int(last_event_id)
    return StreamingResponse(
        _events(request, _hub(request.app), since),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _hub(app: FastAPI) -> ChangeHub:
    hub: ChangeHub | None = getattr(app.state, "change_hub", None)
    if hub is None:
        hub = app.state.change_hub = ChangeHub(app.state.database_url)
    return hub


async def _events(request: Request, hub: ChangeHub, since: int | None) -> AsyncIterator[str]:
    async with hub.subscribe() as subscription:
        yield ": listening\n\n"
        replayed: set[int] = set()
        if since is not None:
            for change in await run_in_threadpool(_missed, request.app.state.database_url, since):
                replayed.add(change["change_seq"])
                yield _event(change)
        while not subscription.overflowed:
            try:
                change = await asyncio.wait_for(subscription.queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                yield ": keepalive\n\n"
                continue
            if change["change_seq"] not in replayed:
                yield _event(change)


def _missed(database_url: str, since: int) -> list[dict[str, Any]]:
    with session_scope(database_url) as session:
        return worklist.change_payloads_since(session, since, REPLAY_LIMIT)


def _event(change: dict[str, Any]) -> str:
    return f"id: {change['change_seq']}\nevent: task\ndata: {json.dumps(change)}\n\n"
