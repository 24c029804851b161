"""A second-opinion request's status changes, announced: a new place in the change feed, and a
signed webhook queued in the outbox of the same transaction when `WORKLIST_WEBHOOK_URL` is set."""

import json
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.deliveries.service import enqueue
from app.second_opinions import repository
from app.second_opinions.models import SecondOpinionRequest
from app.settings import Settings
from app.vocabulary import RequestStatus

WEBHOOK_MESSAGE = "webhook"
STATUS_CHANGED = "second_opinion_request.status_changed"


def move_request(
    session: Session, settings: Settings, request: SecondOpinionRequest, status: RequestStatus
) -> None:
    """Give the request its new status and announce it; a status it already has is no change."""
    if request.status == status.value:
        return
    request.status = status.value
    announce(session, settings, request)


def announce(session: Session, settings: Settings, request: SecondOpinionRequest) -> None:
    repository.mark_changed(request)
    session.flush()
    if not settings.webhook_url:
        return
    enqueue(
        session,
        [settings.webhook_url],
        message_type=WEBHOOK_MESSAGE,
        control_id=f"request-{request.id}-{request.status.replace(' ', '-')}",
        payload=webhook_body(request, datetime.now(UTC)),
        task_id=request.task_id,
    )


def webhook_body(request: SecondOpinionRequest, now: datetime) -> str:
    """What the requester's system receives: enough to decide whether to fetch the report."""
    return json.dumps(
        {
            "event": STATUS_CHANGED,
            "request_id": request.id,
            "status": request.status,
            "study_instance_uid": request.study_instance_uid,
            "task_id": request.task_id,
            "report": f"/api/v1/second-opinion-requests/{request.id}",
            "occurred_at": now.isoformat(),
        },
        separators=(",", ":"),
    )
