"""Reading the audit trail: a filtered page, or everything matching as JSON lines (admins)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from app.api.deps import CurrentUser, SessionDep
from app.api.examples import AUDIT_LINES
from app.api.limits import IdCursor
from app.audit import service
from app.audit.repository import AuditFilter
from app.audit.schemas import AuditEventOut, AuditPage
from app.auth.schemas import PLAIN_TEXT

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])

JSON_LINES = "application/jsonl"
FilterText = Annotated[str | None, Query(max_length=200, pattern=PLAIN_TEXT)]


def audit_filter(
    actor: FilterText = None,
    role: FilterText = None,
    action: FilterText = None,
    object_type: FilterText = None,
    object_id: FilterText = None,
    outcome: FilterText = None,
    source_address: FilterText = None,
    since: Annotated[datetime | None, Query(description="occurred at or after")] = None,
    until: Annotated[datetime | None, Query(description="occurred before")] = None,
) -> AuditFilter:
    return AuditFilter(
        actor=actor,
        role=role,
        action=action,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        source_address=source_address,
        since=since,
        until=until,
    )


FilterDep = Annotated[AuditFilter, Depends(audit_filter)]


@router.get("", summary="Search the audit trail")
def search_audit(
    session: SessionDep,
    user: CurrentUser,
    wanted: FilterDep,
    cursor: IdCursor = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditPage:
    """Events newest first; follow `next_cursor` for older ones.

    The search itself is audited; `422` for an unknown filter value.
    """
    events = service.search(session, user, wanted, before_id=cursor, limit=limit)
    next_cursor = events[-1].id if len(events) == limit else None
    shown = [AuditEventOut.model_validate(event) for event in events]
    return AuditPage(events=shown, next_cursor=next_cursor)


@router.get(
    "/export",
    response_class=StreamingResponse,
    summary="Export the audit trail as JSON lines",
    responses={
        200: {
            "content": {JSON_LINES: {"example": AUDIT_LINES}},
            "description": "one event per line",
        }
    },
)
def export_audit(
    request: Request, session: SessionDep, user: CurrentUser, wanted: FilterDep
) -> StreamingResponse:
    """Every matching event, oldest first, as JSON lines (for a SIEM or an archive).

    The export itself is audited.
    """
    service.note_export(session, user, wanted)
    lines = service.export_lines(request.app.state.database_url, wanted)
    return StreamingResponse(lines, media_type=JSON_LINES)
