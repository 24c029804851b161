"""Server-sent events: every task change, as it commits on any API replica."""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from app.api.deps import UserApart
from app.api.examples import EVENT_STREAM
from app.db.session import session_scope
from app.tasks import change_feed
from app.tasks.change_feed import FeedPosition
from app.tasks.change_stream import ChangeHub

router = APIRouter(prefix="/api/v1", tags=["tasks"])

KEEPALIVE_SECONDS = 15.0
REPLAY_LIMIT = 1000


@router.get(
    "/events",
    response_class=StreamingResponse,
    summary="Stream task changes (server-sent events)",
    responses={
        200: {
            "content": {"text/event-stream": {"example": EVENT_STREAM}},
            "description": "task changes",
        }
    },
)
async def stream_events(
    request: Request,
    user: UserApart,
    since: Annotated[str | None, Query(description="replay changes after this event id")] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """`text/event-stream` of task changes (ids, state, version; no patient data).

    Reconnecting clients send `Last-Event-ID` (or `?since=`) and first get what they missed:
    a change may come twice, never not at all. Changes nothing.
    """
    resume = since or last_event_id
    after = FeedPosition.parse(resume) if resume else None
    return StreamingResponse(
        _events(request, _hub(request.app), after),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _hub(app: FastAPI) -> ChangeHub:
    hub: ChangeHub | None = getattr(app.state, "change_hub", None)
    if hub is None:
        hub = app.state.change_hub = ChangeHub(app.state.database_url)
    return hub


async def _events(
    request: Request, hub: ChangeHub, after: FeedPosition | None
) -> AsyncIterator[str]:
    async with hub.subscribe() as subscription:
        yield ": listening\n\n"
        replayed: set[int] = set()
        if after is not None:
            missed = await run_in_threadpool(_missed, request.app.state.database_url, after)
            for change, position in missed:
                replayed.add(change["change_seq"])
                yield _event(change, position)
            if len(missed) == REPLAY_LIMIT:
                return  # more were missed: the client resumes from the last of these
        while not subscription.overflowed:
            try:
                change = await asyncio.wait_for(subscription.queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                yield ": keepalive\n\n"
                continue
            if change["change_seq"] not in replayed:
                yield _event(change, FeedPosition(change["resume_from"]))


def _missed(database_url: str, after: FeedPosition) -> list[tuple[dict[str, Any], FeedPosition]]:
    with session_scope(database_url) as session:
        return change_feed.change_payloads_since(session, after, REPLAY_LIMIT)


def _event(change: dict[str, Any], resume_from: FeedPosition) -> str:
    """A change; its id is where a client that saw it may resume without missing a later one."""
    data = {key: value for key, value in change.items() if key != "resume_from"}
    return f"id: {resume_from}\nevent: task\ndata: {json.dumps(data)}\n\n"
