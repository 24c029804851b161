"""A reader taking a case: the task claimed, and a second-opinion request it answers in review."""

from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from app.principal import Principal
from app.settings import Settings
from app.tasks import next_case, service
from app.tasks.models import ReadingTask
from app.workflow.second_opinion_requests import note_claimed


def claim(
    session: Session, principal: Principal, settings: Settings, task_id: int, version: int | None
) -> ReadingTask:
    task = service.claim(session, principal, task_id, version, settings.task_lease)
    note_claimed(session, settings, [task.id])
    return task


def claim_next(session: Session, principal: Principal, settings: Settings) -> Row[Any] | None:
    """The most urgent task the reader may take, claimed; None when there is none."""
    row = next_case.claim_next(session, principal, settings)
    if row is not None:
        note_claimed(session, settings, [row.id])
    return row
