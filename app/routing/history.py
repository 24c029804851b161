"""One call writes a routing change into the task's history and the audit trail."""

from typing import Any

from sqlalchemy.orm import Session

from app.audit.events import AuditAction
from app.audit.service import record
from app.auth.principal import Principal
from app.tasks import repository as tasks
from app.tasks.models import ReadingTask


def record_task_change(
    session: Session,
    task: ReadingTask,
    principal: Principal,
    *,
    action: str,
    from_state: str | None,
    event: str,
    details: dict[str, Any],
) -> None:
    """Who changed the task, what changed and why: in its history and in the audit table."""
    tasks.add_event(
        session, task, action=action, from_state=from_state, actor=principal.actor, details=details
    )
    record(
        session,
        principal,
        AuditAction.PROCEDURE_RECORD,
        object_type="reading_task",
        object_id=task.id,
        details={"event": event, **details},
    )
